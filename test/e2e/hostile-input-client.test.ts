/**
 * The client against a hostile server or hostile arguments, one test per case of issue 16's
 * client rows: the key never leaves (in any encoding), every read is bounded, odd input is
 * refused with the client's own errors. Servers are real, on 127.0.0.1; the cases whose failure
 * was memory without bound run the client in a child process with a 64 MB heap.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../scripts/pipeline/generate.ts';
import { runNode } from '../../scripts/lib/child.ts';
import * as packageTables from '../../generated/index.ts';
import { MAX_VALIDATED_BODY_DEPTH } from '../../src/client/constants.ts';
import {
  APIConnectionTimeoutError,
  APIResponseTooLargeError,
  APIResponseValidationError,
  APIUserAbortError,
  AuthenticationError,
  createFeatherClient,
  FeatherError,
  FeatherValidationError,
  InternalServerError,
  paginate,
  streamEvents,
  unwrap,
  type FeatherClientOptions,
  type GeneratedTables,
} from '../../src/index.ts';
import { everythingAbout, failureOf } from '../helpers/leaks.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../helpers/loopback-server.ts';
import { makeWorkspace, REPO_ROOT } from '../helpers/workspace.ts';

const KEY = 'sk_live_HOSTILE/4d2e9a';
/** A key as a URL's user or password can hold it (no `/`). */
const PLAIN_KEY = 'sk_live_CREDENTIALS_7c1b';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };
const ROWS = [{ tool_id: 't1', tool_name: 'T', invocation_count: 1, timeout_count: 0 }];
/** The heap the memory cases run under, and their bound on time (against hanging, not speed). */
const SMALL_HEAP_MB = 64;
const CHILD_BOUND_MS = 60_000;
const CHILD = path.join(REPO_ROOT, 'test', 'helpers', 'small-heap-client.ts');
const MiB = 1024 * 1024;

type Loose = {
  GET(
    path: string,
    init?: object,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  use(middleware: object): void;
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function serve(replies: Reply[] | Parameters<typeof startLoopbackServer>[0]) {
  const server = await startLoopbackServer(replies);
  cleanups.push(() => server.close());
  return server;
}

function clientOf(server: { url: string }, options: FeatherClientOptions = {}): Loose {
  return createFeatherClient({
    apiKey: KEY,
    baseUrl: server.url,
    maxRetries: 0,
    initialRetryDelayMs: 1,
    logLevel: 'off',
    ...options,
  }) as unknown as Loose;
}

/** A server whose every request gets `script(res)`, for bodies the loopback helper cannot send. */
async function scripted(script: (res: ServerResponse) => void): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: '',
        atMs: 0,
      });
      script(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle: LoopbackServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  cleanups.push(() => handle.close());
  return handle;
}

/** Writes `chunk` for as long as the client reads (backpressure-paced), after `first`. */
function endlessly(res: ServerResponse, first: string, chunk: string | Buffer): void {
  res.write(first);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on('drain', pump);
  res.on('close', () => res.off('drain', pump));
  pump();
}

/** Runs the small-heap child against `url`; its one JSON line, or the exit code and output. */
async function inSmallHeap(url: string, mode: 'json' | 'stream', options: object = {}) {
  const run = runNode(
    [
      `--max-old-space-size=${SMALL_HEAP_MB}`,
      '--import',
      'tsx',
      CHILD,
      url,
      mode,
      JSON.stringify(options),
    ],
    { cwd: REPO_ROOT },
  );
  const { code, output } = await run;
  const line = output.split('\n').find((text) => text.startsWith('{'));
  return { code, output: output.slice(-2000), outcome: line ? JSON.parse(line) : undefined };
}

