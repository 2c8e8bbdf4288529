/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch` (after openai-node's
 * `retryRequest`), under the middleware chain: middleware sees one request and one response
 * however many attempts it took. It prepares the request once (transport/request.ts), sends attempts
 * (transport/attempt.ts), and between them asks policy/retry.ts whether and how long to wait.
 */
import { currentApiKey } from '../policy/auth.ts';
import { userAbort, urlForMessages, type CallState } from './call.ts';
import { REQUEST_ID_HEADER } from '../constants.ts';
import { APIConnectionError, APIConnectionTimeoutError } from '../errors.ts';
import { sendAttempt } from './attempt.ts';
import type { ResolvedOptions } from '../options.ts';
import { prepareRequest, type RequestParts } from './request.ts';
import { scrubErrorResponse } from '../policy/secrets.ts';
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
    if (callerSignal?.aborted) throw userAbort(call);
    const key =
      typeof options.apiKey === 'string' ? options.apiKey : await currentApiKey(options.apiKey);
    logger.addSecret(key);
    if (!call.keys.includes(key)) call.keys.push(key);
    call.attempts = retriesSoFar + 1;
    const result = await sendAttempt(prepared, body, key, init, call, options);
    const limits = { retryable, retriesSoFar, maxRetries: call.maxRetries };

    let outcome: AttemptOutcome;
    let response: Response | undefined;
    if ('kind' in result) {
      outcome = result;
      if (!shouldRetry(outcome, limits)) {
        const where = { method, url: urlForMessages(url), attempts: call.attempts };
        const failure =
          outcome.kind === 'timeout'
            ? new APIConnectionTimeoutError({
                ...where,
                timeoutMs: call.timeoutMs,
                cause: result.error,
              })
            : new APIConnectionError({ ...where, cause: result.error });
        logger.info(failure.message); // the caller gets it: not louder than info
        throw failure;
      }
    } else {
      response = result;
      if (logger.enabled('debug')) {
        logger.debug(`${method} ${urlForMessages(url)} -> ${response.status}`, {
          requestId: response.headers.get(REQUEST_ID_HEADER),
        });
      }
      // The timer stays armed while openapi-fetch reads the body; `endCall` stops it.
      if (response.ok) return (call.response = response);
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
      throw userAbort(call, error);
    }
  }
}

/** The error response handed on: a copy without the keys, should the server echo one. */
async function finalError(response: Response, call: CallState): Promise<Response> {
  call.response = response; // while its body is read, for `toFeatherError`
  return (call.response = await scrubErrorResponse(response, call.keys));
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
