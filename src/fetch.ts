/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch`, under the middleware chain:
 * middleware sees one request and one response however many attempts it took. Per attempt it
 * sets `x-api-key`, bounds the attempt with `timeoutMs` and follows the caller's signal; between
 * attempts it asks src/retry.ts whether and how long to wait.
 *
 * The hot path (a first attempt that succeeds) adds one AbortController, one timer and one
 * listener to bare openapi-fetch: no Request clone, no `AbortSignal.any`. A request body is read
 * into memory only when the request may be retried, so that every attempt sends the same bytes.
 */
import { assertKeySafeUrl, currentApiKey } from './auth.ts';
import { API_KEY_HEADER, IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER } from './constants.ts';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIResponseParseError,
  APIUserAbortError,
  FeatherError,
} from './errors.ts';
import { redactHeaders } from './logger.ts';
import { checkCount, checkDuration, type FetchLike, type ResolvedOptions } from './options.ts';
import { isRetryableRequest, retryDelayMs, shouldRetry, type AttemptOutcome } from './retry.ts';

/** One call through the client: its limits, and what its attempts found (read by `toFeatherError`). */
export interface CallState {
  maxRetries: number;
  timeoutMs: number;
  fetch: FetchLike;
  /** Attempts made so far. */
  attempts: number;
  /** The caller's signal, as carried by the request. */
  signal?: AbortSignal;
  /** Method and URL of the request, once sent. */
  method?: string;
  url?: string;
  /** The response handed to openapi-fetch. */
  response?: Response;
  /** The running attempt's timer; it also bounds openapi-fetch's read of the body. */
  timer?: ReturnType<typeof setTimeout>;
  timedOut: boolean;
}

/** A fresh call state with the client's limits, overridden per request where given. */
export function newCallState(
  options: ResolvedOptions,
  overrides: { maxRetries?: unknown; timeoutMs?: unknown; fetch?: unknown },
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

/**
 * Sends `request` until it succeeds, fails for good or runs out of retries. Resolves with the
 * last response (an HTTP error included: openapi-fetch turns it into `{ error, response }`);
 * rejects with `APIConnectionError`/`APIConnectionTimeoutError` after the last failed attempt,
 * `APIUserAbortError` when the caller's signal fires, or a `FeatherError` for an unsafe URL or
 * unusable key (before anything is sent).
 */
export async function sendWithRetries(
  request: Request,
  init: RequestInit | undefined,
  call: CallState,
  options: ResolvedOptions,
): Promise<Response> {
  const { method, headers, signal } = request;
  call.method = method;
  call.url = request.url;
  call.signal = signal;
  assertKeySafeUrl(request.url, `${method} ${urlForMessages(request.url)}`);
  if (options.autoIdempotencyKey && !isRetryableRequest(method, false)) {
    if (!headers.has(IDEMPOTENCY_KEY_HEADER))
      headers.set(IDEMPOTENCY_KEY_HEADER, newIdempotencyKey());
  }
  const retryable =
    call.maxRetries > 0 && isRetryableRequest(method, headers.has(IDEMPOTENCY_KEY_HEADER));
  // A body stream can be sent once; keep the bytes when a second attempt may need them.
  const body = retryable && request.body !== null ? await request.arrayBuffer() : undefined;
  const { logger } = options;

  for (let retriesSoFar = 0; ; retriesSoFar++) {
    if (signal.aborted) throw userAbort(call);
    const key =
      typeof options.apiKey === 'string' ? options.apiKey : await currentApiKey(options.apiKey);
    logger.addSecret(key);
    const attempt = body === undefined ? request : new Request(request, { body });
    attempt.headers.set(API_KEY_HEADER, key);
    call.attempts = retriesSoFar + 1;
    if (logger.enabled('debug')) {
      logger.debug(
        `${method} ${urlForMessages(request.url)} attempt ${call.attempts} of ${retryable ? call.maxRetries + 1 : 1}`,
        {
          headers: redactHeaders(attempt.headers),
        },
      );
    }

    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onCallerAbort, { once: true });
    call.timedOut = false;
    if (call.timeoutMs > 0 && call.timeoutMs !== Infinity) {
      call.timer = setTimeout(() => {
        call.timedOut = true;
        controller.abort(
          new DOMException(`attempt timed out after ${call.timeoutMs} ms`, 'TimeoutError'),
        );
      }, call.timeoutMs);
    }
    const endAttempt = (): void => {
      clearTimeout(call.timer);
      signal.removeEventListener('abort', onCallerAbort);
    };

    let outcome: AttemptOutcome;
    let response: Response | undefined;
    try {
      response = await call.fetch(
        attempt,
        init ? { ...init, signal: controller.signal } : { signal: controller.signal },
      );
    } catch (error) {
      endAttempt();
      if (signal.aborted) throw userAbort(call, error);
      outcome = call.timedOut ? { kind: 'timeout' } : { kind: 'connection-error' };
      if (!shouldRetry(outcome, { retryable, retriesSoFar, maxRetries: call.maxRetries })) {
        const where = {
          method,
          url: urlForMessages(request.url),
          attempts: call.attempts,
          cause: error,
        };
        const failure =
          outcome.kind === 'timeout'
            ? new APIConnectionTimeoutError({ ...where, timeoutMs: call.timeoutMs })
            : new APIConnectionError(where);
        logger.error(failure.message);
        throw failure;
      }
    } finally {
      // Middleware (onResponse/onError) sees the request openapi-fetch built: without the key.
      if (attempt === request) request.headers.delete(API_KEY_HEADER);
    }

    if (response !== undefined) {
      if (logger.enabled('debug')) {
        logger.debug(`${method} ${urlForMessages(request.url)} -> ${response.status}`, {
          requestId: response.headers.get(REQUEST_ID_HEADER),
        });
      }
      // The timer and the caller's signal stay armed while openapi-fetch reads the body.
      if (response.ok) return (call.response = response);
      outcome = { kind: 'response', status: response.status, headers: response.headers };
      if (!shouldRetry(outcome, { retryable, retriesSoFar, maxRetries: call.maxRetries })) {
        if (retriesSoFar > 0) {
          logger.warn(
            `${method} ${urlForMessages(request.url)}: ${response.status} after ${call.attempts} attempts`,
          );
        }
        return (call.response = response);
      }
    }

    const delayMs = retryDelayMs(retriesSoFar + 1, response?.headers, options);
    if (delayMs === undefined) {
      logger.warn(
        `${method} ${urlForMessages(request.url)}: ${response?.status} asks to retry after more ` +
          `than maxRetryAfterMs (${options.maxRetryAfterMs} ms); returning it without retrying`,
      );
      return (call.response = response!);
    }
    if (response !== undefined) {
      endAttempt();
      // Free the connection: nobody will read this body.
      response.body?.cancel().catch(() => undefined);
    }
    logger.info(
      `${method} ${urlForMessages(request.url)}: ${describeOutcome(outcome!)}, retrying in ` +
        `${delayMs} ms (attempt ${call.attempts + 1} of ${call.maxRetries + 1})`,
    );
    try {
      await sleep(delayMs, signal);
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
  if (call.signal?.aborted) return new APIUserAbortError({ ...where, cause: call.signal.reason });
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
    cause: call.signal?.aborted ? call.signal.reason : cause,
  });
}

function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'response') return String(outcome.status);
  return outcome.kind === 'timeout' ? 'timed out' : 'connection failed';
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
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

/** A random UUID v4, from Web Crypto (`randomUUID` needs a secure context in browsers). */
function newIdempotencyKey(): string {
  const { crypto } = globalThis;
  if (typeof crypto.randomUUID === 'function') return `feather-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `feather-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
