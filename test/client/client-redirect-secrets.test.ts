/**
 * A same-origin redirect to a Location that quotes the key (`/land/x?token=KEY`, the key as a
 * path segment, percent-encoded by the server or by the URL parser) puts the key in the final
 * response's URL: the client scrubs it before anyone sees the response. Checked in the result,
 * an `unwrap` error, `paginate`, middleware and `streamEvents`, over the direct path (the
 * default) and openapi-fetch's (middleware set), against a real loopback server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  createFeatherClient,
  paginate,
  streamEvents,
  unwrap,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { PACKAGE_TABLES } from '../../src/client/transport/call-context.ts';
import { scrubUrl } from '../../src/client/policy/response-secrets.ts';
import { everythingAbout, failureOf } from '../helpers/leaks.ts';

const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

/** How the server's Location holds the key: its key, and the Location for a landing `mode`. */
const FORMS: Record<string, { key: string; location: (mode: string, key: string) => string }> = {
  'in the query': {
    key: 'sk_live_REDIRQUERY_7c3e9a1f5b',
    location: (mode, key) => `/land/${mode}?token=${key}`,
  },
  'in the path': {
    key: 'sk_live_REDIRPATH_2d8b6e0a4c',
    location: (mode, key) => `/land/${mode}/${key}`,
  },
  'percent-encoded by the server': {
    key: 'sk_live_a/b+c=d_9e1f3b7d',
    location: (mode, key) => `/land/${mode}?token=${encodeURIComponent(key)}`,
  },
  'percent-encoded in lower case': {
    key: 'sk_live_e/f+g=h_4a6c8e0b',
    location: (mode, key) =>
      `/land/${mode}?token=${encodeURIComponent(key).replace(/%[\dA-F]{2}/g, (h) => h.toLowerCase())}`,
  },
  'partly percent-encoded by the URL parser': {
    key: 'sk_live_q"x/y_5b7d9f1a',
    location: (mode, key) => `/land/${mode}/${key}`,
  },
};
/** The forms a path leaks in: those that put the key where `urlForMessages` keeps it. */
const PATH_FORMS = ['in the path', 'partly percent-encoded by the URL parser'];

/** Every text form the key could take in a URL. */
function formsOf(key: string): string[] {
  const encoded = encodeURIComponent(key);
  return [
    key,
    encoded,
    encoded.replace(/%[\dA-F]{2}/g, (hex) => hex.toLowerCase()),
    new URL(`/${key}`, 'http://x').pathname.slice(1),
    new URL(`/?${key}`, 'http://x').search.slice(1),
  ];
}

function expectNoKey(text: string, key: string): void {
  for (const form of formsOf(key)) expect(text).not.toContain(form);
}

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/land/')) {
      const mode = url.pathname.split('/')[2];
      if (mode === 'stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // One event, then the connection is cut: the stream's error quotes its URL.
        res.write('data: one\n\n', () => res.socket?.destroy());
        return;
      }
      const ok = mode === 'ok' || mode === 'page';
      const body = JSON.stringify(
        ok ? { ok: true, items: [] } : { error: 'unauthorized', message: 'no' },
      );
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    const mode = url.searchParams.get('tool_id');
    const form = FORMS[url.searchParams.get('revision_id') ?? ''];
    if (mode === null || form === undefined) {
      // paginate's first page: one item and the cursor of the next (which redirects)
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [1], next_cursor: 'unauthorized' }));
      return;
    }
    res.writeHead(302, { location: form.location(mode, form.key) });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What middleware saw of each response: its URL and its clone's. */
const middlewareSaw: string[] = [];
const TRANSPORTS: [string, FeatherClientOptions, boolean][] = [
  ['the direct path', {}, false],
  ['openapi-fetch (middleware set)', {}, true],
];

function clientFor(key: string, options: FeatherClientOptions, withMiddleware: boolean) {
  const client = createFeatherClient({
    apiKey: key,
    baseUrl,
    maxRetries: 0,
    logLevel: 'off',
    generated: {
      ...PACKAGE_TABLES,
      PAGINATION: { [PATH]: { cursor: 'tool_id', nextCursor: 'next_cursor', items: 'items' } },
    },
    ...options,
  });
  if (withMiddleware) {
    client.use({
      onResponse({ response }) {
        middlewareSaw.push(response.url, response.clone().url);
      },
    });
  }
  return client;
}

