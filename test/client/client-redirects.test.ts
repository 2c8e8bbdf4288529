/**
 * Redirects against real loopback servers on different hosts (127.0.0.1, 127.0.0.2, and
 * `localhost`, another origin for the same port): same-origin redirects are followed with
 * fetch's rules; the key, the Idempotency-Key and the body never go to another origin. Every
 * status, GET and POST, over both transports (the default one, and middleware or a custom fetch).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  APIRedirectError,
  createFeatherClient,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { nextRedirect } from '../../common/redirect.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../helpers/loopback-server.ts';

const KEY = 'sk_test_redirect_5e8b1c3d';
const IDEM = 'idem-redirect-1';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };
const BODY = '{"name":"secret payload"}';
const STATUSES = [301, 302, 303, 307, 308] as const;
const FAST: FeatherClientOptions = { initialRetryDelayMs: 1, maxRetryDelayMs: 2, logLevel: 'off' };

type Loose = {
  request(
    method: string,
    path: string,
    init: object,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};

const CUSTOM_FETCH: FeatherClientOptions = {
  fetch: (input, init) => globalThis.fetch(input, init),
};

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(
  replies: Reply[] | ((request: { url: string }, index: number) => Reply),
  host?: string,
) {
  const server = await startLoopbackServer(replies, host);
  servers.push(server);
  return server;
}

type Way = 'default' | 'middleware' | 'custom fetch';
const WAYS: Way[] = ['default', 'middleware', 'custom fetch'];

function clientFor(baseUrl: string, way: Way, options: FeatherClientOptions = {}): Loose {
  const client = createFeatherClient({
    apiKey: KEY,
    baseUrl,
    ...FAST,
    ...(way === 'custom fetch' ? CUSTOM_FETCH : {}),
    ...options,
  });
  if (way === 'middleware') client.use({ onRequest: () => undefined });
  return client as unknown as Loose;
}

function send(client: Loose, method: 'GET' | 'POST', extra: object = {}) {
  return method === 'GET'
    ? client.request('get', PATH, { params: { query: QUERY }, ...extra })
    : client.request('post', '/v1/things', {
        body: JSON.parse(BODY) as unknown,
        headers: { 'Idempotency-Key': IDEM },
        ...extra,
      });
}

describe('a redirect to another origin is refused, and nothing follows it there', () => {
  for (const way of WAYS) {
    for (const method of ['GET', 'POST'] as const) {
      it.each(STATUSES)(`${way}, ${method}, %i to 127.0.0.2`, async (status) => {
        const elsewhere = await serve([{ body: { stolen: true } }], '127.0.0.2');
        const home = await serve([
          { status, headers: { location: `${elsewhere.url}/collect?x=1` } },
        ]);
        const error = await send(clientFor(home.url, way), method).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(APIRedirectError);
        expect((error as APIRedirectError).targetOrigin).toBe(elsewhere.url);
        expect((error as APIRedirectError).status).toBe(status);
        const message = (error as Error).message;
        expect(message).toContain(`redirected (${status}) to another origin, ${elsewhere.url}`);
        expect(message).not.toContain(KEY);
        expect(elsewhere.requests).toHaveLength(0);
        expect(home.requests).toHaveLength(1); // not retried, though it could be
        expect(home.requests[0]!.headers['x-api-key']).toBe(KEY);
      });
    }
  }

  it.each(WAYS)('%s: 127.0.0.1 -> localhost on the same port is another origin', async (way) => {
    const home = await serve((request, index) =>
      index === 0
        ? { status: 307, headers: { location: `http://localhost:${port}${PATH}` } }
        : { body: { stolen: true } },
    );
    const port = new URL(home.url).port;
    const error = await send(clientFor(home.url, way), 'POST').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIRedirectError);
    expect((error as APIRedirectError).targetOrigin).toBe(`http://localhost:${port}`);
    expect(home.requests).toHaveLength(1);
  });

  it.each(WAYS)('%s: http -> https on the same host is another origin', async (way) => {
    const home = await serve([{ status: 308, headers: { location: 'https://127.0.0.1:1/x' } }]);
    const error = await send(clientFor(home.url, way), 'GET').catch((e: unknown) => e);
    expect((error as APIRedirectError).targetOrigin).toBe('https://127.0.0.1:1');
  });

  it('a cross-origin hop after a same-origin one is refused too', async () => {
    const elsewhere = await serve([{ body: {} }], '127.0.0.2');
    const home = await serve((request) =>
      request.url.startsWith('/hop')
        ? { status: 302, headers: { location: `${elsewhere.url}/` } }
        : { status: 307, headers: { location: '/hop' } },
    );
    const error = await send(clientFor(home.url, 'default'), 'GET').catch((e: unknown) => e);
    expect((error as APIRedirectError).targetOrigin).toBe(elsewhere.url);
    expect(home.requests.map((r) => r.url)).toEqual([expect.stringContaining(PATH), '/hop']);
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('a redirect to a Location with credentials (user:password@) is refused', () => {
  it.each(WAYS)('%s: APIRedirectError, not retried, the userinfo not shown', async (way) => {
    const home = await serve((request, index) =>
      index === 0
        ? { status: 302, headers: { location: `http://someone:tok_server_chosen@${host}/x` } }
        : { body: [] },
    );
    const host = new URL(home.url).host;
    const error = await send(clientFor(home.url, way), 'GET').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIRedirectError);
    expect((error as Error).message).toContain('redirected (302) to a Location that');
    expect((error as Error).message).toContain('user:password@');
    expect((error as Error).message).not.toContain('tok_server_chosen');
    expect(home.requests).toHaveLength(1);
  });
});

describe('a same-origin redirect is followed with fetch rules', () => {
  for (const way of WAYS) {
    it.each(STATUSES)(`${way}, GET %i: GET again with the key`, async (status) => {
      const home = await serve((request) =>
        request.url.startsWith('/moved')
          ? { body: [{ tool_id: 'moved' }] }
          : { status, headers: { location: '/moved?page=2' } },
      );
      const { data, response } = await send(clientFor(home.url, way), 'GET');
      expect(data).toEqual([{ tool_id: 'moved' }]);
      expect(response.url).toBe(`${home.url}/moved?page=2`);
      expect(home.requests.map((r) => [r.method, r.url, r.headers['x-api-key']])).toEqual([
        ['GET', expect.stringContaining(PATH), KEY],
        ['GET', '/moved?page=2', KEY],
      ]);
    });

    it.each([
      [301, 'GET', ''],
      [302, 'GET', ''],
      [303, 'GET', ''],
      [307, 'POST', BODY],
      [308, 'POST', BODY],
    ])(`${way}, POST %i: sent on as %s`, async (status, method, body) => {
      const home = await serve((request) =>
        request.url === '/created'
          ? { body: { ok: true } }
          : { status, headers: { location: '/created' } },
      );
      const { data } = await send(clientFor(home.url, way), 'POST');
      expect(data).toEqual({ ok: true });
      const [first, second] = home.requests;
      expect([first!.method, first!.body]).toEqual(['POST', BODY]);
      expect([second!.method, second!.body, second!.url]).toEqual([method, body, '/created']);
      expect(second!.headers['x-api-key']).toBe(KEY);
      expect(second!.headers['idempotency-key']).toBe(IDEM);
      expect(second!.headers['content-type']).toBe(
        method === 'GET' ? undefined : 'application/json',
      );
    });
  }

  it.each(WAYS)(
    '%s: a POST turned into a GET stays one, without body, on the next hop',
    async (way) => {
      const home = await serve((request) =>
        request.url === '/final'
          ? { body: { ok: true } }
          : request.url === '/hop'
            ? { status: 307, headers: { location: '/final' } }
            : { status: 303, headers: { location: '/hop' } },
      );
      const { data } = await send(clientFor(home.url, way), 'POST');
      expect(data).toEqual({ ok: true });
      expect(
        home.requests.map((r) => [r.method, r.url, r.body, r.headers['content-type'] ?? null]),
      ).toEqual([
        ['POST', '/v1/things', BODY, 'application/json'],
        ['GET', '/hop', '', null],
        ['GET', '/final', '', null],
      ]);
    },
  );

  it.each(WAYS)('%s: more than 5 redirects are refused, not retried', async (way) => {
    const home = await serve([{ status: 302, headers: { location: '/again' } }]);
    const error = await send(clientFor(home.url, way), 'GET').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIRedirectError);
    expect((error as Error).message).toMatch(/redirected \(302\) more than 5 times/);
    expect(home.requests).toHaveLength(6);
  });

  it.each(WAYS)("%s: redirect: 'error' refuses any redirect, without retrying", async (way) => {
    const home = await serve([{ status: 301, headers: { location: '/moved' } }]);
    const error = await send(clientFor(home.url, way), 'GET', { redirect: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIRedirectError);
    expect((error as Error).message).toMatch(/redirect: 'error'/);
    expect(home.requests).toHaveLength(1);
  });

  it.each(WAYS)("%s: redirect: 'manual' hands the redirect back", async (way) => {
    const home = await serve([{ status: 302, headers: { location: 'https://elsewhere.test/' } }]);
    const { response } = await send(clientFor(home.url, way), 'GET', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://elsewhere.test/');
    expect(home.requests).toHaveLength(1);
  });

  it.each(WAYS)('%s: a redirect without a Location is the response', async (way) => {
    const home = await serve([{ status: 302, body: { error: 'odd', message: 'no location' } }]);
    const { error, response } = await send(clientFor(home.url, way), 'GET');
    expect(response.status).toBe(302);
    expect(error).toEqual({ error: 'odd', message: 'no location' });
  });
});

describe('nextRedirect', () => {
  const from = { url: 'https://api.example.com/v1/things?x=1', method: 'POST' };
  const redirect = (status: number, location: string | null, type = 'basic') => ({
    status,
    type,
    location,
  });
  it.each([
    [
      'same origin 307',
      redirect(307, '/v2'),
      0,
      'follow',
      { kind: 'follow', url: 'https://api.example.com/v2', method: 'POST', keepBody: true },
    ],
    [
      'same origin 303',
      redirect(303, '/r'),
      0,
      'follow',
      { kind: 'follow', url: 'https://api.example.com/r', method: 'GET', keepBody: false },
    ],
    [
      'same origin 301',
      redirect(301, '/r'),
      0,
      'follow',
      { kind: 'follow', url: 'https://api.example.com/r', method: 'GET', keepBody: false },
    ],
    [
      'https -> http',
      redirect(308, 'http://api.example.com/v1'),
      0,
      'follow',
      { kind: 'refuse', reason: 'cross-origin', targetOrigin: 'http://api.example.com' },
    ],
    [
      'another port',
      redirect(307, 'https://api.example.com:8443/'),
      0,
      'follow',
      { kind: 'refuse', reason: 'cross-origin', targetOrigin: 'https://api.example.com:8443' },
    ],
    [
      'a subdomain',
      redirect(302, 'https://eu.api.example.com/'),
      0,
      'follow',
      { kind: 'refuse', reason: 'cross-origin', targetOrigin: 'https://eu.api.example.com' },
    ],
    [
      'protocol-relative',
      redirect(302, '//evil.test/x'),
      0,
      'follow',
      { kind: 'refuse', reason: 'cross-origin', targetOrigin: 'https://evil.test' },
    ],
    [
      'the sixth hop',
      redirect(302, '/again'),
      5,
      'follow',
      { kind: 'refuse', reason: 'too-many', targetOrigin: 'https://api.example.com' },
    ],
    [
      'a browser opaque redirect',
      redirect(0, null, 'opaqueredirect'),
      0,
      'follow',
      { kind: 'refuse', reason: 'hidden' },
    ],
    ['no Location', redirect(302, null), 0, 'follow', { kind: 'final' }],
    ['not a redirect status', redirect(300, '/x'), 0, 'follow', { kind: 'final' }],
    ['manual', redirect(302, 'https://evil.test/'), 0, 'manual', { kind: 'final' }],
    [
      "'error'",
      redirect(302, '/x'),
      0,
      'error',
      { kind: 'refuse', reason: 'redirect-error', targetOrigin: 'https://api.example.com' },
    ],
    [
      'a Location that is no URL',
      redirect(302, 'http://['),
      0,
      'follow',
      { kind: 'refuse', reason: 'bad-location' },
    ],
    [
      'a Location with credentials on the same origin',
      redirect(302, 'https://user:pass@api.example.com/b'),
      0,
      'follow',
      { kind: 'refuse', reason: 'bad-location', targetOrigin: 'https://api.example.com' },
    ],
  ] as const)('%s', (_name, response, hops, mode, want) => {
    expect(nextRedirect(from, response, hops, mode)).toEqual(want);
  });

  it('a GET stays a GET on 303', () => {
    expect(
      nextRedirect({ url: 'http://127.0.0.1/a', method: 'GET' }, redirect(303, '/b'), 0, 'follow'),
    ).toEqual({
      kind: 'follow',
      url: 'http://127.0.0.1/b',
      method: 'GET',
      keepBody: true,
    });
  });
});
