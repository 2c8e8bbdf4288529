import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { wrapAsPathBasedClient } from 'openapi-fetch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIResponseParseError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  createFeatherClient,
  DEFAULT_BASE_URL,
  FeatherError,
  FeatherValidationError,
  InternalServerError,
  RateLimitError,
  UnprocessableEntityError,
  unwrap,
  type FeatherClientOptions,
  type Middleware,
  type paths,
} from '../../src/index.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const KEY = 'sk_test_client_3f9a1b2c';
const TIMEOUTS = '/v1/analytics/tools/reliability/timeout-analysis';
const DASHBOARD = '/v1/analytics/integrations/dashboard';
const DATES = { start_date: '2024-01-01', end_date: '2024-01-31' };
const ROWS = [{ tool_id: 't1', tool_name: 'n', tool_type: 'http' }];

const loopback = loopbackClients({ apiKey: KEY, initialRetryDelayMs: 1, logLevel: 'off' });
const { clientFor } = loopback;
afterEach(() => vi.unstubAllEnvs());

/**
 * The timers `run` created in its own async context (not other code's running meanwhile) that
 * still hold the event loop when it is done: neither cleared nor fired (async_hooks `destroy`),
 * and not unref'd (undici's keep-alive timer of an idle connection is).
 */
async function pendingTimersCreatedBy(run: () => Promise<void>): Promise<string[]> {
  const context = new AsyncLocalStorage<symbol>();
  const token = Symbol('calls under test');
  const pending = new Map<number, { timer: NodeJS.Timeout; stack: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && context.getStore() === token) {
        pending.set(id, { timer: resource as NodeJS.Timeout, stack: new Error('created').stack! });
      }
    },
    destroy: (id) => void pending.delete(id),
  }).enable();
  try {
    await context.run(token, run);
    // Destroy hooks run on the next turn of the event loop after a clear or a firing.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    hook.disable();
  }
  return [...pending.values()].filter(({ timer }) => timer.hasRef()).map(({ stack }) => stack);
}

