/**
 * A real HTTP server on 127.0.0.1 (port 0) that serves "the other side" of a drift check: a
 * spec, an HTTP error, or nothing at all (to time out). Nothing is mocked.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  body?: string;
  contentType?: string;
  /** Never answer: the client's timeout must fire. */
  hang?: boolean;
}

export interface SpecServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Headers of every request received, in order. */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  stop(): Promise<void>;
}

/** Serves `routes` (path -> answer); any other path is a 404. */
export async function startSpecServer(routes: Record<string, Route>): Promise<SpecServer> {
  const requests: SpecServer['requests'] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, headers: request.headers });
    const route = routes[path];
    if (route?.hang) return;
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response
      .writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'application/json' })
      .end(route.body ?? '');
  });
  // Node closes an idle keep-alive socket after 5 s; a client that spends longer between two
  // requests (a whole-API comparison on a busy machine) would meet ECONNRESET on reuse.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
