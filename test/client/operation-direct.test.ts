/**
 * The operation functions' direct path (src/client/transport/direct.ts): with no middleware and
 * openapi-fetch's default serializers, a function builds its request itself instead of through
 * openapi-fetch. It must put on the wire exactly what the path style puts there (method, URL,
 * headers, body), for the seed operations and a sample of the whole API, and give the same
 * `{ data, error, response }`; middleware and custom serializers send it through openapi-fetch.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFeatherClient,
  type FeatherClient,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { createOperationClient, operationFunction } from '../../src/client/operation.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../helpers/loopback-server.ts';
import { seedTree } from '../helpers/seed.ts';
import { wholeApiFile, wholeApiMissing } from '../helpers/feather-api.ts';

const KEY = 'sk_test_direct_5a6b7c8d';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(replies: Reply[] = [{ body: { ok: true } }]): Promise<LoopbackServer> {
  server = await startLoopbackServer(replies);
  return server;
}

function clientOptions(url: string, options: FeatherClientOptions = {}): FeatherClientOptions {
  return { apiKey: KEY, baseUrl: url, logLevel: 'off', maxRetries: 0, ...options };
}

type Dict = Record<string, unknown>;
interface SampleCall {
  method: string;
  path: string;
  init: Dict;
}

/** Values that exercise the serializers: reserved and non-ASCII characters, arrays, objects. */
const QUERY_VALUES: unknown[] = [
  'a b&c=d/é?#',
  ['x y', 'p&q', 'ü'],
  { 'k]&z': 'v w', n: 2 },
  42,
  true,
];

/** One call per operation of `doc`, with every path, query and header parameter it declares. */
function sampleCalls(doc: Dict): SampleCall[] {
  const components = (doc.components ?? {}) as { parameters?: Record<string, Dict> };
  const resolve = (parameter: Dict): Dict => {
    const ref = parameter.$ref;
    if (typeof ref !== 'string') return parameter;
    return components.parameters?.[ref.split('/').pop()!] ?? {};
  };
  const calls: SampleCall[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Dict>)) {
    for (const method of METHODS) {
      const operation = item[method] as Dict | undefined;
      if (operation === undefined) continue;
      const parameters = [
        ...((item.parameters as Dict[] | undefined) ?? []),
        ...((operation.parameters as Dict[] | undefined) ?? []),
      ].map(resolve);
      const params: { path: Dict; query: Dict; header: Dict } = { path: {}, query: {}, header: {} };
      parameters.forEach((parameter, index) => {
        const name = parameter.name as string;
        if (parameter.in === 'path') params.path[name] = `id ${index}/ä&?#%`;
        else if (parameter.in === 'query') {
          params.query[name] = QUERY_VALUES[index % QUERY_VALUES.length];
        } else if (parameter.in === 'header') params.header[name] = `h-${index}`;
      });
      const init: Dict = { params, headers: { 'x-trace': 'trace 1' }, validate: false };
      const content = (operation.requestBody as { content?: Dict } | undefined)?.content;
      if (content?.['application/json'] !== undefined) {
        init.body = { name: 'ä "quoted"', list: [1, 2], nested: { ok: true, none: null } };
      }
      calls.push({ method: method.toUpperCase(), path, init });
    }
  }
  return calls;
}

/** Every 1 in `step` of `calls`, so that the whole API's sample stays a few dozen requests. */
function every<T>(calls: T[], step: number): T[] {
  return calls.filter((_, index) => index % step === 0);
}

/** The clients a call is sent through: each way of building its request. */
interface Ways {
  /** `createFeatherClient()`: its path style builds the request itself (the direct path). */
  client: FeatherClient;
  /** `createOperationClient()`, for the operation functions. */
  operations: FeatherClient;
  /** `createFeatherClient()` with a no-op middleware: its path style goes through openapi-fetch. */
  forced: FeatherClient;
  /** Each request the no-op middleware saw (`METHOD url`). */
  seen: string[];
}