describe('createFeatherClient', () => {
  it('sends the query and x-api-key, and returns typed data', async () => {
    const client = await clientFor([{ body: ROWS, headers: { 'x-request-id': 'req_1' } }]);
    const { data, error, response } = await client.GET(TIMEOUTS, {
      params: { query: { ...DATES, limit: 5, tool_id: 'abc' } },
    });
    expect(error).toBeUndefined();
    expect(data?.[0]?.tool_id).toBe('t1');
    expect(response.headers.get('x-request-id')).toBe('req_1');
    const [request] = loopback.server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(
      `${TIMEOUTS}?start_date=2024-01-01&end_date=2024-01-31&limit=5&tool_id=abc`,
    );
    expect(request?.headers['x-api-key']).toBe(KEY);
  });

  it("defaults the base URL to what the package shipped: the spec's first server, when it has one", () => {
    const spec = JSON.parse(readFileSync('generated/openapi.json', 'utf8')) as {
      servers?: { url: string }[];
    };
    // A release without servers leaves the default as shipped (docs/pipeline.md "Servers").
    expect(DEFAULT_BASE_URL).toBe(spec.servers?.[0]?.url ?? 'https://api-sandbox.featherhq.com');
  });

  it('reads the key from FEATHER_API_KEY and the base URL from FEATHER_BASE_URL', async () => {
    const server = await loopback.serve([{ body: ROWS }]);
    vi.stubEnv('FEATHER_API_KEY', KEY);
    vi.stubEnv('FEATHER_BASE_URL', server.url);
    const client = createFeatherClient({ logLevel: 'off' });
    expect((await client.GET(TIMEOUTS, { params: { query: DATES } })).data).toEqual(ROWS);
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY);
  });

  it('calls a rotating-key function before every attempt', async () => {
    const keys = ['key-one', 'key-two'];
    let calls = 0;
    const client = await clientFor([{ status: 503 }, { body: ROWS }], {
      apiKey: async () => keys[calls++]!,
    });
    await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(loopback.server.requests.map((r) => r.headers['x-api-key'])).toEqual(keys);
  });

  it('sends nothing when the signal fires while the rotating-key function runs', async () => {
    const controller = new AbortController();
    const client = await clientFor([{ body: ROWS }], {
      apiKey: () => {
        controller.abort(new Error('gave up'));
        return KEY; // the key comes, but after the abort
      },
    });
    const failure = client.GET(TIMEOUTS, { params: { query: DATES }, signal: controller.signal });
    await expect(failure).rejects.toBeInstanceOf(APIUserAbortError);
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('sends the client headers and lets a request add its own', async () => {
    const client = await clientFor([{ body: ROWS }], { headers: { 'x-team': 'core' } });
    await client.GET(TIMEOUTS, { params: { query: DATES }, headers: { 'x-trace': 't-1' } });
    expect(loopback.server.requests[0]?.headers['x-team']).toBe('core');
    expect(loopback.server.requests[0]?.headers['x-trace']).toBe('t-1');
  });

  it('refuses a bad option by name', () => {
    expect(() => createFeatherClient({ apiKey: KEY, maxRetries: -1 })).toThrow(
      /maxRetries is -1: expected a whole number/,
    );
    expect(() => createFeatherClient({ apiKey: KEY, timeoutMs: Number.NaN })).toThrow(
      /timeoutMs is NaN/,
    );
    expect(() => createFeatherClient({ apiKey: KEY, logLevel: 'loud' as 'off' })).toThrow(
      /logLevel is "loud": expected one of off, error, warn, info, debug/,
    );
  });

  it('refuses a bad per-request override by name, sending nothing', async () => {
    const client = await clientFor([{ body: ROWS }]);
    await expect(
      client.GET(TIMEOUTS, { params: { query: DATES }, maxRetries: 1.5 }),
    ).rejects.toThrow(/maxRetries is 1.5: expected a whole number/);
    await expect(client.GET(TIMEOUTS, { params: { query: DATES }, timeoutMs: -1 })).rejects.toThrow(
      /timeoutMs is -1/,
    );
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('rejects what a Request refuses with its TypeError, sending nothing and not retrying', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const withBody = { params: { query: DATES }, body: { a: 1 } };
    const init = withBody as unknown as { params: { query: typeof DATES } };
    await expect(client.GET(TIMEOUTS, init)).rejects.toThrow(
      new TypeError('Request with GET/HEAD method cannot have body.'),
    );
    const credentials = 'bogus' as RequestCredentials;
    await expect(client.GET(TIMEOUTS, { params: { query: DATES }, credentials })).rejects.toThrow(
      TypeError,
    );
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('leaves no timer behind after a call (a script can exit at once)', async () => {
    const client = await clientFor([{ body: ROWS }, { status: 503 }, { body: ROWS }], {
      timeoutMs: 60_000,
    });
    // Only timers created inside these calls count: counting every active timer of the process
    // also counted vitest's own (its task-update throttle, 100 ms), which comes and goes.
    const pending = await pendingTimersCreatedBy(async () => {
      await client.GET(TIMEOUTS, { params: { query: DATES } });
      await client.GET(TIMEOUTS, { params: { query: DATES } }); // 503, a backoff, then 200
      await client.GET(TIMEOUTS, { params: { query: DATES }, validate: false });
    });
    expect(pending).toEqual([]);
    expect(loopback.server.requests).toHaveLength(4);
  });

  it('leaves an init object shared by concurrent calls as it was', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const init = { params: { query: DATES }, maxRetries: 1 };
    await Promise.all([client.GET(TIMEOUTS, init), client.GET(TIMEOUTS, init)]);
    expect(init).toEqual({ params: { query: DATES }, maxRetries: 1 });
    expect(loopback.server.requests).toHaveLength(2);
  });

  it('serves 32 requests in flight', async () => {
    const client = await clientFor((request) => ({
      body: [{ tool_id: request.url.split('tool_id=')[1] }],
    }));
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        client.GET(TIMEOUTS, { params: { query: { ...DATES, tool_id: `t${i}` } } }),
      ),
    );
    expect(results.map((r) => r.data?.[0]?.tool_id)).toEqual(
      Array.from({ length: 32 }, (_, i) => `t${i}`),
    );
  });
});

describe('middleware (use) runs above the retries', () => {
  it('sees one request without the key and one final response', async () => {
    const client = await clientFor([{ status: 503 }, { status: 503 }, { body: ROWS }]);
    const seen: string[] = [];
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push(`request key=${request.headers.get('x-api-key')}`);
      },
      onResponse({ request, response }) {
        seen.push(`response ${response.status} key=${request.headers.get('x-api-key')}`);
      },
    };
    client.use(middleware);
    await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(seen).toEqual(['request key=null', 'response 200 key=null']);
    expect(loopback.server.requests).toHaveLength(3);
    client.eject(middleware);
    await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(seen).toHaveLength(2);
  });

  it('may add a header that every attempt carries', async () => {
    const client = await clientFor([{ status: 502 }, { body: ROWS }]);
    client.use({
      onRequest({ request }) {
        request.headers.set('x-from-middleware', 'yes');
        return request;
      },
    });
    await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(loopback.server.requests.map((r) => r.headers['x-from-middleware'])).toEqual([
      'yes',
      'yes',
    ]);
    expect(loopback.server.requests.map((r) => r.headers['x-api-key'])).toEqual([KEY, KEY]);
  });
});

