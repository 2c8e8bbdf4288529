/**
 * The API key never appears in an error's message, stack, JSON, cause chain or inspection, nor
 * in a log line, whatever went wrong. Every scenario uses the same real key value and the
 * client logs at debug level into a collecting sink.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/prism.ts';
import {
  APIError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIResponseParseError,
  APIUserAbortError,
  AuthenticationError,
  createFeatherClient,
  FeatherError,
  FeatherValidationError,
  unwrap,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { everythingAbout, failureOf, recordingLogger } from '../helpers/leaks.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../helpers/loopback-server.ts';

const KEY = 'sk_live_LEAKCHECK_4e1f9b7d2c';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const { lines, sink } = recordingLogger();

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request) => {
    if (request.url.includes('tool_id=unauthorized')) {
      return { status: 401, body: { error: 'unauthorized', message: 'key rejected' } };
    }
    if (request.url.includes('tool_id=hang')) return { hang: true };
    if (request.url.includes('tool_id=html')) return { body: '<html>' };
    return { status: 503 };
  });
});
afterAll(async () => {
  await server.close();
});

function client(options: FeatherClientOptions = {}) {
  return createFeatherClient({
    apiKey: KEY,
    baseUrl: server.url,
    initialRetryDelayMs: 1,
    timeoutMs: 60_000, // a short bound only where a timeout is the point: a loaded machine is slow
    logLevel: 'debug',
    logger: sink,
    ...options,
  });
}
const get = (toolId: string, options: FeatherClientOptions = {}, extra: object = {}) =>
  client(options).GET(PATH, { params: { query: { ...QUERY, tool_id: toolId } }, ...extra });

describe('the key never leaks', () => {
  it.each<[string, () => unknown, new (...args: never[]) => Error]>([
    [
      'a connection failure',
      async () => {
        const port = await freePort();
        return get('x', { baseUrl: `http://127.0.0.1:${port}` });
      },
      APIConnectionError,
    ],
    ['a timeout', () => get('hang', { timeoutMs: 50 }), APIConnectionTimeoutError],
    [
      'a caller abort',
      () => get('hang', {}, { signal: AbortSignal.timeout(30) }),
      APIUserAbortError,
    ],
    ['an HTTP error thrown by unwrap', () => unwrap(get('unauthorized')), AuthenticationError],
    ['a body that is not JSON', () => get('html'), APIResponseParseError],
    [
      'a validation error',
      () => client().GET(PATH, { params: { query: { ...QUERY, limit: 500 } } }),
      FeatherValidationError,
    ],
    [
      'a refused plain-http URL',
      () => get('x', {}, { baseUrl: 'http://api.example.com' }),
      FeatherError,
    ],
    ['a key a header cannot carry', () => get('x', { apiKey: `${KEY}\n` + 'tail' }), FeatherError],
    [
      'a bad key from the key function',
      () => get('x', { apiKey: async () => `${KEY} ${KEY}` }),
      FeatherError,
    ],
  ])('in %s', async (_name, action, want) => {
    const error = await failureOf(action);
    expect(error).toBeInstanceOf(want);
    expect(everythingAbout(error)).not.toContain(KEY);
  });

  it('in any log line, although lines with the key header were written', async () => {
    await get('retry-then-give-up');
    const text = lines.join('\n');
    expect(text).toContain('"x-api-key":"***"');
    expect(text).toMatch(/retrying in \d+ ms/);
    expect(text).not.toContain(KEY);
  });
});

describe('a header value fetch cannot send is refused naming the header, never quoting it', () => {
  const TOKEN = 'tok_HEADERLEAK_9c2a71';

  it.each<[string, Record<string, unknown>, string]>([
    ['a line feed inside', { Authorization: `Bearer ${TOKEN}\nX-Injected: 1` }, 'a line break'],
    ['a carriage return inside', { 'X-Token': `${TOKEN}\r\nX-Injected: 1` }, 'a line break'],
    ['a NUL', { 'X-Token': `${TOKEN}\u0000` }, 'a NUL character'],
    ['a character past U+00FF', { 'X-Token': `${TOKEN}\u0100` }, 'a character past U+00FF'],
    ['a list value with a line feed', { 'X-Token': ['ok', `${TOKEN}\nX: 1`] }, 'a line break'],
  ])('in the headers option (%s): createFeatherClient throws', (_name, headers, problem) => {
    const error = (() => {
      try {
        client({ headers: headers as FeatherClientOptions['headers'] });
      } catch (caught) {
        return caught;
      }
      throw new Error('expected createFeatherClient to throw');
    })();
    expect(error).toBeInstanceOf(FeatherError);
    const name = Object.keys(headers)[0]!;
    expect((error as Error).message).toContain(`headers: header "${name}"`);
    expect((error as Error).message).toContain(problem);
    expect(everythingAbout(error)).not.toContain(TOKEN);
  });

  it.each<[string, HeadersInit]>([
    ['a record', { Authorization: `Bearer ${TOKEN}\nX-Injected: 1` }],
    ['a list of pairs', [['Authorization', `Bearer ${TOKEN}\r\nX-Injected: 1`]]],
  ])("in a call's headers (%s): the call rejects and nothing is sent", async (_name, headers) => {
    const before = server.requests.length;
    const error = await failureOf(() =>
      client().GET(PATH, { params: { query: { ...QUERY, tool_id: 'x' } }, headers }),
    );
    expect(error).toBeInstanceOf(FeatherError);
    expect((error as Error).message).toContain(`GET ${PATH}: headers: header "Authorization"`);
    expect(everythingAbout(error)).not.toContain(TOKEN);
    expect(server.requests.length).toBe(before);
  });

  it.each<[string, string, string]>([
    ['set', `Bearer ${TOKEN}\nX-Injected: 1`, 'a line break'],
    ['append', `${TOKEN}\u0100`, 'a character past U+00FF'],
  ])(
    'set by onRequest middleware (headers.%s): the call rejects and nothing is sent',
    async (method, value, problem) => {
      const before = server.requests.length;
      const withMiddleware = client();
      withMiddleware.use({
        onRequest({ request }) {
          request.headers[method as 'set' | 'append']('X-Token', value);
        },
      });
      const error = await failureOf(() =>
        withMiddleware.GET(PATH, { params: { query: { ...QUERY, tool_id: 'x' } } }),
      );
      expect(error).toBeInstanceOf(FeatherError);
      expect((error as Error).message).toContain(
        `GET ${PATH}: onRequest middleware: header "X-Token"`,
      );
      expect((error as Error).message).toContain(problem);
      expect(everythingAbout(error)).not.toContain(TOKEN);
      expect(server.requests.length).toBe(before);
    },
  );

  it("set by a call's own onRequest middleware: the call rejects naming the header", async () => {
    const before = server.requests.length;
    const error = await failureOf(() =>
      client().GET(PATH, {
        params: { query: { ...QUERY, tool_id: 'x' } },
        middleware: [
          { onRequest: ({ request }) => void request.headers.set('X-Key', TOKEN + '\0') },
        ],
      }),
    );
    expect(error).toBeInstanceOf(FeatherError);
    expect((error as Error).message).toContain('onRequest middleware: header "X-Key"');
    expect(everythingAbout(error)).not.toContain(TOKEN);
    expect(server.requests.length).toBe(before);
  });

  it.each<[string, string]>([
    ['the client key', `${KEY}\nX-Injected: 1`],
    ["the client's credential", `Bearer ${TOKEN}\nX-Injected: 1`],
  ])(
    'in a Request that onRequest middleware builds itself (%s): no secret in what the call rejects with',
    async (_name, value) => {
      const before = server.requests.length;
      const withMiddleware = client({ headers: { Authorization: `Bearer ${TOKEN}` } });
      withMiddleware.use({
        // The user's own code: Headers' TypeError quotes the value it cannot send.
        onRequest: ({ request }) => new Request(request.url, { headers: { 'X-Token': value } }),
      });
      const error = await failureOf(() =>
        withMiddleware.GET(PATH, { params: { query: { ...QUERY, tool_id: 'x' } } }),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('invalid header value');
      expect(everythingAbout(error)).not.toContain(KEY);
      expect(everythingAbout(error)).not.toContain(TOKEN);
      expect(server.requests.length).toBe(before);
    },
  );

  it('a line feed only at the end is sent, as fetch trims it', async () => {
    const before = server.requests.length;
    const { response } = await client({ maxRetries: 0, headers: { 'X-Trace': 'abc\n' } }).GET(
      PATH,
      { params: { query: { ...QUERY, tool_id: 'x' } }, headers: { 'X-Call': 'def\r\n' } },
    );
    expect(response.status).toBe(503);
    expect(server.requests.length).toBe(before + 1);
    expect(server.requests.at(-1)!.headers['x-trace']).toBe('abc');
    expect(server.requests.at(-1)!.headers['x-call']).toBe('def');
  });
});

describe('a key the server echoes back is scrubbed from everything the client builds', () => {
  const SHORT_KEY = 'K7#q'; // under 8 characters: scrubbed all the same
  /** Every way a server might echo the key, as a reply. */
  const ECHOES: [string, (key: string) => Reply][] = [
    ['error', (key) => ({ status: 401, body: { error: `bad key ${key}`, message: 'no' } })],
    ['message', (key) => ({ status: 403, body: { error: 'forbidden', message: `key=${key}` } })],
    ['detail (FastAPI text)', (key) => ({ status: 400, body: { detail: `invalid: ${key}` } })],
    [
      'detail (FastAPI list)',
      (key) => ({
        status: 422,
        body: { detail: [{ loc: ['header', 'x-api-key'], msg: `bad ${key}`, input: key }] },
      }),
    ],
    ['a plain-text body', (key) => ({ status: 500, body: `upstream said: ${key}` })],
    [
      'x-request-id',
      (key) => ({
        status: 404,
        headers: { 'x-request-id': `req_${key}` },
        body: { error: 'not_found', message: 'gone' },
      }),
    ],
    ['a JSON key', (key) => ({ status: 409, body: { [key]: 'conflict', error: 'dup' } })],
  ];
  const echoServers: LoopbackServer[] = [];
  afterAll(async () => {
    await Promise.all(echoServers.map((s) => s.close()));
  });

  async function echoing(reply: Reply, key: string, options: FeatherClientOptions = {}) {
    const echo = await startLoopbackServer([reply]);
    echoServers.push(echo);
    return createFeatherClient({
      apiKey: key,
      baseUrl: echo.url,
      maxRetries: 0,
      logLevel: 'debug',
      logger: sink,
      ...options,
    }).GET(PATH, { params: { query: QUERY } });
  }

  for (const key of [KEY, SHORT_KEY]) {
    it.each(ECHOES)(
      `in %s, through unwrap (a ${key.length}-character key)`,
      async (_name, echo) => {
        lines.length = 0;
        const error = await failureOf(() => unwrap(echoing(echo(key), key)));
        expect(error).toBeInstanceOf(APIError);
        expect(everythingAbout(error)).not.toContain(key);
        expect(everythingAbout(error)).toContain('***');
        expect(lines.join('\n')).not.toContain(key);
      },
    );

    it.each(ECHOES)(
      `in %s, in the result style (a ${key.length}-character key)`,
      async (_name, echo) => {
        const { error, response } = await echoing(echo(key), key);
        expect(JSON.stringify(error)).not.toContain(key);
        expect(inspect(error, { depth: 10 })).not.toContain(key);
        const headers = [...response.headers].join('\n');
        expect(headers).not.toContain(key);
        expect(response.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\//);
      },
    );
  }

  it('the rest of an echoing body stays as it was', async () => {
    const { error, response } = await echoing(
      {
        status: 401,
        headers: { 'x-request-id': `req_${KEY}` },
        body: { error: `bad ${KEY}`, message: 'no', n: 1 },
      },
      KEY,
    );
    expect(error).toEqual({ error: 'bad ***', message: 'no', n: 1 });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('req_***');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('a short key inside a JSON body leaves its numbers and names alone', async () => {
    const { error } = await echoing({ status: 400, body: { code: 401, error: 'e1 1' } }, '1');
    expect(error).toEqual({ code: 401, error: 'e*** ***' });
  });

  it('in a success body that is not JSON (the parse error quotes it)', async () => {
    const error = await failureOf(() =>
      echoing({ headers: { 'x-request-id': `req_${KEY}` }, body: `oops ${KEY}` }, KEY),
    );
    expect(error).toBeInstanceOf(APIResponseParseError);
    expect(everythingAbout(error)).not.toContain(KEY);
  });

  it('in a parse error that quotes only part of the key (V8 quotes ten characters around the error)', async () => {
    const error = await failureOf(() => echoing({ body: `{"token": ${KEY}}` }, KEY));
    expect(error).toBeInstanceOf(APIResponseParseError);
    const seen = everythingAbout(error);
    // No run of six characters of the key: 'sk_live_LE' is what V8's message held.
    for (let at = 0; at + 6 <= KEY.length; at++) expect(seen).not.toContain(KEY.slice(at, at + 6));
    expect((error as Error).message).toContain('the body is not valid JSON');
  });

  it('a key holding a quote is scrubbed where JSON escapes it', async () => {
    const key = 'sk_"quoted"_9f1e';
    const { error } = await echoing({ status: 401, body: `{"error":${JSON.stringify(key)}}` }, key);
    expect(error).toEqual({ error: '***' });
  });
});
