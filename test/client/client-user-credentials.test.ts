/**
 * The user's own credentials (an `Authorization`, `Proxy-Authorization` or `Cookie` header, or
 * one whose name looks secret), set on the client's `headers` or on a call's, are scrubbed with
 * the key when a server echoes them: from the result's error and headers, `APIError`'s message,
 * body and headers, and log lines. `Idempotency-Key` is not a credential and stays visible.
 * Against a real loopback server that quotes every request header back, over the direct path
 * and openapi-fetch's (middleware set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIError,
  APIResponseParseError,
  createFeatherClient,
  unwrap,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { credentialSecrets, isCredentialHeader } from '../../src/client/policy/secrets.ts';
import { everythingAbout, failureOf, recordingLogger } from '../helpers/leaks.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.ts';

const KEY = 'sk_live_USERCRED_3a5c7e9b1d';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };
const BEARER = 'tok_bearer_8f2a4c6e0b1d';
const PROXY = 'cHJveHl1c2VyOnByb3h5cGFzc3dvcmQ='; // proxyuser:proxypassword
const SESSION = 'sess_9d7b5f3a1c2e';
const CUSTOM = 'custom_token_6e4c2a0f8d';
const IDEMPOTENCY = 'idem_visible_4b6d8f0a';

/** Each credential as the user sets it, and the values no output may show. */
const CREDENTIALS: [string, string, string[]][] = [
  ['Authorization', `Bearer ${BEARER}`, [BEARER]],
  ['Proxy-Authorization', `Basic ${PROXY}`, [PROXY, 'proxyuser:proxypassword', 'proxypassword']],
  ['Cookie', `sid=${SESSION}; theme=dark`, [SESSION]],
  ['X-Session-Token', CUSTOM, [CUSTOM]],
];
const SECRETS = [KEY, ...CREDENTIALS.flatMap(([, value, parts]) => [value, ...parts])];

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request) => {
    const headers = request.headers as Record<string, string>;
    const echoed = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    const auth = headers['authorization']?.split(' ')[1] ?? '';
    const sid = /sid=([^;]+)/.exec(headers['cookie'] ?? '')?.[1] ?? '';
    const decoded = Buffer.from(
      headers['proxy-authorization']?.split(' ')[1] ?? '',
      'base64',
    ).toString();
    const echoHeaders = {
      'x-request-id': `req ${auth} ${sid}`,
      'x-echo': `${headers['x-session-token'] ?? ''} ${decoded}`,
    };
    const url = new URL(request.url, 'http://x');
    if (url.searchParams.get('tool_id') === 'ok') return { headers: echoHeaders, body: { ok: 1 } };
    if (url.searchParams.get('tool_id') === 'text') {
      return { headers: echoHeaders, body: `not json: ${echoed.join('; ')}` };
    }
    return {
      status: 401,
      headers: echoHeaders,
      body: { error: 'unauthorized', message: echoed.join('; '), detail: { decoded, sid, auth } },
    };
  });
});
afterAll(async () => {
  await server.close();
});

const { lines, sink } = recordingLogger();

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const [clientSide, callSide] = [CREDENTIALS.slice(0, 2), CREDENTIALS.slice(2)];
/** Where the credentials are set: half on the client's headers and half on the call's, or all on one. */
const PLACES: [string, [string, string][], [string, string][]][] = [
  [
    "on the client's headers and the call's",
    clientSide.map(([n, v]) => [n, v]),
    callSide.map(([n, v]) => [n, v]),
  ],
  ["all on the client's headers", CREDENTIALS.map(([n, v]) => [n, v]), []],
  ["all on the call's headers", [], CREDENTIALS.map(([n, v]) => [n, v])],
];
const TRANSPORTS: [string, boolean][] = [
  ['the direct path', false],
  ['openapi-fetch (middleware set)', true],
];

