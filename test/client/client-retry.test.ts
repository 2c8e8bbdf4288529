/**
 * One scenario per retry, timeout and abort rule, against a real loopback server that
 * misbehaves on purpose, over each way the client sends: its default transport (openapi-fetch
 * hands it URL and init), through middleware, and through a custom fetch (both get a Request).
 * Waits are kept small through the options; the only time assertion is "waited at least",
 * measured by the server between arrivals.
 */
import { getEventListeners } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/prism.ts';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  createFeatherClient,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';
import type { Reply } from '../helpers/loopback-server.ts';
import * as generatedTables from '../../generated/index.ts';

const KEY = 'sk_test_retry_9c2d4e7a';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };
const ROWS = [{ tool_id: 't1' }];
/** Small waits: a retry happens within milliseconds. */
const FAST: FeatherClientOptions = { initialRetryDelayMs: 5, maxRetryDelayMs: 20, logLevel: 'off' };

type Way = 'default transport' | 'middleware' | 'custom fetch';
const WAYS: Way[] = ['default transport', 'middleware', 'custom fetch'];
/** The way the running test sends (set by each `describe.each` block). */
let way: Way = 'default transport';

/** A client over `way`: a no-op middleware, or a custom fetch that calls the global one. */
function makeClient(options: FeatherClientOptions) {
  const client = createFeatherClient({
    ...(way === 'custom fetch'
      ? { fetch: (input: Request, init?: RequestInit) => globalThis.fetch(input, init) }
      : {}),
    ...options,
  });
  if (way === 'middleware') client.use({ onRequest: () => undefined });
  return client;
}

const loopback = loopbackClients({ apiKey: KEY, ...FAST }, makeClient);
const { clientFor } = loopback;
const get = (client: ReturnType<typeof createFeatherClient>, extra: object = {}) =>
  client.GET(PATH, { params: { query: QUERY }, ...extra });