/** Rejects if `promise` has not settled within `ms`: a hang fails the test instead of stalling it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
    }),
  ]);
}

describe('the key leaves nowhere', () => {
  /** `\u0073` for the key's first letter and `\/` for its slash: JSON text that decodes to the key. */
  const escaped = `\\u0073${KEY.slice(1).replace('/', '\\/')}`;
  const echo: Reply = {
    status: 401,
    headers: { 'content-type': 'application/json' },
    body: `{"error":"unauthorized","message":"key ${escaped} revoked","${escaped}":1}`,
  };

  it('a 401 body echoing the key JSON-escaped: not in APIError, its body, the result or middleware', async () => {
    const server = await serve([echo]);
    const client = clientOf(server);
    const seen: string[] = [];
    client.use({
      async onResponse({ response }: { response: Response }) {
        seen.push(JSON.stringify(JSON.parse(await response.clone().text())));
      },
    });
    const result = await client.GET(PATH, { params: { query: QUERY } });
    expect(JSON.stringify(result.error)).not.toContain(KEY);
    expect(result.error).toEqual({ error: 'unauthorized', message: 'key *** revoked', '***': 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain(KEY);
    const error = await failureOf(() => unwrap(client.GET(PATH, { params: { query: QUERY } })));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(everythingAbout(error)).not.toContain(KEY);
    expect((error as AuthenticationError).message).toContain('key *** revoked');
  });

  it.each([
    ['as the user', `http://${PLAIN_KEY}@127.0.0.1:9`],
    ['as the password', `http://user:${PLAIN_KEY}@127.0.0.1:9`],
    ['on an https URL', `https://${PLAIN_KEY}@api.example.com`],
  ])(
    'a baseUrl with credentials %s is refused at creation, the message showing none',
    (_n, url) => {
      const error = (() => {
        try {
          createFeatherClient({ apiKey: 'sk_other', baseUrl: url });
        } catch (caught) {
          return caught;
        }
        throw new Error('createFeatherClient accepted the URL');
      })();
      expect(error).toBeInstanceOf(FeatherError);
      expect((error as Error).message).toMatch(/baseUrl holds credentials/);
      expect(everythingAbout(error)).not.toContain(PLAIN_KEY);
    },
  );

  it('a baseUrl whose "credentials" hold a slash (so they read as a host and path) is not quoted', () => {
    const attempt = () =>
      createFeatherClient({ apiKey: 'sk_other', baseUrl: `http://${KEY}@127.0.0.1:9` });
    expect(attempt).toThrow(FeatherError);
    expect(
      everythingAbout(
        (() => {
          try {
            attempt();
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).not.toContain('4d2e9a');
  });

  it('a per-request baseUrl with credentials is refused before anything is sent', async () => {
    const server = await serve([{ body: ROWS }]);
    const port = new URL(server.url).port;
    const error = await failureOf(() =>
      clientOf(server).GET(PATH, {
        params: { query: QUERY },
        baseUrl: `http://${KEY}@127.0.0.1:${port}`,
      }),
    );
    expect(error).toBeInstanceOf(FeatherError);
    expect(everythingAbout(error)).not.toContain(KEY);
    expect(server.requests).toHaveLength(0);
  });

  it('a 2xx header echoing the key is scrubbed for middleware and response.headers; the body is left as sent', async () => {
    const rows = [{ ...ROWS[0], tool_name: `named ${KEY}` }];
    const server = await serve([{ headers: { 'x-request-id': `req_${KEY}` }, body: rows }]);
    const client = clientOf(server);
    const seen: string[] = [];
    client.use({
      onResponse({ response }: { response: Response }) {
        seen.push([...response.headers].join('\n'));
      },
    });
    const { data, response } = await client.GET(PATH, { params: { query: QUERY } });
    expect(seen[0]).toContain('req_***');
    expect(seen[0]).not.toContain(KEY);
    expect(response.headers.get('x-request-id')).toBe('req_***');
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${server.url}${PATH}?start_date=2024-01-01&end_date=2024-01-31`);
    expect(data).toEqual(rows); // a success body is the API's data: not altered
  });
});

describe('every read is bounded', () => {
  it('an event stream of "data: " and 64 KB chunks with no newline ends at maxEventBytes, in a 64 MB heap', async () => {
    const server = await scripted((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endlessly(res, 'data: ', 'y'.repeat(64 * 1024));
    });
    const { outcome, code, output } = await within(
      inSmallHeap(server.url, 'stream'),
      CHILD_BOUND_MS,
    );
    expect({ code, outcome }, output).toMatchObject({
      code: 0,
      outcome: {
        name: 'APIResponseTooLargeError',
        limitName: 'maxEventBytes',
        limitBytes: 2 * MiB,
      },
    });
    expect(outcome.message).toMatch(/an event of the stream .* is larger than maxEventBytes/);
  });

  it('endless "data: y" lines with no blank line end at maxEventBytes, in a 64 MB heap', async () => {
    const server = await scripted((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endlessly(res, '', 'data: y\n'.repeat(8 * 1024));
    });
    const { outcome, code, output } = await within(
      inSmallHeap(server.url, 'stream'),
      CHILD_BOUND_MS,
    );
    expect({ code, outcome }, output).toMatchObject({
      code: 0,
      outcome: { name: 'APIResponseTooLargeError', limitName: 'maxEventBytes' },
    });
  });

  it('maxEventBytes counts a CRLF split across chunks once, and blank lines end events', async () => {
    const server = await scripted((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Each write ends in CR, the next starts with LF: one line end, never a blank line.
      let writes = 0;
      const timer = setInterval(() => {
        if (res.destroyed || ++writes > 200) {
          clearInterval(timer);
          return void res.end();
        }
        res.write('\ndata: 0123456789\r');
      }, 1);
    });
    const client = clientOf(server);
    const error = await failureOf(async () => {
      const stream = streamEvents(
        client.GET(PATH, { params: { query: QUERY }, parseAs: 'stream' }),
        {
          maxEventBytes: 500,
        },
      );
      for await (const _event of stream);
    });
    expect(error).toBeInstanceOf(APIResponseTooLargeError);
  });

  /** 100 gzip members of 4 MiB of zeros: about 400 KB on the wire, 400 MiB decoded. */
  function gzipBomb(): Buffer {
    const member = gzipSync(Buffer.alloc(4 * MiB));
    return Buffer.concat(Array.from({ length: 100 }, () => member));
  }

  it('a 200 gzip bomb (400 KB -> 400 MiB) ends at maxResponseBytes, in a 64 MB heap', async () => {
    const bomb = gzipBomb();
    expect(bomb.byteLength).toBeLessThan(MiB);
    const server = await scripted((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const { outcome, code, output } = await within(inSmallHeap(server.url, 'json'), CHILD_BOUND_MS);
    expect({ code, outcome }, output).toMatchObject({
      code: 0,
      outcome: {
        name: 'APIResponseTooLargeError',
        limitName: 'maxResponseBytes',
        limitBytes: 64 * MiB,
      },
    });
    expect(outcome.message).toMatch(
      /the 200 response body \(decoded\) is larger than maxResponseBytes/,
    );
  });

  it('the same bomb on a 500 with maxRetries 2: each attempt reads a prefix, the last one its bound, in a 64 MB heap', async () => {
    const bomb = gzipBomb();
    const server = await scripted((res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const { outcome, code, output } = await within(
      inSmallHeap(server.url, 'json', { maxRetries: 2 }),
      CHILD_BOUND_MS,
    );
    expect({ code, outcome }, output).toMatchObject({
      code: 0,
      outcome: { name: 'APIResponseTooLargeError', limitName: 'maxResponseBytes' },
    });
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ['with a Content-Length, refused before reading', true],
    ['chunked, stopped while reading', false],
  ])('a body over maxResponseBytes %s', async (_name, withLength) => {
    const body = JSON.stringify(Array.from({ length: 200 }, () => ROWS[0]));
    const server = await scripted((res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(withLength ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      });
      res.end(body);
    });
    const client = clientOf(server, { maxResponseBytes: 1000 });
    const error = await failureOf(() => client.GET(PATH, { params: { query: QUERY } }));
    expect(error).toBeInstanceOf(APIResponseTooLargeError);
    expect((error as APIResponseTooLargeError).limitBytes).toBe(1000);
    const fits = await clientOf(server, { maxResponseBytes: 1_000_000 }).GET(PATH, {
      params: { query: QUERY },
    });
    expect(fits.data).toHaveLength(200);
  });

  it('an apiKey function that never settles ends at timeoutMs, nothing sent', async () => {
    const server = await serve([{ body: ROWS }]);
    const client = clientOf(server, {
      apiKey: () => new Promise<string>(() => {}),
      timeoutMs: 100,
    });
    const error = await within(
      failureOf(() => client.GET(PATH, { params: { query: QUERY } })),
      5_000,
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toMatch(/the apiKey function did not return within timeoutMs/);
    expect(server.requests).toHaveLength(0);
  });

  it("an apiKey function that never settles ends at the caller's signal, nothing sent", async () => {
    const server = await serve([{ body: ROWS }]);
    const client = clientOf(server, { apiKey: () => new Promise<string>(() => {}), timeoutMs: 0 });
    const error = await within(
      failureOf(() =>
        client.GET(PATH, { params: { query: QUERY }, signal: AbortSignal.timeout(50) }),
      ),
      5_000,
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(0);
  });

  describe('paginate', () => {
    const THINGS = '/v1/things';
    const tables: GeneratedTables = {
      ...packageTables,
      PAGINATION: {
        [THINGS]: {
          cursor: 'cursor',
          nextCursor: 'next_cursor',
          hasMore: 'has_more',
          items: 'data',
        },
      },
    };
    const walk = paginate as unknown as (
      client: unknown,
      path: string,
      init: object,
    ) => AsyncIterable<unknown> & { pages(): AsyncIterable<unknown> };

    it('an empty page with a new cursor and has_more true ends the walk', async () => {
      const server = await serve((_request, index) => ({
        body: { data: [], next_cursor: `c${index}`, has_more: true },
      }));
      const items: unknown[] = [];
      const walking = (async () => {
        for await (const item of walk(clientOf(server, { generated: tables }), THINGS, {})) {
          items.push(item);
        }
      })();
      await within(walking, 5_000);
      expect(items).toEqual([]);
      expect(server.requests).toHaveLength(1);
    });

    it('stops after maxPages pages', async () => {
      const server = await serve((_request, index) => ({
        body: { data: [index], next_cursor: `c${index}`, has_more: true },
      }));
      const pages: unknown[] = [];
      const client = clientOf(server, { generated: tables });
      for await (const page of walk(client, THINGS, { maxPages: 3 }).pages()) pages.push(page);
      expect(pages).toHaveLength(3);
      expect(server.requests).toHaveLength(3);
    });
  });

  it('a 500 whose JSON body nests 100,000 deep: unwrap throws an APIError keeping the body as text', async () => {
    const deep = `{"error":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const server = await serve([
      { status: 500, headers: { 'content-type': 'application/json' }, body: deep },
    ]);
    const error = await failureOf(() =>
      unwrap(clientOf(server).GET(PATH, { params: { query: QUERY } })),
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).body).toBe(deep);
    expect((error as InternalServerError).message).toMatch(/: 500 \{"error":\[\[\[/);
  });
});

describe('odd arguments are refused with the client’s errors', () => {
  const THING = '/v1/things/{thing_id}';
  const withPathRule: GeneratedTables = {
    ...packageTables,
    PARAMETER_RULES: {
      ...packageTables.PARAMETER_RULES,
      [`GET ${THING}`]: [{ name: 'thing_id', in: 'path', required: true, types: ['string'] }],
    },
  };

  for (const validate of [true, false]) {
    it.each(['..', '.', ['..']])(
      `a path value %j is refused before sending (validate: ${validate})`,
      async (value) => {
        const server = await serve([{ body: {} }]);
        const client = clientOf(server, { generated: withPathRule, validate });
        const error = await failureOf(() =>
          client.GET(THING, { params: { path: { thing_id: value } } }),
        );
        expect(error).toBeInstanceOf(FeatherValidationError);
        expect((error as FeatherValidationError).problems).toEqual([
          { in: 'path', name: 'thing_id', message: expect.stringMatching(/a dot segment/) },
        ]);
        expect(server.requests).toHaveLength(0);
      },
    );

    it(`a path value with a lone surrogate is a FeatherValidationError (validate: ${validate})`, async () => {
      const server = await serve([{ body: {} }]);
      const client = clientOf(server, { generated: withPathRule, validate });
      const error = await failureOf(() =>
        client.GET(THING, { params: { path: { thing_id: 'a\ud800' } } }),
      );
      expect(error).toBeInstanceOf(FeatherValidationError);
      expect((error as Error).message).toMatch(/path\.thing_id: holds a lone surrogate/);
      expect(server.requests).toHaveLength(0);
    });
  }

  it('an empty path value is refused under validate: false too', async () => {
    const server = await serve([{ body: {} }]);
    const error = await failureOf(() =>
      clientOf(server, { validate: false }).GET(THING, { params: { path: { thing_id: '' } } }),
    );
    expect(error).toBeInstanceOf(FeatherValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('a query value with a lone surrogate is a FeatherValidationError, not a URIError', async () => {
    const server = await serve([{ body: ROWS }]);
    const error = await failureOf(() =>
      clientOf(server, { validate: false }).GET(PATH, {
        params: { query: { ...QUERY, tool_id: '\udfff' } },
      }),
    );
    expect(error).toBeInstanceOf(FeatherValidationError);
    expect((error as Error).message).toMatch(/query\.tool_id: holds a lone surrogate/);
  });

  it.each([42, null, {}, true])('apiKey: %j is a FeatherError naming apiKey', (apiKey) => {
    expect(() =>
      createFeatherClient({ apiKey: apiKey as unknown as string, baseUrl: 'https://a.example' }),
    ).toThrow(FeatherError);
    expect(() =>
      createFeatherClient({ apiKey: apiKey as unknown as string, baseUrl: 'https://a.example' }),
    ).toThrow(/^apiKey is /);
  });

  it.each<[string, FeatherClientOptions, object]>([
    ['the default serializer', {}, {}],
    [
      'an options object on the client',
      { querySerializer: { object: { style: 'form', explode: true } } },
      {},
    ],
    [
      'an options object on the request',
      {},
      { querySerializer: { array: { style: 'form', explode: false } } },
    ],
  ])(
    'validate: false with an object query value: its keys are encoded (%s)',
    async (_n, options, extra) => {
      const server = await serve([{ body: ROWS }]);
      const client = clientOf(server, { validate: false, ...options });
      await client.GET(PATH, {
        params: { query: { ...QUERY, filter: { 'k]&admin=1&z[': 'v' }, 'a&b=c': 'd' } },
        ...extra,
      });
      const sent = new URL(server.requests[0]!.url, server.url).searchParams;
      expect(sent.get('admin')).toBeNull();
      expect(sent.get('b')).toBeNull();
      expect(sent.get('a&b=c')).toBe('d');
      expect(
        [...sent.entries()].some(
          ([name, value]) => name.includes('k]&admin=1&z[') && value === 'v',
        ),
      ).toBe(true);
    },
  );
});

describe('query parameters named __proto__, constructor and toString', () => {
  it('generate keeps them as rules, and the client reads only own properties', async () => {
    const specDir = await mkdtemp(path.join(tmpdir(), 'feather-proto-spec-'));
    cleanups.push(() => rm(specDir, { recursive: true, force: true }));
    const names = ['__proto__', 'constructor', 'toString', 'q'];
    const spec = {
      openapi: '3.1.0',
      info: { title: 'Proto parameters', version: '1.0.0' },
      servers: [{ url: 'https://api.example.test' }],
      security: [],
      paths: {
        '/v1/proto': {
          get: {
            summary: 'Proto',
            operationId: 'getProto',
            parameters: names.map((name) => ({
              name,
              in: 'query',
              required: false,
              schema: { type: 'string', maxLength: 3 },
            })),
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'string' } } },
              },
            },
          },
        },
      },
    };
    await writeFile(path.join(specDir, 'proto.json'), JSON.stringify(spec));
    const workspace = await makeWorkspace(specDir);
    cleanups.push(() => workspace.remove());
    await generate(workspace.paths, true);
    const generated = (await import(
      pathToFileURL(path.join(workspace.root, 'generated', 'index.ts')).href
    )) as GeneratedTables;
    const rules = generated.PARAMETER_RULES['GET /v1/proto'] ?? [];
    expect(rules.map((rule) => rule.name)).toEqual(names);
    expect(Object.keys(generated.PARAMETER_RULES)).toEqual(['GET /v1/proto']);

    const server = await serve([{ body: '"ok"' }]);
    const client = clientOf(server, { generated });
    // A plain object inherits `constructor` and `toString`: not parameters the caller gave.
    const { response } = await client.GET('/v1/proto', { params: { query: { q: 'abc' } } });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
    // Own properties are checked like any other parameter.
    const given = JSON.parse('{"__proto__":"long","constructor":"long","toString":"long"}');
    const error = await failureOf(() => client.GET('/v1/proto', { params: { query: given } }));
    expect(error).toBeInstanceOf(FeatherValidationError);
    expect((error as FeatherValidationError).problems.map((p) => p.name)).toEqual([
      '__proto__',
      'constructor',
      'toString',
    ]);
  }, 120_000);
});

describe('component schemas named __proto__, constructor and default', () => {
  it('generate keeps them for response validation, which then checks bodies against them', async () => {
    const specDir = await mkdtemp(path.join(tmpdir(), 'feather-proto-schema-'));
    cleanups.push(() => rm(specDir, { recursive: true, force: true }));
    const names = ['__proto__', 'constructor', 'default'];
    const operation = (name: string) => ({
      get: {
        summary: name,
        operationId: `get_${name}`,
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
          },
        },
      },
    });
    const schema = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } };
    // Written as text, so that `__proto__` is an own key as in a spec file read from disk.
    const text = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Prototype names', version: '1.0.0' },
      servers: [{ url: 'https://api.example.test' }],
      security: [],
      paths: Object.fromEntries(names.map((name) => [`/v1/${name}`, operation(name)])),
      components: { schemas: Object.fromEntries(names.map((name) => [name, schema])) },
    });
    await writeFile(path.join(specDir, 'proto.json'), text);
    const workspace = await makeWorkspace(specDir);
    cleanups.push(() => workspace.remove());
    await generate(workspace.paths, true);
    const generated = (await import(
      pathToFileURL(path.join(workspace.root, 'generated', 'index.ts')).href
    )) as GeneratedTables;

    // For each operation in turn: a body its schema allows, then one it does not.
    const server = await serve(names.flatMap(() => [{ body: { n: 1 } }, { body: { n: 'one' } }]));
    const client = clientOf(server, { generated, validateResponses: 'throw' });
    for (const name of names) {
      const { data } = await client.GET(`/v1/${name}`);
      expect(data).toEqual({ n: 1 });
      const error = await failureOf(() => client.GET(`/v1/${name}`));
      expect(error).toBeInstanceOf(FeatherError);
      expect((error as Error).message).toContain(
        `GET /v1/${name}: the 200 response the spec does not allow, at /n`,
      );
    }
  }, 120_000);
});

