/**
 * A real HTTP server on 127.0.0.1 that misbehaves on purpose: each incoming request gets the
 * next scripted reply (the last one repeats), and every request is recorded with its headers,
 * body and arrival time. Nothing is mocked: the client talks to it over TCP.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type Reply =
  /** Answer with this status, headers and body (an object is sent as JSON), after `delayMs`. */
  | {
      status?: number;
      headers?: Record<string, string>;
      body?: unknown;
      delayMs?: number;
    }
  /** Never answer (the client's timeout or signal must end it). */
  | { hang: true }
  /** Close the connection without answering. */
  | { destroy: true }
  /** Send status and headers, then never finish the body. */
  | { stallBody: true; status?: number };

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the request arrived. */
  atMs: number;
}

export interface LoopbackServer {
  /** `http://<host>:<port>`, 127.0.0.1 unless another loopback host was asked for */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server on a free port of `host` (Linux routes all of 127.0.0.0/8 to lo, so
 * 127.0.0.2 is another origin on the same machine); `replies[i]` answers the i-th request (the
 * last repeats).
 */
export async function startLoopbackServer(
  replies: Reply[] | ((request: RecordedRequest, index: number) => Reply),
  host = '127.0.0.1',
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        atMs: performance.now(),
      };
      const index = requests.push(recorded) - 1;
      const reply =
        typeof replies === 'function'
          ? replies(recorded, index)
          : (replies[Math.min(index, replies.length - 1)] ?? {});
      answer(reply, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(reply: Reply, res: ServerResponse): void {
  if ('hang' in reply) return;
  if ('destroy' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('stallBody' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.write('{"partial":');
    return;
  }
  const send = (): void => {
    const isText = typeof reply.body === 'string';
    const text =
      reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, {
      'content-length': String(Buffer.byteLength(text)),
      ...(reply.body === undefined || isText ? {} : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    res.end(text);
  };
  if (reply.delayMs) setTimeout(send, reply.delayMs);
  else send();
}