function ways(options: FeatherClientOptions): Ways {
  const seen: string[] = [];
  const forced = createFeatherClient(options);
  forced.use({ onRequest: ({ request }) => void seen.push(`${request.method} ${request.url}`) });
  return {
    client: createFeatherClient(options),
    operations: createOperationClient(options),
    forced,
    seen,
  };
}

type LooseClient = { request(method: string, path: string, init: Dict): Promise<Dict> };

/**
 * Sends `call` by the path style through openapi-fetch (a no-op middleware) and directly, and by
 * an operation function (over `createOperationClient` and over `createFeatherClient`), and
 * returns the four recorded requests and results, openapi-fetch's first.
 */
async function sendAllWays({ client, operations, forced }: Ways, call: SampleCall) {
  const fn = operationFunction(call.method as 'GET', call.path as never, []) as unknown as (
    client: FeatherClient,
    init: Dict,
  ) => Promise<Dict>;
  const before = server!.requests.length;
  const results = [
    await (forced as unknown as LooseClient).request(call.method, call.path, call.init),
    await (client as unknown as LooseClient).request(call.method, call.path, call.init),
    await fn(operations, call.init),
    await fn(client, call.init),
  ];
  const requests = server!.requests.slice(before).map(({ method, url, headers, body }) => ({
    method,
    url,
    headers,
    body,
  }));
  return { requests, results };
}

function expectSameOnTheWire(
  requests: { method: string; url: string; headers: Dict; body: string }[],
) {
  const [byOpenapiFetch, ...direct] = requests;
  expect(requests).toHaveLength(4);
  for (const sent of direct) expect(sent).toEqual(byOpenapiFetch);
}