describe('validateResponses on a body nested deeper than the validator can follow', () => {
  it(`a recursive schema and a body 1,000 deep: an APIResponseValidationError naming MAX_VALIDATED_BODY_DEPTH (${MAX_VALIDATED_BODY_DEPTH}), not a RangeError`, async () => {
    const specDir = await mkdtemp(path.join(tmpdir(), 'feather-deep-body-'));
    cleanups.push(() => rm(specDir, { recursive: true, force: true }));
    await writeFile(
      path.join(specDir, 'tree.json'),
      JSON.stringify({
        openapi: '3.1.0',
        info: { title: 'Tree', version: '1.0.0' },
        servers: [{ url: 'https://api.example.test' }],
        security: [],
        paths: {
          '/v1/tree': {
            get: {
              summary: 'Tree',
              operationId: 'getTree',
              responses: {
                '200': {
                  description: 'ok',
                  content: {
                    'application/json': { schema: { $ref: '#/components/schemas/Node' } },
                  },
                },
              },
            },
          },
        },
        components: {
          schemas: {
            Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } },
          },
        },
      }),
    );
    const workspace = await makeWorkspace(specDir);
    cleanups.push(() => workspace.remove());
    await generate(workspace.paths, true);
    const generated = (await import(
      pathToFileURL(path.join(workspace.root, 'generated', 'index.ts')).href
    )) as GeneratedTables;
    const nested = (depth: number): string => `${'{"child":'.repeat(depth)}{}${'}'.repeat(depth)}`;
    const server = await serve([{ body: nested(100) }, { body: nested(1_000) }]);
    const client = clientOf(server, { generated, validateResponses: 'throw' });
    const { data } = await client.GET('/v1/tree');
    expect(data).toHaveProperty('child');
    const error = await failureOf(() => client.GET('/v1/tree'));
    expect(error).toBeInstanceOf(APIResponseValidationError);
    expect((error as Error).message).toContain(
      `GET /v1/tree: the 200 response the spec does not allow, at (body): the body nests more than ${MAX_VALIDATED_BODY_DEPTH} levels deep (MAX_VALIDATED_BODY_DEPTH): not checked`,
    );
  }, 120_000);
});