function call(
  toolId: string,
  clientHeaders: [string, string][],
  callHeaders: [string, string][],
  middleware: boolean,
  options: FeatherClientOptions = {},
) {
  const client = createFeatherClient({
    apiKey: KEY,
    baseUrl: server.url,
    maxRetries: 0,
    logLevel: 'debug',
    logger: sink,
    headers: Object.fromEntries(clientHeaders),
    ...options,
  });
  if (middleware) client.use({ onRequest: () => undefined });
  return client.GET(PATH, {
    params: { query: { ...QUERY, tool_id: toolId } },
    headers: { ...Object.fromEntries(callHeaders), 'Idempotency-Key': IDEMPOTENCY },
  });
}

describe.each(TRANSPORTS)('through %s', (_t, middleware) => {
  describe.each(PLACES)('credentials %s', (_p, clientHeaders, callHeaders) => {
    it('are scrubbed from an unwrap error and the log lines; Idempotency-Key is not', async () => {
      lines.length = 0;
      const error = await failureOf(() =>
        unwrap(call('echo', clientHeaders, callHeaders, middleware)),
      );
      expect(error).toBeInstanceOf(APIError);
      const seen = everythingAbout(error);
      expectNoSecret(seen);
      expect(seen).toContain('***');
      expect(seen).toContain(IDEMPOTENCY);
      expect(JSON.stringify((error as APIError).body)).toContain(`idempotency-key: ${IDEMPOTENCY}`);
      const log = lines.join('\n');
      expect(log).toContain('"x-session-token":"***"');
      expect(log).toContain('"proxy-authorization":"***"');
      expect(log).toContain(`"idempotency-key":"${IDEMPOTENCY}"`);
      expectNoSecret(log);
    });

    it("are scrubbed from the result's error and headers, of an error and a success", async () => {
      const failed = await call('echo', clientHeaders, callHeaders, middleware);
      expect(failed.response.status).toBe(401);
      expectNoSecret(JSON.stringify(failed.error));
      expectNoSecret([...failed.response.headers].join('\n'));
      const ok = await call('ok', clientHeaders, callHeaders, middleware);
      expect(ok.data).toEqual({ ok: 1 });
      expectNoSecret([...ok.response.headers].join('\n'));
    });

    it('are scrubbed from a parse error of a success body that quotes them', async () => {
      const error = await failureOf(() => call('text', clientHeaders, callHeaders, middleware));
      expect(error).toBeInstanceOf(APIResponseParseError);
      expectNoSecret(everythingAbout(error));
    });
  });
});

describe('isCredentialHeader', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'X-Session-Token',
    'X-Auth',
    'X-Api-Secret',
    'X-Partner-Key',
    'X-Password',
    'sessionid',
  ])('%s is a credential', (name) => expect(isCredentialHeader(name)).toBe(true));

  it.each(['Idempotency-Key', 'X-Idempotency-Key', 'Accept', 'Content-Type', 'X-Request-Id'])(
    '%s is not',
    (name) => expect(isCredentialHeader(name)).toBe(false),
  );
});

describe('credentialSecrets', () => {
  it.each<[string, unknown, string[]]>([
    [
      'a bearer token: the value and the token',
      { Authorization: 'Bearer abcdefgh12' },
      ['Bearer abcdefgh12', 'abcdefgh12'],
    ],
    ['a short token: only the whole value', { authorization: 'Bearer abc' }, ['Bearer abc']],
    [
      'cookies: the value, each pair and each value of 8 characters or more',
      new Headers({ cookie: 'sid=abcdefgh12; theme=dark' }),
      ['sid=abcdefgh12; theme=dark', 'sid=abcdefgh12', 'abcdefgh12', 'theme=dark'],
    ],
    [
      'Basic: the token, the decoded pair and the password',
      [['Proxy-Authorization', `Basic ${btoa('user:password1')}`]],
      [`Basic ${btoa('user:password1')}`, btoa('user:password1'), 'user:password1', 'password1'],
    ],
    [
      "openapi-fetch's record: arrays and nulls",
      { 'x-auth-token': ['first_token_1', 'second_token_2'], cookie: null, accept: 'x' },
      ['first_token_1', 'second_token_2'],
    ],
    ['no credential header', { accept: 'application/json', 'Idempotency-Key': 'k123456789' }, []],
    ['no headers', undefined, []],
  ])('%s', (_name, headers, want) => {
    expect(credentialSecrets(headers)).toEqual(want);
  });
});
