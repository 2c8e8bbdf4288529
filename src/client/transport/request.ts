/**
 * What the retrying fetch receives from openapi-fetch, and its preparation once per call before
 * any attempt: the URL check, the Idempotency-Key, and the bytes to send again. Why a call can
 * arrive as `RequestParts` rather than a Request: docs/performance.md.
 */
import { assertKeySafeUrl } from '../policy/auth.ts';
import { type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import type { ResolvedOptions } from '../options.ts';
import { isRetryableRequest } from '../policy/idempotency.ts';
import { assertSendableHeaders } from '../options.ts';

/** The URL and init openapi-fetch built, kept unbuilt when only the retrying fetch will send them. */
export class RequestParts {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** The caller's `signal` option, if any. */
  readonly signal: AbortSignal | undefined;
  /** The init openapi-fetch built (method, headers, body, redirect, signal, ...). */
  readonly init: RequestInit;

  constructor(url: string, init: RequestInit & { headers: Headers; body?: string }) {
    this.url = url;
    this.method = init.method!;
    this.headers = init.headers;
    this.body = init.body ?? undefined;
    this.signal = init.signal ?? undefined;
    this.init = init;
  }
}

/**
 * openapi-fetch's `Request` option on the hot path (called with `new`): `RequestParts` for a
 * string body or none (sendable again as is), else a real Request (a stream or form is read once).
 */
export const PartsOrRequest = function (url: string, init: RequestInit): RequestParts | Request {
  return typeof init.body === 'string' || init.body == null
    ? new RequestParts(url, init as RequestInit & { headers: Headers; body?: string })
    : new Request(url, init);
} as unknown as typeof Request;

/**
 * openapi-fetch's `Request` option (called with `new`) when middleware is in play: a real Request
 * whose headers check a value that `onRequest` middleware sets or appends before Headers sees it.
 * Headers' own TypeError quotes the value (often a token) and names no header; this is the
 * `FeatherError` a call's own headers get (options.ts `assertSendableHeaders`). `where` names the call.
 */
export function headerCheckingRequest(where: string): typeof Request {
  const CheckingRequest = function (input: RequestInfo | URL, init?: RequestInit): Request {
    const request = new Request(input, init);
    const { headers } = request;
    for (const method of ['set', 'append'] as const) {
      const own = headers[method];
      // An own property on this one Headers object, shadowing its prototype's method.
      Object.defineProperty(headers, method, {
        configurable: true,
        writable: true,
        value: (name: string, value: string): void => {
          assertSendableHeaders([[name, value]], `${where}: onRequest middleware`);
          own.call(headers, name, value);
        },
      });
    }
    return request;
  };
  // openapi-fetch checks middleware's result with `instanceof` this option: any Request passes.
  CheckingRequest.prototype = Request.prototype;
  return CheckingRequest as unknown as typeof Request;
}

/**
 * A request's `redirect` mode, named through `RequestInit` (which Node's types declare) rather
 * than the DOM's `RequestRedirect`: this type reaches the package's .d.ts files, which a Node
 * app compiles without the DOM library.
 */
type RedirectMode = NonNullable<RequestInit['redirect']>;

/** A request ready for its attempts. */
export interface PreparedRequest {
  method: string;
  /** The parsed, checked URL. */
  url: string;
  /** The headers every attempt sends (the key is set on them per attempt). */
  headers: Headers;
  /** Set when openapi-fetch handed over parts: they are sent as they are, every attempt. */
  parts: RequestParts | undefined;
  /** Set when openapi-fetch handed over a Request. */
  request: Request | undefined;
  /** A Request's body bytes, being read: a retry or a 307/308 redirect sends them again. */
  body: Promise<ArrayBuffer> | undefined;
  /** The caller's `redirect` mode; attempts themselves are sent with 'manual' (common/redirect.ts). */
  redirect: RedirectMode;
  /** Whether a failed attempt may be sent again. */
  retryable: boolean;
  /** Follows the caller's `signal` option; aborts whichever attempt is running. */
  callerSignal: AbortSignal | undefined;
}

/**
 * Checks the URL (a `FeatherError` before anything is sent if it may not carry the key),
 * decides whether the request may be retried, and reads a body stream's bytes, which a retry
 * or a redirect may send again.
 */
export function prepareRequest(
  received: Request | RequestParts,
  call: CallState,
  options: ResolvedOptions,
): PreparedRequest {
  const { method, headers } = received;
  const parts = received instanceof RequestParts ? received : undefined;
  let { url } = received;
  if (!url.startsWith(options.keySafeUrlPrefix)) {
    // Parts hold the URL as given: parse it as openapi-fetch's own Request would have (a
    // TypeError if it cannot be), for the check and for messages.
    if (parts !== undefined) url = new Request(url, parts.init).url;
    assertKeySafeUrl(url, `${method} ${urlForMessages(url)}`);
  }
  call.method = method;
  call.url = url;
  // A POST is safe to repeat only by a key the operation declares (src/client/policy/idempotency.ts).
  const retryable = call.maxRetries > 0 && isRetryableRequest(method, call.safeToRepeat === true);
  const request = parts === undefined ? (received as Request) : undefined;
  const body = request !== undefined && request.body !== null ? request.arrayBuffer() : undefined;
  let redirect: RedirectMode;
  if (parts === undefined) redirect = request!.redirect;
  else {
    redirect = parts.init.redirect ?? 'follow';
    parts.init.redirect = 'manual'; // openapi-fetch's own init object, built for this call
  }
  // A Request's signal follows the caller's; parts carry the caller's own, or none. `endCall`
  // removes the listener, unless the body streams on (the caller can still cancel it).
  const callerSignal = parts === undefined ? request!.signal : parts.signal;
  call.callerSignal = callerSignal;
  if (callerSignal !== undefined) {
    call.onCallerAbort = () => call.controller?.abort(callerSignal.reason);
    callerSignal.addEventListener('abort', call.onCallerAbort, { once: true });
  }
  return { method, url, headers, parts, request, body, retryable, callerSignal, redirect };
}
