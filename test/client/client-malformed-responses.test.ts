/**
 * A server that answers with malformed HTTP echoing the request's bytes (an invalid status
 * line, header or chunk): undici's `HTTPParserError` quotes those raw bytes in its `data` (and
 * the bytes hold the `x-api-key` header), under the fetch's `TypeError`, under the client's
 * `APIConnectionError`. No run of 6 characters of the key may be left anywhere in the error:
 * its whole chain with every own property, and its inspection. Against a raw `net` server,
 * over the direct path and openapi-fetch's (middleware set, whose `onError` sees the fetch's
 * own error).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, createFeatherClient, streamEvents } from '../../src/index.ts';

/** `get` types its result as a JSON call's (its `extra` does not carry `parseAs: 'stream'`). */
type StreamedResult = { data?: unknown; response: Response };
import { scrubErrorChain } from '../../src/client/policy/error-secrets.ts';
import { failureOf, recordingLogger } from '../helpers/leaks.ts';

const KEY = 'sk_live_MALFORMED_8c1e3a5f7b9d';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

/** What the server writes back for the request `text`, by the `tool_id` it asked with. */
const ANSWERS: Record<string, (socket: Socket, text: string) => void> = {
  // The request as the status line: "Invalid response status", `data` from there on.
  status: (socket, text) => socket.end(`HTTP/1.1 ${text.replace(/\r\n/g, ' ')}\r\n\r\n`),
  // The request as one header value, its line ends as \x01: "Invalid header value char".
  header: (socket, text) =>
    socket.end(`HTTP/1.1 200 OK\r\nx-echo: ${text.replace(/\r\n/g, '\x01')}\r\n\r\n`),
  // The status line cut off 12 characters into the key: `data` ends with part of it.
  truncated: (socket, text) => {
    const line = `HTTP/1.1 ${text.replace(/\r\n/g, ' ')}`;
    socket.end(line.slice(0, line.indexOf(KEY) + 12));
  },
  // A 200 whose second chunk's size line is the request: the body read fails.
  body: (socket, text) => {
    socket.write(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n' +
        '1\r\n{\r\n',
    );
    setTimeout(() => socket.end(`${text}\r\n`), 20);
  },
  // The same for a 401's body (read by the client for the error it hands on).
  'error-body': (socket, text) => {
    socket.write(
      'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n' +
        'transfer-encoding: chunked\r\n\r\n1\r\n{\r\n',
    );
    setTimeout(() => socket.end(`${text}\r\n`), 20);
  },
  // An event stream: one event, then a chunk size line that is the request.
  stream: (socket, text) => {
    socket.write(
      'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n' +
        'b\r\ndata: one\n\n\r\n',
    );
    setTimeout(() => socket.end(`${text}\r\n`), 20);
  },
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((socket) => {
    let received = '';
    socket.on('error', () => undefined); // the client may hang up first
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      const toolId = /tool_id=([\w-]+)/.exec(received)?.[1] ?? 'status';
      ANSWERS[toolId]!(socket, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Every string reachable from `value` through own properties (symbols, non-enumerable ones and
 * getters included: `cause`, `stack`, `data`, `code`), and the bytes of byte arrays.
 */
function everyString(value: unknown, seen = new Set<unknown>(), depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('latin1')];
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 20) return [];
  seen.add(value);
  const found: string[] = [];
  for (const name of Reflect.ownKeys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string | symbol, unknown>)[name];
    } catch {
      continue;
    }
    found.push(String(name), ...everyString(item, seen, depth + 1));
  }
  return found;
}

