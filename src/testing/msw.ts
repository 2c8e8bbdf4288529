/**
 * @featherhq/api-client/testing/msw: the mock's handlers for MSW 2 (`setupServer` in Node,
 * `setupWorker` in browsers), for apps whose tests already run MSW. One catch-all handler per
 * mock: handlers registered with `mock.on` later (per test) are answered too, and a request no
 * handler takes passes on to MSW's other handlers and its `onUnhandledRequest`.
 */
import { http, type HttpHandler } from 'msw';
import type { FeatherMock } from './mock.ts';

/** MSW handlers answering from `mock`: `setupServer(...mswHandlers(mock))`. */
export function mswHandlers(mock: FeatherMock): HttpHandler[] {
  return [http.all(`${mock.baseUrl}/*`, ({ request }) => mock.handle(request))];
}
