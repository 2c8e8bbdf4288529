/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch` (after openai-node's
 * `retryRequest`), under the middleware chain: middleware sees one request and one response
 * however many attempts it took. It prepares the request once (transport/request.ts), sends attempts
 * (transport/attempt.ts), and between them asks policy/retry.ts whether and how long to wait.
 */
import { currentApiKey, type ApiKeySource } from '../policy/auth.ts';
import { ERROR_HINTS_PREFIX_BYTES, headerFacts, limitBody, readPrefix } from './body-limit.ts';
import { failWith, userAbort, urlForMessages, type CallState } from './call.ts';
import { DEEP_ERROR_BODIES } from './call-context.ts';
import { MAX_ERROR_BODY_DEPTH, REQUEST_ID_HEADER } from '../constants.ts';
import { APIConnectionError, APIConnectionTimeoutError } from '../errors.ts';
import { sendAttempt } from './attempt.ts';
import type { ResolvedOptions } from '../options.ts';
import { prepareRequest, type RequestParts } from './request.ts';
import {
  holdsSecret,
  scrubErrorBody,
  scrubErrorResponse,
  scrubErrorChain,
  scrubResponseUrl,
  scrubSuccessHeaders,
} from '../policy/secrets.ts';
import {
  errorBodyHints,
  retryDelayMs,
  shouldRetry,
  type AttemptOutcome,
  type ErrorBodyHints,
} from '../policy/retry.ts';

/**
 * Sends `received` until it succeeds, fails for good or runs out of retries. Resolves with the
 * last response (an HTTP error included: openapi-fetch turns it into `{ error, response }`);
 * rejects with `APIConnectionError`/`APIConnectionTimeoutError` after the last failed attempt,
 * `APIUserAbortError` when the caller's signal fires, or a `FeatherError` for an unsafe URL or
 * unusable key (before anything is sent).
 */
export async function sendWithRetries(
  received: Request | RequestParts,
  init: RequestInit | undefined,
  call: CallState,
  options: ResolvedOptions,
): Promise<Response> {
  const prepared = prepareRequest(received, call, options);
  const body = prepared.body === undefined ? undefined : await prepared.body;
  const { method, url, retryable, callerSignal } = prepared;
  const { logger } = options;

  for (let retriesSoFar = 0; ; retriesSoFar++) {
    if (callerSignal?.aborted) throw failWith(call, callerSignal.reason, userAbort(call));
    call.attempts = retriesSoFar + 1;
    let key: string;
    let spentMs = 0;
    if (typeof options.apiKey === 'string') key = options.apiKey;
    else {
      const lookupStartMs = performance.now();
      key = await apiKeyWithin(options.apiKey, call, callerSignal);
      spentMs = performance.now() - lookupStartMs;
    }
    logger.addSecret(key);
    if (!call.keys.includes(key)) call.keys.push(key);
    const result = await sendAttempt(prepared, body, key, init, call, options, spentMs);
    const limits = { retryable, retriesSoFar, maxRetries: call.maxRetries };

    let outcome: AttemptOutcome;
    let response: Response | undefined;
    if ('kind' in result) {
      outcome = result;
      if (!shouldRetry(outcome, limits)) {
        const where = { method, url: urlForMessages(url), attempts: call.attempts };
        // Scrubbed in place down its cause chain, the fetch's own error included: undici's
        // parser error quotes the raw bytes of a malformed response, which may echo the key.
        const failure = scrubErrorChain(
          outcome.kind === 'timeout'
            ? new APIConnectionTimeoutError({
                ...where,
                timeoutMs: call.timeoutMs,
                cause: result.error,
              })
            : new APIConnectionError({ ...where, cause: result.error }),
          call.keys,
        );
        logger.info(failure.message); // the caller gets it: not louder than info
        // `onError` middleware sees what the fetch threw; the caller gets `failure` (src/client.ts).
        throw failWith(call, result.error, failure);
      }
    } else {
      // Before anyone sees it (the result, middleware, unwrap, streams): a same-origin redirect
      // may have put the key in its URL.
      response = scrubResponseUrl(result, call.keys);
      if (logger.enabled('debug')) {
        logger.debug(`${method} ${urlForMessages(url)} -> ${response.status}`, {
          requestId: response.headers.get(REQUEST_ID_HEADER),
        });
      }
      // The timer stays armed while openapi-fetch reads the body; `endCall` stops it. A streamed
      // body is the caller's to read (`streamEvents` bounds each event).
      if (response.ok) {
        const facts = headerFacts(response.headers, call.keys);
        // A status text echoing the key (`200 sk_live_...`) is scrubbed with the headers.
        if (facts.holdsSecret || holdsSecret(response.statusText, call.keys)) {
          response = scrubSuccessHeaders(response, call.keys);
        }
        if (!call.streams) response = limitBody(response, call.maxResponseBytes, call, facts);
        return (call.response = response);
      }
      outcome = { kind: 'response', status: response.status, headers: response.headers };
      // Feather's error body says `retryable` and `retry_after`: read from a copy, and only
      // when a retry is still possible (openapi-fetch reads the original).
      if (retryable && retriesSoFar < call.maxRetries) outcome.hints = await errorHints(response);
      if (!shouldRetry(outcome, limits)) {
        if (retriesSoFar > 0) {
          logger.info(
            `${method} ${urlForMessages(url)}: ${response.status} after ${call.attempts} attempts`,
          );
        }
        return finalError(response, call);
      }
    }

    const bodyRetryAfterMs = outcome.kind === 'response' ? outcome.hints?.retryAfterMs : undefined;
    const delayMs = retryDelayMs({
      retryNumber: retriesSoFar + 1,
      headers: response?.headers,
      bodyRetryAfterMs,
      policy: options,
    });
    if (delayMs === undefined) {
      // warn: the caller sees the status, not that a retry was declined.
      logger.warn(
        `${method} ${urlForMessages(url)}: ${response?.status} asks to retry after more ` +
          `than maxRetryAfterMs (${options.maxRetryAfterMs} ms); returning it without retrying`,
      );
      return finalError(response!, call);
    }
    if (response !== undefined) {
      clearTimeout(call.timer);
      // Free the connection: nobody will read this body.
      response.body?.cancel().catch(() => undefined);
    }
    logger.info(
      `${method} ${urlForMessages(url)}: ${describeOutcome(outcome)}, retrying in ` +
        `${delayMs} ms (attempt ${call.attempts + 1} of ${call.maxRetries + 1})`,
    );
    try {
      await sleep(delayMs, callerSignal);
    } catch (error) {
      throw failWith(call, error, userAbort(call, error));
    }
  }
}

/**
 * The error response handed on: read within `maxResponseBytes`, and a copy without the keys,
 * should the server echo one. A body nested deeper than `MAX_ERROR_BODY_DEPTH` is kept as text
 * for `unwrap` (its JSON would overflow the stack of whatever walks it).
 */
async function finalError(response: Response, call: CallState): Promise<Response> {
  call.response = response; // while its body is read, for `toFeatherError`
  const text = await limitBody(response, call.maxResponseBytes, call)
    .text()
    .catch((error: unknown) => {
      throw scrubErrorChain(error, call.keys); // a malformed chunk: its parser error quotes the bytes
    });
  const copy = scrubErrorResponse(response, text, call.keys);
  if (nestsDeeperThan(text, MAX_ERROR_BODY_DEPTH)) {
    DEEP_ERROR_BODIES.set(copy, scrubErrorBody(text, call.keys));
  }
  return (call.response = copy);
}

/** True when a JSON text opens more than `max` arrays or objects at once (a linear scan). */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false; // too short to close that many
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/**
 * The current key from a rotating-key function, within the attempt's time bound and the
 * caller's signal: a lookup that never settles ends in `APIConnectionTimeoutError` (nothing
 * sent, not retried) or `APIUserAbortError`.
 */
function apiKeyWithin(
  source: ApiKeySource,
  call: CallState,
  signal: AbortSignal | undefined,
): Promise<string> {
  const lookup = currentApiKey(source);
  const bounded = call.timeoutMs > 0 && call.timeoutMs !== Infinity;
  if (!bounded && signal === undefined) return lookup;
  return new Promise((resolve, reject) => {
    const where = { method: call.method!, url: urlForMessages(call.url!), attempts: call.attempts };
    const timer = bounded
      ? setTimeout(() => {
          finish();
          reject(
            new APIConnectionTimeoutError(
              { ...where, timeoutMs: call.timeoutMs },
              `${where.method} ${where.url}: the apiKey function did not return within timeoutMs ` +
                `(${call.timeoutMs} ms); nothing was sent`,
            ),
          );
        }, call.timeoutMs)
      : undefined;
    const onAbort = (): void => {
      finish();
      reject(failWith(call, signal!.reason, userAbort(call)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    lookup.then(
      (key) => {
        finish();
        resolve(key);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
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

/**
 * The retry hints of a JSON error body, read from a clone and only as far as
 * `ERROR_HINTS_PREFIX_BYTES`: a longer body (or one that is not JSON) gives `{}`.
 */
async function errorHints(response: Response): Promise<ErrorBodyHints> {
  if (!response.headers.get('content-type')?.includes('json')) return {};
  const text = await readPrefix(response, ERROR_HINTS_PREFIX_BYTES).catch(() => undefined);
  if (text === undefined) return {};
  try {
    return errorBodyHints(JSON.parse(text));
  } catch {
    return {};
  }
}
