/**
 * One attempt of a call (after openai-node's `fetchWithTimeout`): arm the timer, pick the
 * signal, set the key, fetch. It resolves with the response, or with what kept one from coming;
 * whether to try again is the retry loop's decision (src/client/transport/fetch.ts).
 */
import { failWith, type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import { API_KEY_HEADER } from '../constants.ts';
import { redactHeaders } from '../logger.ts';
import type { ResolvedOptions } from '../options.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { mayBeRedirect } from '../../../common/redirect-status.ts';
import type { PreparedRequest } from './request.ts';
import type { AttemptOutcome } from '../policy/retry.ts';

/** An attempt that got no response; `error` is what fetch threw. */
export type AttemptFailure = Exclude<AttemptOutcome, { kind: 'response' }> & { error: unknown };

/**
 * Sends `prepared` once with `key`. Rejects only with `APIUserAbortError` (the caller's signal
 * fired) or with what openapi-fetch's own `new Request` would have thrown for these parts.
 */
export async function sendAttempt(
  prepared: PreparedRequest,
  body: ArrayBuffer | undefined,
  key: string,
  init: RequestInit | undefined,
  call: CallState,
  options: ResolvedOptions,
  spentMs = 0,
): Promise<Response | AttemptFailure> {
  const { parts } = prepared;
  const bounded = call.timeoutMs > 0 && call.timeoutMs !== Infinity;
  // Parts with no time bound need no controller: fetch gets the caller's signal, or none.
  const controlled = bounded || parts === undefined;
  if (controlled && (call.controller === undefined || call.controller.signal.aborted)) {
    call.controller = new AbortController(); // the first attempt, or the one after a timeout
  }
  const attempt =
    parts ?? (body === undefined ? prepared.request! : new Request(prepared.request!, { body }));
  attempt.headers.set(API_KEY_HEADER, key);
  const { logger } = options;
  if (logger.enabled('debug')) {
    const of = prepared.retryable ? call.maxRetries + 1 : 1;
    logger.debug(
      `${prepared.method} ${urlForMessages(prepared.url)} attempt ${call.attempts} of ${of}`,
      { headers: redactHeaders(attempt.headers) },
    );
  }

  call.timedOut = false;
  if (bounded) {
    const controller = call.controller!;
    const { timeoutMs } = call;
    call.timer = setTimeout(() => {
      call.timedOut = true;
      controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs - spentMs); // the key lookup ran within the same bound
  }

  try {
    let response: Response;
    if (parts !== undefined) {
      // openapi-fetch's own init object, built for this call (its redirect is 'manual')
      if (controlled) parts.init.signal = call.controller!.signal;
      response = await globalThis.fetch(parts.url, init ? { ...parts.init, ...init } : parts.init);
    } else {
      // Called bare, not as `call.fetch(...)`: a browser's `window.fetch` refuses another `this`.
      const fetchAttempt = call.fetch;
      const { signal } = call.controller!;
      response = await fetchAttempt(
        attempt as Request,
        init ? { ...init, signal, redirect: 'manual' } : { signal, redirect: 'manual' },
      );
    }
    if (!mayBeRedirect(response)) return response;
    // Imported on the first redirect: most apps never meet one (docs/performance.md).
    const { followRedirects } = await import('./redirects.ts');
    return await followRedirects(response, prepared, attempt.headers, body, init, call);
  } catch (error) {
    clearTimeout(call.timer);
    if (error instanceof FeatherError) throw error; // a refused redirect: not retried
    if (prepared.callerSignal?.aborted) {
      const { userAbort } = await import('./call-errors.ts');
      throw failWith(call, error, userAbort(call, error));
    }
    // What openapi-fetch's own `new Request` would have thrown (a GET with a body, a bad
    // option): thrown as it is, not retried as a connection failure.
    if (parts !== undefined && !call.timedOut) new Request(parts.url, parts.init);
    return { kind: call.timedOut ? 'timeout' : 'connection-error', error };
  } finally {
    // Middleware (onResponse/onError) sees the request openapi-fetch built: without the key.
    if (attempt === parts || attempt === prepared.request) prepared.headers.delete(API_KEY_HEADER);
  }
}
