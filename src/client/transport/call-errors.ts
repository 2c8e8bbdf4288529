/**
 * The client's errors for a call that failed (transport/call.ts holds its state): imported on the
 * first failure, with the error classes (src/client/errors.ts), so that a call that succeeds loads
 * neither (docs/performance.md).
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIResponseParseError,
  APIUserAbortError,
} from '../errors.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { scrubErrorChain } from '../policy/error-secrets.ts';
import { type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';

/**
 * Turns what openapi-fetch rejected with into the client's errors: a timeout or caller abort
 * while the body was read, a success body that is not JSON, a connection cut mid-body. Errors
 * the client did not cause (from middleware, say) pass through, with the call's secrets scrubbed.
 */
export function toFeatherError(error: unknown, call: CallState, apiKey?: string): unknown {
  // Whatever passes out, the user's own too (middleware that built a Request from a header value
  // fetch cannot send gets Headers' TypeError, which quotes the value), has the call's secrets
  // scrubbed: the keys it sent, the credentials in its headers and the client's own key, which
  // is not among the keys sent when the call failed before its first attempt.
  const secrets =
    apiKey === undefined || call.keys.includes(apiKey) ? call.keys : [apiKey, ...call.keys];
  return scrubErrorChain(typedError(error, call), secrets);
}

function typedError(error: unknown, call: CallState): unknown {
  // The transport failed: its error, unless `onError` middleware replaced it (passed on as is).
  if (call.failure !== undefined) {
    return error === call.failure.raw || error === call.failure.typed ? call.failure.typed : error;
  }
  if (error instanceof FeatherError || call.method === undefined || call.url === undefined) {
    return error;
  }
  const where = { method: call.method, url: urlForMessages(call.url) };
  if (call.callerSignal?.aborted) {
    return new APIUserAbortError({ ...where, cause: call.callerSignal.reason });
  }
  if (call.timedOut) {
    return scrubErrorChain(
      new APIConnectionTimeoutError({
        ...where,
        attempts: call.attempts,
        timeoutMs: call.timeoutMs,
        cause: error,
      }),
      call.keys,
    );
  }
  if (call.response === undefined) return error;
  if (error instanceof SyntaxError) {
    return new APIResponseParseError({
      ...where,
      response: call.response,
      cause: error,
      secrets: call.keys,
    });
  }
  if (error instanceof TypeError) {
    // A body cut by a malformed chunk: undici's parser error under it quotes the raw bytes.
    const failure = new APIConnectionError({ ...where, attempts: call.attempts, cause: error });
    return scrubErrorChain(failure, call.keys);
  }
  return error;
}

/** The caller's signal fired: its reason is the cause. */
export function userAbort(call: CallState, cause?: unknown): APIUserAbortError {
  return new APIUserAbortError({
    method: call.method ?? 'request',
    url: urlForMessages(call.url ?? ''),
    cause: call.callerSignal?.aborted ? call.callerSignal.reason : cause,
  });
}

/** The rotating-key function did not return within the attempt's time bound: nothing was sent. */
export function keyLookupTimeout(call: CallState): APIConnectionTimeoutError {
  const where = { method: call.method!, url: urlForMessages(call.url!), attempts: call.attempts };
  return new APIConnectionTimeoutError(
    { ...where, timeoutMs: call.timeoutMs },
    `${where.method} ${where.url}: the apiKey function did not return within timeoutMs ` +
      `(${call.timeoutMs} ms); nothing was sent`,
  );
}