const query = (mode: string, form: string) => ({
  params: { query: { ...QUERY, tool_id: mode, revision_id: form } },
});

/** `paginate` over a path the package's own pagination table does not list. */
const paginateLoose = paginate as unknown as (
  client: unknown,
  path: string,
  init: object,
) => AsyncIterable<unknown>;

describe.each(TRANSPORTS)('a key in a redirect target, through %s', (_t, options, middleware) => {
  describe.each(Object.keys(FORMS))('%s', (formName) => {
    const { key } = FORMS[formName]!;

    it("is not in the result's response URL, which keeps the rest (nor in middleware's, a clone's)", async () => {
      middlewareSaw.length = 0;
      const { data, response } = await clientFor(key, options, middleware).GET(
        PATH,
        query('ok', formName),
      );
      expect(data).toEqual({ ok: true, items: [] });
      expect(response.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/land\/ok/);
      expect(response.url).toContain('***');
      expectNoKey(response.url, key);
      if (middleware) {
        expect(middlewareSaw.length).toBeGreaterThan(0);
        expectNoKey(middlewareSaw.join('\n'), key);
      }
    });

    it('is not in an unwrap error nor in its response', async () => {
      middlewareSaw.length = 0;
      const result = await clientFor(key, options, middleware).GET(
        PATH,
        query('unauthorized', formName),
      );
      const error = await failureOf(() => unwrap(result));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('/land/unauthorized');
      expectNoKey(`${everythingAbout(error)}\n${result.response.url}`, key);
      expectNoKey(middlewareSaw.join('\n'), key);
    });

    it("is not in a stream's error nor in its response", async () => {
      const result = await clientFor(key, options, middleware).GET(PATH, {
        ...query('stream', formName),
        parseAs: 'stream',
      });
      const error = await failureOf(async () => {
        for await (const event of streamEvents(result)) void event;
      });
      expect(error).toBeInstanceOf(APIConnectionError);
      expect((error as Error).message).toContain('/land/stream');
      expectNoKey(`${everythingAbout(error)}\n${result.response.url}`, key);
    });
  });

  // paginate hands out no response: only an error's message can show the URL (without its query).
  it.each(PATH_FORMS)('%s, is not in the error paginate throws for a page', async (formName) => {
    const { key } = FORMS[formName]!;
    const client = clientFor(key, options, middleware);
    const error = await failureOf(async () => {
      for await (const item of paginateLoose(client, PATH, {
        params: { query: { ...QUERY, revision_id: formName } },
      })) {
        void item;
      }
    });
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoKey(everythingAbout(error), key);
  });
});

describe('scrubUrl', () => {
  const KEY = 'sk_live_a/b_1f2e';
  it.each<[string, string, string]>([
    ['raw in the query', `http://h:1/x?t=${KEY}&n=1`, 'http://h:1/x?t=***&n=1'],
    ['encoded', `http://h:1/x?t=sk_live_a%2Fb_1f2e`, 'http://h:1/x?t=***'],
    ['encoded in lower case', `http://h:1/x?t=sk_live_a%2fb_1f2e`, 'http://h:1/x?t=***'],
    ['every character encoded', `http://h:1/${[...KEY].map(hex).join('')}/y`, 'http://h:1/***/y'],
    ['twice in the path', `http://h:1/${KEY}/${KEY}`, 'http://h:1/***/***'],
    ['nowhere', 'http://h:1/x?t=%2Fsk', 'http://h:1/x?t=%2Fsk'],
  ])('%s', (_name, url, want) => {
    expect(scrubUrl(url, [KEY])).toBe(want);
  });

  it('leaves the origin the caller named alone, even where a short key matches it', () => {
    expect(scrubUrl('http://127.0.0.1:8080/v1/x', ['1'])).toBe('http://127.0.0.1:8080/v***/x');
  });
});

function hex(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}