/** The chain's own errors, for the test to show it reached undici's parser error. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at instanceof Error && chain.length < 10; at = at.cause) chain.push(at);
  return chain;
}

function expectNoPieceOfKey(text: string): void {
  for (let at = 0; at + 6 <= KEY.length; at++) expect(text).not.toContain(KEY.slice(at, at + 6));
}

function expectClean(error: unknown): void {
  const text = [
    ...everyString(error),
    inspect(error, { depth: 10, showHidden: true }),
    String(error),
  ].join('\n');
  expectNoPieceOfKey(text);
}

const { lines, sink } = recordingLogger();

const TRANSPORTS: [string, boolean][] = [
  ['the direct path', false],
  ['openapi-fetch (middleware set)', true],
];

describe.each(TRANSPORTS)('a malformed response echoing the request, through %s', (_t, mw) => {
  const middlewareSaw: unknown[] = [];
  function client() {
    const feather = createFeatherClient({
      apiKey: KEY,
      baseUrl,
      maxRetries: 0,
      logLevel: 'debug',
      logger: sink,
    });
    if (mw) feather.use({ onError: ({ error }) => void middlewareSaw.push(error) });
    return feather;
  }
  const get = (toolId: string, extra: object = {}) =>
    client().GET(PATH, { params: { query: { ...QUERY, tool_id: toolId } }, ...extra });

  it.each([
    ['an invalid status line', 'status'],
    ['an invalid header', 'header'],
    ['a status line cut off inside the key', 'truncated'],
  ])('%s: no piece of the key in the error, its chain or the log', async (_name, toolId) => {
    lines.length = 0;
    middlewareSaw.length = 0;
    const error = await failureOf(() => get(toolId));
    expect(error).toBeInstanceOf(APIConnectionError);
    // the test reaches what it means to: undici's parser error, quoting bytes
    const parserError = causes(error).find((e) =>
      (e as { code?: string }).code?.startsWith('HPE_'),
    );
    expect(typeof (parserError as { data?: unknown } | undefined)?.data).toBe('string');
    expectClean(error);
    expectNoPieceOfKey(lines.join('\n'));
    if (mw) {
      expect(middlewareSaw).toHaveLength(1);
      expectClean(middlewareSaw[0]);
    }
  });

  it.each([
    ['a success body', 'body'],
    ["an error status's body", 'error-body'],
  ])('%s cut by a malformed chunk: no piece of the key in the error', async (_name, toolId) => {
    const error = await failureOf(() => get(toolId));
    expect(error).toBeInstanceOf(APIConnectionError);
    expectClean(error);
  });

  it('an event stream cut by a malformed chunk: no piece of the key in the error', async () => {
    const result = await get('stream', { parseAs: 'stream' });
    const error = await failureOf(async () => {
      for await (const event of streamEvents(result as StreamedResult)) void event;
    });
    expect(error).toBeInstanceOf(APIConnectionError);
    expectClean(error);
  });
});

describe('scrubErrorChain', () => {
  it('scrubs down the chain in place, a frozen link by a copy, and stops at a cycle', () => {
    const inner = Object.freeze(Object.assign(new Error(`inner ${KEY}`), { data: `x ${KEY}` }));
    const middle = new TypeError('fetch failed', { cause: inner });
    const outer = new Error(`outer ${KEY.slice(0, 10)}`, { cause: middle });
    (middle as unknown as { self: unknown }).self = outer;
    const scrubbed = scrubErrorChain(outer, [KEY]);
    expect(scrubbed).toBe(outer);
    expect(outer.message).toBe('outer ***');
    const copy = middle.cause as Error & { data: string };
    expect(copy).not.toBe(inner);
    expect(copy).toBeInstanceOf(Error);
    expect([copy.message, copy.data]).toEqual(['inner ***', 'x ***']);
    expectNoPieceOfKey(inspect(outer, { depth: 10, showHidden: true }));
  });

  it("leaves objects it does not walk (a class instance: the caller's abort reason, say) and non-objects alone", () => {
    class Reason {
      text = KEY;
    }
    const reason = new Reason();
    const error = new Error('aborted', { cause: reason });
    scrubErrorChain(error, [KEY]);
    expect(reason.text).toBe(KEY);
    expect(scrubErrorChain('text', [KEY])).toBe('text');
  });
});
