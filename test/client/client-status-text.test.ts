/**
 * A status line that echoes the key (`HTTP/1.1 200 OK sk_live_...`): the response the client
 * hands on has its status text scrubbed, a success's as an error's, in the result and in what
 * middleware sees, over the direct path and openapi-fetch's. Against a raw `net` server (Node's
 * http server would not write such a reason phrase on its own).
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeatherClient, streamEvents } from '../../src/index.ts';

/** `get` types its result as a JSON call's (its `extra` does not carry `parseAs: 'stream'`). */
type StreamedResult = { data?: unknown; response: Response };
import { recordingLogger } from '../helpers/leaks.ts';

const KEY = 'sk_live_STATUSTEXT_2e4a6c8b0d';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

/** The response for each `tool_id`: status, its text's tail, content type and body. */
const ANSWERS: Record<string, [number, string, string]> = {
  ok: [200, 'application/json', '{"ok":true}'],
  stream: [200, 'text/event-stream', 'data: one\n\n'],
  unauthorized: [401, 'application/json', '{"error":"unauthorized","message":"no"}'],
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((socket) => {
    let received = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      const sent = /x-api-key: (\S+)/i.exec(received)?.[1] ?? '';
      const toolId = /tool_id=(\w+)/.exec(received)?.[1] ?? 'ok';
      // `ok64`: the key in base64 (what a server quoting an encoded header would write).
      const key = toolId === 'ok64' ? Buffer.from(sent).toString('base64') : sent;
      const [status, type, body] = ANSWERS[toolId === 'ok64' ? 'ok' : toolId]!;
      socket.end(
        `HTTP/1.1 ${status} Echo ${key} here\r\ncontent-type: ${type}\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const { lines, sink } = recordingLogger();

describe.each([
  ['the direct path', false],
  ['openapi-fetch (middleware set)', true],
])('a status text echoing the key, through %s', (_t, middleware) => {
  const seen: string[] = [];
  function get(toolId: string, extra: object = {}) {
    const client = createFeatherClient({
      apiKey: KEY,
      baseUrl,
      maxRetries: 0,
      logLevel: 'debug',
      logger: sink,
    });
    if (middleware)
      client.use({ onResponse: ({ response }) => void seen.push(response.statusText) });
    return client.GET(PATH, { params: { query: { ...QUERY, tool_id: toolId } }, ...extra });
  }

  it.each(['ok', 'unauthorized'])('is scrubbed from the %s response handed on', async (toolId) => {
    seen.length = 0;
    lines.length = 0;
    const { response } = await get(toolId);
    expect(response.statusText).toBe('Echo *** here');
    expect(seen.join('\n')).not.toContain(KEY);
    if (middleware) expect(seen).toEqual(['Echo *** here']);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('is scrubbed from a success whose status text holds the key in base64', async () => {
    seen.length = 0;
    lines.length = 0;
    const { response } = await get('ok64');
    const encoded = Buffer.from(KEY).toString('base64');
    expect(response.status).toBe(200);
    expect(response.statusText).toContain('***');
    for (const text of [response.statusText, ...seen, ...lines]) {
      expect(text).not.toContain(encoded.slice(4, 24));
    }
  });

  it('is scrubbed from a streamed success, whose events still arrive', async () => {
    const result = await get('stream', { parseAs: 'stream' });
    expect(result.response.statusText).toBe('Echo *** here');
    const events = [];
    for await (const event of streamEvents(result as StreamedResult)) events.push(event.data);
    expect(events).toEqual(['one']);
  });
});