describe('the direct path sends what openapi-fetch sends', () => {
  it('for each seed operation, with encoded path values, query arrays and objects, a body', async () => {
    const doc = JSON.parse((await seedTree()).openapiText) as Dict;
    const calls = sampleCalls(doc);
    expect(calls.length).toBeGreaterThan(0);
    const { url } = await serve();
    const all = ways(clientOptions(url));
    const forcedRequests: string[] = [];
    for (const call of calls) {
      const { requests, results } = await sendAllWays(all, call);
      expectSameOnTheWire(requests);
      forcedRequests.push(`${requests[0]!.method} ${url}${requests[0]!.url}`);
      expect(requests[0]!.url).toContain('?'); // the seed operations take query parameters
      for (const result of results.slice(1)) expect(result.data).toEqual(results[0]!.data);
    }
    // The middleware saw each request it forced through openapi-fetch, and only those.
    expect(all.seen).toEqual(forcedRequests);
  });

  describe.skipIf(wholeApiMissing())(
    `for a sample of the whole API (1.87.0) ${wholeApiMissing() ?? ''}`,
    () => {
      it('path, query and header parameters and JSON bodies, byte for byte', async () => {
        const doc = JSON.parse(await readFile(wholeApiFile('1.87.0'), 'utf8')) as Dict;
        const calls = every(sampleCalls(doc), 15);
        expect(
          calls.some((call) => Object.keys((call.init.params as Dict).path as Dict).length),
        ).toBe(true);
        expect(calls.some((call) => call.init.body !== undefined)).toBe(true);
        const { url } = await serve();
        const all = ways(clientOptions(url, { headers: { 'x-app': 'demo' } }));
        const forcedRequests: string[] = [];
        for (const call of calls) {
          const { requests } = await sendAllWays(all, call);
          expectSameOnTheWire(requests);
          expect(requests[0]!.headers['x-app']).toBe('demo');
          forcedRequests.push(`${requests[0]!.method} ${url}${requests[0]!.url}`);
        }
        expect(all.seen).toEqual(forcedRequests);
      });
    },
  );

  it('with a form-urlencoded body, a removed Content-Type, a per-request baseUrl and query options', async () => {
    const { url } = await serve();
    const all = ways(clientOptions(`${url}/`));
    const inits: Dict[] = [
      {
        body: { a: '1 2', b: 'é' },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      { body: { a: 1 }, headers: { 'Content-Type': null } },
      { params: { query: { ids: ['1', '2'] } }, baseUrl: `${url}/` },
      {
        params: { query: { ids: ['1', '2'], f: { a: 'b' } } },
        querySerializer: { array: { style: 'form', explode: false } },
      },
    ];
    for (const init of inits) {
      const { requests } = await sendAllWays(all, {
        method: 'POST',
        path: '/v1/things/{id}',
        init: {
          ...init,
          params: { path: { id: 'a/b' }, ...(init.params as Dict) },
          validate: false,
        },
      });
      expectSameOnTheWire(requests);
    }
    expect(all.seen).toHaveLength(inits.length);
  });
});

describe('the direct path reads the response as openapi-fetch does', () => {
  const cases: { name: string; reply: Reply; init?: Dict }[] = [
    { name: 'JSON with a Content-Length', reply: { body: { a: [1, 2] } } },
    { name: 'a 204', reply: { status: 204 } },
    { name: 'an empty 200', reply: { status: 200, body: '' } },
    { name: 'text as json (a parse error)', reply: { body: 'not json' } },
    { name: 'parseAs text', reply: { body: { a: 1 } }, init: { parseAs: 'text' } },
    { name: 'parseAs arrayBuffer', reply: { body: 'bytes' }, init: { parseAs: 'arrayBuffer' } },
    { name: 'a JSON error body', reply: { status: 404, body: { message: 'gone' } } },
    { name: 'a text error body', reply: { status: 400, body: 'bad <html>' } },
    { name: 'an empty error', reply: { status: 409, body: '' } },
    {
      name: 'a body over maxResponseBytes',
      reply: { body: { long: 'x'.repeat(200) } },
      init: { maxResponseBytes: 64 },
    },
  ];
  for (const { name, reply, init } of cases) {
    it(name, async () => {
      const { url } = await serve([reply]);
      const client = createFeatherClient(clientOptions(url));
      const operations = createOperationClient(clientOptions(url));
      const call = { method: 'GET', path: '/v1/things', init: { validate: false, ...init } };
      const settle = (promise: Promise<Dict>) =>
        promise.then(
          ({ data, error, response }) => ({
            data: data instanceof ArrayBuffer ? new TextDecoder().decode(data) : data,
            error,
            hasData: 'data' in { data, error, response } && data !== undefined,
            status: (response as Response).status,
          }),
          (failure: Error) => ({ rejected: failure.constructor.name, message: failure.message }),
        );
      const loose = client as unknown as { request(m: string, p: string, i: Dict): Promise<Dict> };
      const fn = operationFunction('GET', call.path as never, []) as unknown as (
        c: FeatherClient,
        i: Dict,
      ) => Promise<Dict>;
      const byPath = await settle(loose.request('GET', call.path, call.init));
      expect(await settle(fn(operations, call.init))).toEqual(byPath);
      expect(await settle(fn(client, call.init))).toEqual(byPath);
    });
  }

  it('HEAD gives no data, and keys of the result are openapi-fetch’s', async () => {
    const { url } = await serve([{ body: { a: 1 } }]);
    const operations = createOperationClient(clientOptions(url));
    const head = operationFunction('HEAD' as 'GET', '/v1/things' as never, []) as unknown as (
      c: FeatherClient,
      i: Dict,
    ) => Promise<Dict>;
    const result = await head(operations, { validate: false });
    expect(Object.keys(result).sort()).toEqual(['data', 'response']);
    expect(result.data).toBeUndefined();
  });
});

describe('what sends an operation function through openapi-fetch instead', () => {
  const fn = operationFunction('GET', '/v1/things/{id}' as never, []) as unknown as (
    c: FeatherClient,
    i: Dict,
  ) => Promise<Dict>;
  const init = { params: { path: { id: 'x' }, query: { q: 'a b' } }, validate: false };

  it("the client's middleware sees the request, on either client", async () => {
    const { url } = await serve();
    for (const client of [
      createOperationClient(clientOptions(url)),
      createFeatherClient(clientOptions(url)),
    ]) {
      const seen: string[] = [];
      client.use({
        onRequest({ request }) {
          seen.push(`${request.method} ${request.url}`);
          request.headers.set('x-from-middleware', '1');
        },
      });
      await fn(client, init);
      expect(seen).toEqual([`GET ${url}/v1/things/x?q=a%20b`]);
      expect(server!.requests.at(-1)?.headers['x-from-middleware']).toBe('1');
    }
  });

  it("a call's own middleware, and none once ejected", async () => {
    const { url } = await serve();
    const client = createOperationClient(clientOptions(url));
    const seen: string[] = [];
    const middleware = { onRequest: () => void seen.push('request') };
    await fn(client, { ...init, middleware: [middleware] });
    expect(seen).toEqual(['request']);
    client.use(middleware);
    await fn(client, init);
    client.eject(middleware);
    await fn(client, init);
    expect(seen).toEqual(['request', 'request']);
  });

  it('a custom querySerializer function and a custom Request', async () => {
    const { url } = await serve();
    const client = createOperationClient(
      clientOptions(url, { querySerializer: (query) => `custom=${Object.keys(query).join('.')}` }),
    );
    await fn(client, init);
    expect(server!.requests.at(-1)?.url).toBe('/v1/things/x?custom=q');
    let built = 0;
    class CountingRequest extends Request {
      constructor(input: RequestInfo | URL, requestInit?: RequestInit) {
        super(input, requestInit);
        built++;
      }
    }
    const counted = createOperationClient(clientOptions(url, { Request: CountingRequest }));
    await fn(counted, init);
    expect(built).toBe(1);
    expect(server!.requests.at(-1)?.url).toBe('/v1/things/x?q=a%20b');
  });

  it('refuses a middleware openapi-fetch refuses, before openapi-fetch is loaded', () => {
    const client = createOperationClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9' });
    expect(() => client.use({ nothing: true } as never)).toThrow(/Middleware must be an object/);
  });
});

describe('the path style with a hostile path: directly as through openapi-fetch', () => {
  // [path, params, a per-call baseUrl's path (openapi-fetch fills placeholders there too)]
  const hostile: [string, Dict, string?][] = [
    ['/v1/__proto__', {}],
    ['/v1/../../etc/passwd', {}],
    ['/v1/a\u0000b\r\nx-injected: 1', {}],
    ['/v1/\u007f/%2e%2e/', {}],
    ['/v1/{__proto__}', { path: {} }],
    ['/v1/{__proto__}/{constructor}', { path: JSON.parse('{"__proto__":"p","constructor":"c"}') }],
    ['/v1/{toString}', { path: { toString: 'x y' } }],
    ['/v1/{id}/{id}', { path: { id: '$&$1' } }],
    ['/v1/{.id}/{;id}/{id*}', { path: { id: ['a', 'b'] } }],
    ['/v1/{a/{b}}', { path: { b: 'x' } }],
    ['{id}', { path: { id: 'x' } }],
    ['/{id}', { path: { id: 'x' } }, '/{id}/b'],
  ];
  for (const [path, params, baseUrlPath] of hostile) {
    it(JSON.stringify([path, baseUrlPath]), async () => {
      const { url } = await serve();
      const all = ways(clientOptions(url));
      const settle = async (client: FeatherClient) => {
        const before = server!.requests.length;
        const outcome = await (client as unknown as LooseClient)
          .request('GET', path, {
            params,
            validate: false,
            ...(baseUrlPath !== undefined && { baseUrl: `${url}${baseUrlPath}` }),
          })
          .then(
            ({ data, error }) => ({ data, error }),
            (failure: Error) => ({ rejected: failure.constructor.name, message: failure.message }),
          );
        const sent = server!.requests.slice(before).map(({ url: sentUrl, headers }) => ({
          url: sentUrl,
          headers,
        }));
        return { outcome, sent };
      };
      const byOpenapiFetch = await settle(all.forced);
      expect(await settle(all.client)).toEqual(byOpenapiFetch);
    });
  }
});
