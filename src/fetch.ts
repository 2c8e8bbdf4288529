/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch`, under the middleware chain:
 * middleware sees one request and one response however many attempts it took. Per attempt it
 * sets `x-api-key` and bounds the attempt with `timeoutMs`; between attempts it asks
 * src/retry.ts whether and how long to wait.
 *
 * The hot path (no middleware, the default fetch, a first attempt that succeeds) builds one
 * Request, not two: openapi-fetch builds `RequestParts` instead of a Request (its `Request`
 * option), and undici builds the one real Request from the URL and init. With middleware or a
 * custom fetch, openapi-fetch's Request is sent as `fetch(request, { signal })`, which costs
 * undici the same one Request copy as `fetch(request)`. Putting the signal into the Request that
 * openapi-fetch builds instead, or `AbortSignal.any`, costs an extra signal link per request
 * (measured with scripts/bench/client.ts). A new Request is built only to re-send a body.
 * The AbortController for `timeoutMs` is most of what the client adds to a request (undici's
 * Request follows its signal: a WeakRef, a listener, a finalizer); without a time bound, the
 * hot path has none.
 */
import { assertKeySafeUrl, currentApiKey } from './auth.ts';
import { API_KEY_HEADER, REQUEST_ID_HEADER } from './constants.ts';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIResponseParseError,
  APIUserAbortError,
  FeatherError,
} from './errors.ts';
import { redactHeaders } from './logger.ts';
import { checkCount, checkDuration, type FetchLike, type ResolvedOptions } from './options.ts';
import {
  errorBodyHints,
  isRetryableRequest,
  retryDelayMs,
  shouldRetry,
  type AttemptOutcome,
  type ErrorBodyHints,
} from './retry.ts';

/** One call through the client: its limits, and what its attempts found (read by `toFeatherError`). */
export interface CallState {
  maxRetries: number;
  timeoutMs: number;
  fetch: FetchLike;
  /** The request's own signal, which follows the caller's `signal` option. */
  callerSignal?: AbortSignal;
  /** Aborts the running attempt (timeout or caller); replaced after it fired. */
  controller?: AbortController;
  /** Attempts made so far. */
  attempts: number;
  /** Method and URL of the request, once sent. */
  method?: string;
  url?: string;
  /** The response handed to openapi-fetch. */
  response?: Response;
  /** The running attempt's timer; it also bounds openapi-fetch's read of the body. */
  timer?: ReturnType<typeof setTimeout>;
  timedOut: boolean;
  /** The request is safe to repeat though its method is not (src/idempotency.ts). */
  safeToRepeat?: boolean;
}

/**
 * What openapi-fetch builds, through its `Request` option, when nothing but the retrying fetch
 * will see the request (no middleware, the default fetch): the URL and init as given. undici
 * copies a Request it is handed, so a real one here would be built twice per call; from these
 * parts it builds one. Only a string body (or none) is kept this way: it can be sent again as is.
 */
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
 * string body or none, else a real Request (a stream or form is read once, as a Request).
 */
export const PartsOrRequest = function (url: string, init: RequestInit): RequestParts | Request {
  return typeof init.body === 'string' || init.body == null
    ? new RequestParts(url, init as RequestInit & { headers: Headers; body?: string })
    : new Request(url, init);
} as unknown as typeof Request;

/** A call with the client's limits, overridden per request where given. */
export function startCall(
  options: ResolvedOptions,
  overrides: { maxRetries?: unknown; timeoutMs?: unknown; fetch?: unknown; [key: string]: unknown },
): CallState {
  const { maxRetries, timeoutMs, fetch } = overrides;
  return {
    maxRetries:
      maxRetries === undefined
        ? options.maxRetries
        : checkCount(maxRetries as number, 'maxRetries'),
    timeoutMs:
      timeoutMs === undefined ? options.timeoutMs : checkDuration(timeoutMs as number, 'timeoutMs'),
    fetch: typeof fetch === 'function' ? (fetch as FetchLike) : options.fetch,
    attempts: 0,
    timedOut: false,
  };
}

/** Ends a call once openapi-fetch has read the body: the attempt's timer stops. */
export function endCall(call: CallState): void {
  clearTimeout(call.timer);
}

/**
 * Sends `request` until it succeeds, fails for good or runs out of retries. Resolves with the
 * last response (an HTTP error included: openapi-fetch turns it into `{ error, response }`);
 * rejects with `APIConnectionError`/`APIConnectionTimeoutError` after the last failed attempt,
 * `APIUserAbortError` when the caller's signal fires, or a `FeatherError` for an unsafe URL or
 * unusable key (before anything is sent).
 */
export async function sendWithRetries(
  request: Request | RequestParts,
  init: RequestInit | undefined,
  call: CallState,
  options: ResolvedOptions,
): Promise<Response> {
  const { method, headers } = request;
  let { url } = request;
  if (!url.startsWith(options.keySafeUrlPrefix)) {
    // Parts hold the URL as given: parse it as openapi-fetch's own Request would have (a
    // TypeError if it cannot be), for the check and for messages.
    if (request instanceof RequestParts) url = new Request(url, request.init).url;
    assertKeySafeUrl(url, `${method} ${urlForMessages(url)}`);
  }
  call.method = method;
  call.url = url;
  const retryable = call.maxRetries > 0 && isRetryableRequest(method, call.safeToRepeat === true);
  const parts = request instanceof RequestParts ? request : undefined;
  // A body stream can be sent once; keep the bytes when a second attempt may need them.
  const body =
    parts === undefined && retryable && (request as Request).body !== null
      ? await (request as Request).arrayBuffer()
      : undefined;
  const { logger } = options;

  // A Request's signal follows the caller's; it aborts whichever attempt is running. The
  // listener stays (the signal dies with the request) so that a streamed body can be cancelled.
  // Parts carry the caller's signal itself, or none: then nothing can abort but the timeout.
  const callerSignal = parts === undefined ? request.signal : parts.signal;
  call.callerSignal = callerSignal;
  callerSignal?.addEventListener('abort', () => call.controller?.abort(callerSignal.reason), {
    once: true,
  });

  const bounded = call.timeoutMs > 0 && call.timeoutMs !== Infinity;
  // Parts with no time bound need no controller: fetch gets the caller's signal, or none.
  const controlled = bounded || parts === undefined;
  for (let retriesSoFar = 0; ; retriesSoFar++) {
    if (callerSignal?.aborted) throw userAbort(call);
    const key =
      typeof options.apiKey === 'string' ? options.apiKey : await currentApiKey(options.apiKey);
    logger.addSecret(key);
    if (controlled && (call.controller === undefined || call.controller.signal.aborted)) {
      call.controller = new AbortController(); // the first attempt, or the one after a timeout
    }
    const attempt =
      parts ??
      (body === undefined ? (request as Request) : new Request(request as Request, { body }));
    attempt.headers.set(API_KEY_HEADER, key);
    call.attempts = retriesSoFar + 1;
    if (logger.enabled('debug')) {
      logger.debug(
        `${method} ${urlForMessages(url)} attempt ${call.attempts} of ${retryable ? call.maxRetries + 1 : 1}`,
        { headers: redactHeaders(attempt.headers) },
      );
    }

    call.timedOut = false;
    if (bounded) {
      const controller = call.controller!;
      const { timeoutMs } = call;
      call.timer = setTimeout(() => {
        call.timedOut = true;
        controller.abort(
          new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'),
        );
      }, timeoutMs);
    }

    let outcome: AttemptOutcome;
    let response: Response | undefined;
    try {
      if (parts !== undefined) {
        // openapi-fetch's own init object, built for this call
        if (controlled) parts.init.signal = call.controller!.signal;
        response = await globalThis.fetch(
          parts.url,
          init ? { ...parts.init, ...init } : parts.init,
        );
      } else {
        // Called bare, not as `call.fetch(...)`: a browser's `window.fetch` refuses another `this`.
        const fetchAttempt = call.fetch;
        const { signal } = call.controller!;
        response = await fetchAttempt(attempt as Request, init ? { ...init, signal } : { signal });
      }
    } catch (error) {
      clearTimeout(call.timer);
      if (callerSignal?.aborted) throw userAbort(call, error);
      // What openapi-fetch's own `new Request` would have thrown (a GET with a body, a bad
      // option): thrown as it is, not retried as a connection failure.
      if (parts !== undefined && !call.timedOut) new Request(parts.url, parts.init);
      outcome = call.timedOut ? { kind: 'timeout' } : { kind: 'connection-error' };
      if (!shouldRetry(outcome, { retryable, retriesSoFar, maxRetries: call.maxRetries })) {
        const where = { method, url: urlForMessages(url), attempts: call.attempts, cause: error };
        const failure =
          outcome.kind === 'timeout'
            ? new APIConnectionTimeoutError({ ...where, timeoutMs: call.timeoutMs })
            : new APIConnectionError(where);
        logger.info(failure.message); // the caller gets it: not louder than info
        throw failure;
      }
    } finally {
      // Middleware (onResponse/onError) sees the request openapi-fetch built: without the key.
      if (attempt === request) headers.delete(API_KEY_HEADER);
    }

    if (response !== undefined) {
      if (logger.enabled('debug')) {
        logger.debug(`${method} ${urlForMessages(url)} -> ${response.status}`, {
          requestId: response.headers.get(REQUEST_ID_HEADER),
        });
      }
      // The timer stays armed while openapi-fetch reads the body; `endCall` stops it.
      if (response.ok) return (call.response = response);
      outcome = { kind: 'response', status: response.status, headers: response.headers };
      // Feather's error body says `retryable` and `retry_after`: read it from a copy only when
      // a retry is still possible (openapi-fetch reads the original).
      if (retryable && retriesSoFar < call.maxRetries) outcome.hints = await errorHints(response);
      if (!shouldRetry(outcome, { retryable, retriesSoFar, maxRetries: call.maxRetries })) {
        if (retriesSoFar > 0) {
          logger.info(
            `${method} ${urlForMessages(url)}: ${response.status} after ${call.attempts} attempts`,
          );
        }
        return (call.response = response);
      }
    }

    const delayMs = retryDelayMs(
      retriesSoFar + 1,
      response?.headers,
      options,
      undefined,
      undefined,
      outcome!.kind === 'response' ? outcome!.hints?.retryAfterMs : undefined,
    );
    if (delayMs === undefined) {
      // warn: the caller sees the status, not that a retry was declined.
      logger.warn(
        `${method} ${urlForMessages(url)}: ${response?.status} asks to retry after more ` +
          `than maxRetryAfterMs (${options.maxRetryAfterMs} ms); returning it without retrying`,
      );
      return (call.response = response!);
    }
    if (response !== undefined) {
      clearTimeout(call.timer);
      // Free the connection: nobody will read this body.
      response.body?.cancel().catch(() => undefined);
    }
    logger.info(
      `${method} ${urlForMessages(url)}: ${describeOutcome(outcome!)}, retrying in ` +
        `${delayMs} ms (attempt ${call.attempts + 1} of ${call.maxRetries + 1})`,
    );
    try {
      await sleep(delayMs, callerSignal);
    } catch (error) {
      throw userAbort(call, error);
    }
  }
}

/**
 * Turns what openapi-fetch rejected with into the client's errors: a timeout or caller abort
 * while the body was read, a success body that is not JSON, a connection cut mid-body. Errors
 * the client did not cause (from middleware, say) pass through unchanged.
 */
export function toFeatherError(error: unknown, call: CallState): unknown {
  if (error instanceof FeatherError || call.method === undefined || call.url === undefined) {
    return error;
  }
  const where = { method: call.method, url: urlForMessages(call.url) };
  if (call.callerSignal?.aborted) {
    return new APIUserAbortError({ ...where, cause: call.callerSignal.reason });
  }
  if (call.timedOut) {
    return new APIConnectionTimeoutError({
      ...where,
      attempts: call.attempts,
      timeoutMs: call.timeoutMs,
      cause: error,
    });
  }
  if (call.response === undefined) return error;
  if (error instanceof SyntaxError) {
    return new APIResponseParseError({ ...where, response: call.response, cause: error });
  }
  if (error instanceof TypeError) {
    return new APIConnectionError({ ...where, attempts: call.attempts, cause: error });
  }
  return error;
}

/** Origin and path: query strings stay out of messages and logs. */
export function urlForMessages(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

function userAbort(call: CallState, cause?: unknown): APIUserAbortError {
  return new APIUserAbortError({
    method: call.method ?? 'request',
    url: urlForMessages(call.url ?? ''),
    cause: call.callerSignal?.aborted ? call.callerSignal.reason : cause,
  });
}

function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'response') return String(outcome.status);
  return outcome.kind === 'timeout' ? 'timed out' : 'connection failed';
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal === undefined) return void setTimeout(resolve, ms);
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The retry hints of a JSON error body, read from a clone; `{}` when it is not JSON. */
async function errorHints(response: Response): Promise<ErrorBodyHints> {
  if (!response.headers.get('content-type')?.includes('json')) return {};
  return errorBodyHints(
    await response
      .clone()
      .json()
      .catch(() => undefined),
  );
}
