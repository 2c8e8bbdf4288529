/**
 * What the retrying fetch (transport/fetch.ts) does after an attempt that did not succeed: a
 * connection failure, a timeout or an HTTP error. It asks policy/retry.ts whether and how long to
 * wait, and either waits (the loop tries again), hands on the final error response (read within
 * its bound, the keys scrubbed), or throws the client's error. Imported on the first failed
 * attempt: a call that succeeds at once loads none of this (docs/performance.md).
 */
import { failWith, type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import { userAbort } from './call-errors.ts';
import { DEEP_ERROR_BODIES } from './call-context.ts';
import { limitBody } from './body-limit.ts';
import { MAX_ERROR_BODY_DEPTH } from '../constants.ts';
import { APIConnectionError, APIConnectionTimeoutError } from '../errors.ts';
import type { ResolvedOptions } from '../options.ts';
import type { AttemptFailure } from './attempt.ts';
import type { PreparedRequest } from './request.ts';
import { scrubErrorBody, scrubErrorChain, scrubErrorResponse } from '../policy/error-secrets.ts';
import { errorBodyHints, type ErrorBodyHints } from '../policy/error-hints.ts';
import { readBytesWithin } from '../../../common/read-bounded.ts';
import { retryDelayMs, shouldRetry, type AttemptOutcome } from '../policy/retry.ts';

/** What an error body's retry hints are read from: Feather's `ErrorResponse` is a few hundred bytes. */
export const ERROR_HINTS_PREFIX_BYTES = 64 * 1024;

/**
 * After the failed attempt `result` (retry number `retriesSoFar` of the call): resolves with the
 * response to hand on when it is final, or with `undefined` once the wait before the next attempt
 * is over; rejects with `APIConnectionError`/`APIConnectionTimeoutError` after the last failed
 * attempt, or `APIUserAbortError` when the caller's signal fires during the wait.
 */
export async function afterFailedAttempt(
  result: Response | AttemptFailure,
  prepared: PreparedRequest,
  retriesSoFar: number,
  call: CallState,
  options: ResolvedOptions,
): Promise<Response | undefined> {
  const { method, url, retryable, callerSignal } = prepared;
  const { logger } = options;
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
    response = result;
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
  return undefined;
}

/**
 * The error response handed on: read within `maxResponseBytes`, and a copy without the keys,
 * should the server echo one. A body nested deeper than `MAX_ERROR_BODY_DEPTH` is kept as text
 * for `unwrap` (its JSON would overflow the stack of whatever walks it).
 */
async function finalError(response: Response, call: CallState): Promise<Response> {
  call.response = response; // while its body is read, for `toFeatherError`
  const text = await Promise.resolve(limitBody(response, call.maxResponseBytes, call))
    .then((limited) => limited.text())
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

/**
 * The first `limitBytes` of a body as text, read from a clone (the original stays whole for
 * openapi-fetch), or `undefined` when the body is longer: a prefix of JSON does not parse.
 */
export async function readPrefix(
  response: Response,
  limitBytes: number,
): Promise<string | undefined> {
  const reader = response.clone().body?.getReader();
  if (reader === undefined) return '';
  try {
    const bytes = await readBytesWithin(reader, limitBytes);
    return bytes && new TextDecoder().decode(bytes);
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