/** The package's tables, with `POST /v1/things` declaring an `idempotency_key` body field. */
const IDEMPOTENT_THINGS: FeatherClientOptions = {
  generated: { ...generatedTables, IDEMPOTENCY_KEY_BODY_OPERATIONS: ['POST /v1/things'] },
};
/** Loose view for methods the spec does not declare (POST), to test the method rules. */
type LooseClient = {
  POST(
    path: string,
    init: object,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};

function expectKeyOnEveryAttempt(count: number): void {
  expect(loopback.server.requests).toHaveLength(count);
  for (const request of loopback.server.requests) expect(request.headers['x-api-key']).toBe(KEY);
}
function gapsMs(): number[] {
  const times = loopback.server.requests.map((r) => r.atMs);
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe.each(WAYS)('over %s', (thisWay) => {
  beforeEach(() => {
    way = thisWay;
  });

  describe('retries', () => {
    it('retries a 503 twice then returns the data', async () => {
      const client = await clientFor([{ status: 503 }, { status: 503 }, { body: ROWS }]);
      const { data, error, response } = await get(client);
      expect(response.status).toBe(200);
      expect(error).toBeUndefined();
      expect(data).toEqual(ROWS);
      expectKeyOnEveryAttempt(3);
    });

    it.each([408, 409, 429, 500, 502, 504])('retries %i', async (status) => {
      const client = await clientFor([
        { status, body: { error: 'x', message: 'y' } },
        { body: ROWS },
      ]);
      const { data } = await get(client);
      expect(data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
    });

    it.each([400, 401, 403, 404, 422])('never retries %i', async (status) => {
      const client = await clientFor([
        { status, body: { error: 'bad', message: 'no' } },
        { body: ROWS },
      ]);
      const { error, response } = await get(client);
      expect(response.status).toBe(status);
      expect(error).toEqual({ error: 'bad', message: 'no' });
      expectKeyOnEveryAttempt(1);
    });

    it('gives up after maxRetries (2) and returns the typed error body', async () => {
      const body = { error: 'unavailable', message: 'try later' };
      const client = await clientFor([{ status: 503, body }]);
      const { data, error, response } = await get(client);
      expect(data).toBeUndefined();
      expect(response.status).toBe(503);
      expect(error).toEqual(body);
      expectKeyOnEveryAttempt(3);
    });

    it('maxRetries: 0 turns retries off', async () => {
      const client = await clientFor([{ status: 503 }, { body: ROWS }], { maxRetries: 0 });
      expect((await get(client)).response.status).toBe(503);
      expectKeyOnEveryAttempt(1);
    });

    it('a per-request maxRetries overrides the client', async () => {
      const client = await clientFor([{ status: 503 }], { maxRetries: 5 });
      expect((await get(client, { maxRetries: 1 })).response.status).toBe(503);
      expectKeyOnEveryAttempt(2);
    });

    it('x-should-retry: false stops a retry the status would allow', async () => {
      const client = await clientFor([
        { status: 503, headers: { 'x-should-retry': 'false' } },
        { body: ROWS },
      ]);
      expect((await get(client)).response.status).toBe(503);
      expectKeyOnEveryAttempt(1);
    });

    it('x-should-retry: true retries a status that is otherwise final', async () => {
      const client = await clientFor([
        { status: 400, headers: { 'x-should-retry': 'true' } },
        { body: ROWS },
      ]);
      expect((await get(client)).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
    });

    it('backs off exponentially between attempts', async () => {
      const client = await clientFor([{ status: 503 }, { status: 503 }, { body: ROWS }], {
        initialRetryDelayMs: 40,
        maxRetryDelayMs: 1000,
      });
      await get(client);
      const [first, second] = gapsMs();
      expect(first).toBeGreaterThanOrEqual(40 * 0.75 - 1); // jitter shortens by up to 25%
      expect(second).toBeGreaterThanOrEqual(80 * 0.75 - 1);
    });

    it('waits what retry-after-ms asks', async () => {
      const client = await clientFor([
        { status: 429, headers: { 'retry-after-ms': '150' } },
        { body: ROWS },
      ]);
      expect((await get(client)).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
      expect(gapsMs()[0]).toBeGreaterThanOrEqual(149);
    });

    it('waits what Retry-After asks, in seconds', async () => {
      const client = await clientFor([
        { status: 503, headers: { 'retry-after': '1' } },
        { body: ROWS },
      ]);
      expect((await get(client)).data).toEqual(ROWS);
      expect(gapsMs()[0]).toBeGreaterThanOrEqual(999);
    });

    it('waits what Retry-After asks, as an HTTP date', async () => {
      const client = await clientFor([
        { status: 503, headers: { 'retry-after': new Date(Date.now() + 3000).toUTCString() } },
        { body: ROWS },
      ]);
      expect((await get(client)).data).toEqual(ROWS);
      // HTTP dates have whole seconds: more than two of the three seconds are left to wait.
      expect(gapsMs()[0]).toBeGreaterThanOrEqual(1500);
    });

    it('Retry-After: -5 means the normal backoff, not a retry at once', async () => {
      const client = await clientFor(
        [{ status: 503, headers: { 'retry-after': '-5' } }, { body: ROWS }],
        { initialRetryDelayMs: 80, maxRetryDelayMs: 1000 },
      );
      expect((await get(client)).data).toEqual(ROWS);
      expect(gapsMs()[0]).toBeGreaterThanOrEqual(80 * 0.75 - 1); // jitter shortens by up to 25%
    });

    it('returns the response at once when Retry-After is over maxRetryAfterMs', async () => {
      const client = await clientFor(
        [
          {
            status: 429,
            headers: { 'retry-after': '120' },
            body: { error: 'rate', message: 'slow down' },
          },
        ],
        { maxRetryAfterMs: 60_000 },
      );
      const { error, response } = await get(client);
      expect(response.status).toBe(429);
      expect(error).toEqual({ error: 'rate', message: 'slow down' });
      expectKeyOnEveryAttempt(1);
    });

    it('retries a connection the server closes without answering', async () => {
      const client = await clientFor([{ destroy: true }, { body: ROWS }]);
      expect((await get(client)).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
    });

    it('rejects with an APIConnectionError naming the attempts when nothing listens', async () => {
      const port = await freePort();
      const client = makeClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, ...FAST });
      const error = await get(client).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionError);
      expect((error as APIConnectionError).attempts).toBe(3);
      expect((error as Error).message).toBe(
        `GET http://127.0.0.1:${port}${PATH}: connection failed after 3 attempts (ECONNREFUSED). Check the network and baseUrl.`,
      );
    });
  });

  describe('methods and idempotency', () => {
    it('never retries a POST without an Idempotency-Key', async () => {
      const client = (await clientFor([{ status: 503 }, { body: {} }])) as unknown as LooseClient;
      const { response } = await client.POST('/v1/things', { body: { n: 1 } });
      expect(response.status).toBe(503);
      expectKeyOnEveryAttempt(1);
    });

    // Retrying a POST by an idempotency_key the operation declares:
    // test/client/client-shapes.test.ts.
    it('does not retry a POST for an Idempotency-Key header the operation does not declare', async () => {
      const client = (await clientFor([
        { status: 503 },
        { body: { ok: true } },
      ])) as unknown as LooseClient;
      const { response } = await client.POST('/v1/things', {
        body: { n: 1 },
        headers: { 'Idempotency-Key': 'idem-1' },
      });
      expect(response.status).toBe(503);
      expectKeyOnEveryAttempt(1);
      expect(loopback.server.requests[0]!.headers['idempotency-key']).toBe('idem-1');
    });

    it('autoIdempotencyKey adds nothing to an operation that declares no idempotency_key', async () => {
      const client = (await clientFor([{ status: 503 }, { body: { ok: true } }], {
        autoIdempotencyKey: true,
      })) as unknown as LooseClient;
      await client.POST('/v1/things', { body: { n: 2 } });
      expectKeyOnEveryAttempt(1);
      expect(loopback.server.requests[0]!.headers['idempotency-key']).toBeUndefined();
      expect(loopback.server.requests[0]!.body).toBe('{"n":2}');
    });

    it('retries a POST whose declared idempotency_key is set, re-sending the same body', async () => {
      const client = (await clientFor(
        [{ status: 503 }, { status: 502 }, { body: { ok: true } }],
        IDEMPOTENT_THINGS,
      )) as unknown as LooseClient;
      const { data } = await client.POST('/v1/things', {
        body: { n: 1, text: 'same bytes', idempotency_key: 'idem-1' },
      });
      expect(data).toEqual({ ok: true });
      expectKeyOnEveryAttempt(3);
      expect(loopback.server.requests.map((r) => r.body)).toEqual(
        Array(3).fill('{"n":1,"text":"same bytes","idempotency_key":"idem-1"}'),
      );
    });

    it('autoIdempotencyKey fills the declared field once, the same on every attempt, and so retries', async () => {
      const client = (await clientFor([{ status: 503 }, { body: { ok: true } }], {
        ...IDEMPOTENT_THINGS,
        autoIdempotencyKey: true,
      })) as unknown as LooseClient;
      await client.POST('/v1/things', { body: { n: 2 } });
      expectKeyOnEveryAttempt(2);
      const [first, second] = loopback.server.requests.map(
        (r) => (JSON.parse(r.body) as { idempotency_key?: string }).idempotency_key,
      );
      expect(first).toMatch(/^feather-[0-9a-f-]{36}$/);
      expect(second).toBe(first);
    });

    it.each<[string, Reply]>([
      ['an attempt that timed out', { hang: true }],
      ['a connection closed without an answer', { destroy: true }],
    ])('re-sends the same POST body after %s', async (_name, failure) => {
      const client = (await clientFor([failure, { body: { ok: true } }], {
        ...IDEMPOTENT_THINGS,
        timeoutMs: 200,
      })) as unknown as LooseClient;
      const { data } = await client.POST('/v1/things', {
        body: { n: 3, idempotency_key: 'idem-3' },
      });
      expect(data).toEqual({ ok: true });
      expectKeyOnEveryAttempt(2);
      expect(loopback.server.requests.map((r) => [r.method, r.body])).toEqual(
        Array(2).fill(['POST', '{"n":3,"idempotency_key":"idem-3"}']),
      );
    });

    it("the caller's signal cancels a POST in flight, without retrying", async () => {
      const client = (await clientFor([{ hang: true }], {
        ...IDEMPOTENT_THINGS,
        timeoutMs: 60_000,
      })) as unknown as LooseClient;
      const controller = new AbortController();
      const pending = client.POST('/v1/things', {
        body: { n: 4, idempotency_key: 'idem-4' },
        signal: controller.signal,
      });
      while (loopback.server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      expect(await pending.catch((caught: unknown) => caught)).toBeInstanceOf(APIUserAbortError);
      expectKeyOnEveryAttempt(1);
      expect(loopback.server.requests[0]!.body).toBe('{"n":4,"idempotency_key":"idem-4"}');
    });

    it('a POST that times out on every attempt rejects with APIConnectionTimeoutError', async () => {
      // Long enough for each attempt to reach the server on a loaded machine: it counts them.
      const client = (await clientFor([{ hang: true }], {
        ...IDEMPOTENT_THINGS,
        timeoutMs: 300,
      })) as unknown as LooseClient;
      const error = await client
        .POST('/v1/things', { body: { n: 5, idempotency_key: 'idem-5' } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect(loopback.server.requests.map((r) => r.body)).toEqual(
        Array(3).fill('{"n":5,"idempotency_key":"idem-5"}'),
      );
    });

    it('autoIdempotencyKey leaves GET requests alone', async () => {
      const client = await clientFor([{ body: ROWS }], { autoIdempotencyKey: true });
      await get(client);
      expect(loopback.server.requests[0]!.headers['idempotency-key']).toBeUndefined();
    });
  });

  describe('timeouts', () => {
    it('retries an attempt that runs past timeoutMs', async () => {
      const client = await clientFor([{ hang: true }, { body: ROWS }], { timeoutMs: 100 });
      // From the call's start: the timer starts before the first request arrives, so the gap
      // between arrivals can be shorter than timeoutMs by the first request's own travel.
      const startMs = performance.now();
      expect((await get(client)).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
      expect(loopback.server.requests[1]!.atMs - startMs).toBeGreaterThanOrEqual(99);
    });

    it('rejects with an APIConnectionTimeoutError after every attempt timed out', async () => {
      // Long enough for each attempt to reach the server on a loaded machine (with 50 ms it
      // failed once in a loaded run: an attempt aborted before its request arrives is not counted).
      const client = await clientFor([{ hang: true }], { timeoutMs: 300 });
      const error = await get(client).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect((error as APIConnectionTimeoutError).attempts).toBe(3);
      expect((error as Error).message).toMatch(/timed out after 3 attempts of at most 300 ms each/);
      expectKeyOnEveryAttempt(3);
    });

    it('a per-request timeoutMs overrides the client', async () => {
      const client = await clientFor([{ hang: true }, { body: ROWS }], { timeoutMs: 60_000 });
      // Room for the second, answered attempt on a loaded machine; the first still hangs.
      expect((await get(client, { timeoutMs: 1000 })).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(2);
    });

    it('bounds the body read too: a body that stalls times out', async () => {
      const client = await clientFor([{ stallBody: true }], { timeoutMs: 100 });
      const error = await get(client).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect((error as APIConnectionTimeoutError).attempts).toBe(1);
    });

    it('a slow answer within timeoutMs is not retried', async () => {
      const client = await clientFor([{ body: ROWS, delayMs: 50 }], { timeoutMs: 2000 });
      expect((await get(client)).data).toEqual(ROWS);
      expectKeyOnEveryAttempt(1);
    });
  });

  describe("the caller's AbortSignal", () => {
    it('cancels the in-flight attempt at once, without retrying', { timeout: 5000 }, async () => {
      const client = await clientFor([{ hang: true }], { timeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = get(client, { signal: controller.signal });
      while (loopback.server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort(new Error('user navigated away'));
      const error = await pending.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).cause).toEqual(new Error('user navigated away'));
      expectKeyOnEveryAttempt(1);
    });

    it('cancels a backoff wait at once', { timeout: 5000 }, async () => {
      const client = await clientFor([{ status: 503 }], {
        initialRetryDelayMs: 30_000,
        maxRetryDelayMs: 30_000,
      });
      const controller = new AbortController();
      const pending = get(client, { signal: controller.signal });
      while (loopback.server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      expect(await pending.catch((caught: unknown) => caught)).toBeInstanceOf(APIUserAbortError);
      expectKeyOnEveryAttempt(1);
    });

    it('an already aborted signal sends nothing', async () => {
      const client = await clientFor([{ body: ROWS }]);
      const error = await get(client, { signal: AbortSignal.abort() }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect(loopback.server.requests).toHaveLength(0);
    });

    it('cancels the read of a stalled body', { timeout: 5000 }, async () => {
      const client = await clientFor([{ stallBody: true }], { timeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = get(client, { signal: controller.signal });
      while (loopback.server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      expect(await pending.catch((caught: unknown) => caught)).toBeInstanceOf(APIUserAbortError);
    });
  });
});

describe("one caller's AbortSignal for many calls (default transport)", () => {
  beforeEach(() => {
    way = 'default transport';
  });

  it('holds no listener of a call once it has ended, and still cancels the next call', async () => {
    // Node warns past 10 listeners on one signal: more calls than that, one after another.
    const client = await clientFor([...Array<Reply>(12).fill({ body: ROWS }), { hang: true }]);
    const controller = new AbortController();
    for (let i = 0; i < 12; i++) {
      expect((await get(client, { signal: controller.signal })).data).toEqual(ROWS);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const pending = get(client, { signal: controller.signal });
    while (loopback.server.requests.length === 12) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('done'));
    expect(await pending.catch((caught: unknown) => caught)).toBeInstanceOf(APIUserAbortError);
  });
});