describe('onError middleware sees what the transport threw (issue 22)', () => {
  class OfflineError extends Error {}
  /** A custom fetch that throws a new `OfflineError` on every call, numbered. */
  function offlineFetch(calls: OfflineError[]) {
    return async (): Promise<Response> => {
      const error = new OfflineError(`offline ${calls.length + 1}`);
      calls.push(error);
      throw error;
    };
  }

  it("gets the custom fetch's own error, the last attempt's, while the caller gets APIConnectionError", async () => {
    const calls: OfflineError[] = [];
    const client = await clientFor([{ body: ROWS }], { fetch: offlineFetch(calls) });
    const seen: unknown[] = [];
    client.use({
      onError({ error }) {
        seen.push(error);
      },
    });
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES } })
      .catch((caught: unknown) => caught);
    // Retried as a connection failure (docs/client.md, "By design"): three calls.
    expect(calls).toHaveLength(3);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(calls[2]);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).cause).toBe(calls[2]);
  });

  it("gets the default fetch's TypeError when nothing listens", async () => {
    const client = await clientFor([{ body: ROWS }], { maxRetries: 0 });
    const url = loopback.server.url;
    await loopback.server.close();
    const seen: unknown[] = [];
    client.use({ onError: ({ error }) => void seen.push(error) });
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES }, baseUrl: url })
      .catch((caught: unknown) => caught);
    expect(seen[0]).toBeInstanceOf(TypeError);
    expect(seen[0]).not.toBeInstanceOf(FeatherError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).cause).toBe(seen[0]);
  });

  it('a Response it returns becomes the result', async () => {
    const client = await clientFor([{ body: ROWS }], { fetch: offlineFetch([]), maxRetries: 0 });
    client.use({
      onError: () =>
        new Response(JSON.stringify(ROWS), { headers: { 'content-type': 'application/json' } }),
    });
    const { data, error } = await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(error).toBeUndefined();
    expect(data).toEqual(ROWS);
  });

  it('an Error it returns reaches the caller as it is', async () => {
    const client = await clientFor([{ body: ROWS }], { fetch: offlineFetch([]), maxRetries: 0 });
    const replacement = new Error('shown to the caller');
    client.use({ onError: () => replacement });
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES } })
      .catch((caught: unknown) => caught);
    expect(error).toBe(replacement);
  });

  it('on a timeout it gets the abort reason; the caller gets APIConnectionTimeoutError', async () => {
    const client = await clientFor([{ hang: true }], { maxRetries: 0, timeoutMs: 50 });
    const seen: unknown[] = [];
    client.use({ onError: ({ error }) => void seen.push(error) });
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES } })
      .catch((caught: unknown) => caught);
    expect((seen[0] as Error).name).toBe('TimeoutError');
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("on the caller's abort it gets the signal's reason; the caller gets APIUserAbortError", async () => {
    const client = await clientFor([{ hang: true }], { maxRetries: 0 });
    const seen: unknown[] = [];
    client.use({ onError: ({ error }) => void seen.push(error) });
    const controller = new AbortController();
    const reason = new Error('the user left');
    setTimeout(() => controller.abort(reason), 30);
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES }, signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(seen[0]).toBe(reason);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(reason);
  });

  it('a falsy value thrown by a custom fetch still ends in APIConnectionError', async () => {
    const client = await clientFor([{ body: ROWS }], {
      maxRetries: 0,
      fetch: () => Promise.reject(undefined), // openapi-fetch would drop a falsy error
    });
    client.use({ onError: () => undefined });
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('with no middleware and the default fetch, globalThis.fetch receives a URL string and an init', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const spy = vi.spyOn(globalThis, 'fetch');
    try {
      await client.GET(TIMEOUTS, { params: { query: DATES } });
      expect(typeof spy.mock.calls[0]?.[0]).toBe('string');
      client.use({ onRequest: () => undefined });
      await client.GET(TIMEOUTS, { params: { query: DATES } });
      expect(spy.mock.calls[1]?.[0]).toBeInstanceOf(Request);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('openapi-fetch helpers', () => {
  it('wrapAsPathBasedClient works over the client', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const byPath = wrapAsPathBasedClient<paths>(client);
    const { data } = await byPath[TIMEOUTS].GET({ params: { query: DATES } });
    expect(data).toEqual(ROWS);
    expect(loopback.server.requests[0]?.headers['x-api-key']).toBe(KEY);
  });
});

describe('parameter validation', () => {
  it('rejects with every problem and sends nothing', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const error = await client
      .GET(TIMEOUTS, {
        params: { query: { start_date: 'January', end_date: '2024-01-31', limit: 500 } },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeatherValidationError);
    expect((error as FeatherValidationError).problems.map((p) => p.name)).toEqual([
      'limit',
      'start_date',
    ]);
    expect((error as Error).message).toContain(
      `GET ${TIMEOUTS}: 2 invalid parameters, nothing was sent`,
    );
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('checks the pattern of granularity', async () => {
    const client = await clientFor([{ body: {} }]);
    await expect(
      // A value the type refuses too (the pattern's values are its union): sent for the run-time check.
      client.GET(DASHBOARD, { params: { query: { ...DATES, granularity: 'month' as never } } }),
    ).rejects.toThrow(/query.granularity: "month" does not match/);
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('validate: false on the request sends anyway', async () => {
    const client = await clientFor([{ body: ROWS }]);
    await client.GET(TIMEOUTS, { params: { query: { ...DATES, limit: 500 } }, validate: false });
    expect(loopback.server.requests[0]?.url).toContain('limit=500');
  });

  it('validate: false on the client sends anyway', async () => {
    const client = await clientFor([{ body: ROWS }], { validate: false });
    await client.GET(TIMEOUTS, { params: { query: { ...DATES, limit: 500 } } });
    expect(loopback.server.requests).toHaveLength(1);
  });
});

describe('error responses', () => {
  it('an error with an empty body: error is undefined, unwrap still throws on !response.ok', async () => {
    const client = await clientFor([{ status: 401, headers: { 'x-request-id': 'req_empty' } }]);
    const result = await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(result.error).toBeUndefined();
    expect(result.response.status).toBe(401);
    const error = (() => {
      try {
        unwrap(result);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).requestId).toBe('req_empty');
    expect((error as Error).message).toMatch(/: 401 \(empty body\) \[request id req_empty\]$/);
  });

  it.each<[number, unknown, new (...args: never[]) => APIError]>([
    [400, { error: 'bad_request', message: 'start_date after end_date' }, BadRequestError],
    [401, { error: 'unauthorized', message: 'invalid key' }, AuthenticationError],
    [
      422,
      { detail: [{ loc: ['query', 'limit'], msg: 'too big', type: 'less_than_equal' }] },
      UnprocessableEntityError,
    ],
    [429, { error: 'rate_limited', message: 'slow down' }, RateLimitError],
    [500, { error: 'internal', message: 'boom' }, InternalServerError],
  ])(
    'unwrap throws on %i with the typed body, headers and request id',
    async (status, body, want) => {
      const client = await clientFor(
        [{ status, body, headers: { 'x-request-id': `req_${status}` } }],
        {
          maxRetries: 0,
        },
      );
      const error = await unwrap(client.GET(TIMEOUTS, { params: { query: DATES } })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(want);
      const apiError = error as APIError;
      expect(apiError.status).toBe(status);
      expect(apiError.body).toEqual(body);
      expect(apiError.requestId).toBe(`req_${status}`);
      expect(apiError.headers.get('content-type')).toBe('application/json');
      expect(apiError.message).toContain(`${loopback.server.url}${TIMEOUTS}: ${status}`);
    },
  );

  it('unwrap returns the data of an ok result', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const rows = await unwrap(client.GET(TIMEOUTS, { params: { query: DATES } }));
    expect(rows[0]?.tool_name).toBe('n');
  });

  it('an error body that is not JSON comes back as text', async () => {
    const client = await clientFor([{ status: 502, body: '<html>Bad Gateway</html>' }], {
      maxRetries: 0,
    });
    const { error } = await client.GET(TIMEOUTS, { params: { query: DATES } });
    expect(error).toBe('<html>Bad Gateway</html>');
  });

  it('a success body that is not JSON rejects with an APIResponseParseError, not a crash', async () => {
    const client = await clientFor([
      { body: '<html>captive portal</html>', headers: { 'x-request-id': 'req_html' } },
    ]);
    const error = await client
      .GET(TIMEOUTS, { params: { query: DATES } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIResponseParseError);
    expect(error).toBeInstanceOf(FeatherError);
    expect((error as APIResponseParseError).status).toBe(200);
    expect((error as APIResponseParseError).requestId).toBe('req_html');
    expect((error as Error).message).toMatch(/the 200 response body is not valid JSON/);
  });
});

describe('runs outside Node', () => {
  it('no client file imports node: modules or reads process without a guard', () => {
    const files = ['src/client', 'common'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${dir}/${name}`),
    );
    expect(files).toContain('src/client/transport/fetch.ts');
    for (const name of files) {
      const text = readFileSync(name, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '') // comments may name process.env
        .replace(/\/\/.*$/gm, '');
      expect(text, name).not.toMatch(/from ['"]node:/);
      expect(text.replace(/globalThis as \{ process\?/g, ''), name).not.toMatch(/\bprocess\./);
    }
  });
});
