/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch` (after openai-node's
 * `retryRequest`), under the middleware chain: middleware sees one request and one response
 * however many attempts it took. It prepares the request once (transport/request.ts), sends attempts
 * (transport/attempt.ts), and after one that fails hands on to transport/retry-step.ts (imported
 * then), which asks policy/retry.ts whether and how long to wait.
 */
import { currentApiKey, type ApiKeySource } from '../policy/auth.ts';
import { headerFacts, limitBody } from './body-limit.ts';
import { failWith, urlForMessages, type CallState } from './call.ts';
import { REQUEST_ID_HEADER } from '../constants.ts';
import { sendAttempt } from './attempt.ts';
import type { ResolvedOptions } from '../options.ts';
import { prepareRequest, type RequestParts } from './request.ts';
import { holdsSecret, scrubResponseUrl, scrubSuccessHeaders } from '../policy/secrets.ts';

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
  const { method, url, callerSignal } = prepared;
  const { logger } = options;

  for (let retriesSoFar = 0; ; retriesSoFar++) {
    if (callerSignal?.aborted) {
      const { userAbort } = await import('./call-errors.ts');
      throw failWith(call, callerSignal.reason, userAbort(call));
    }
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
    let result = await sendAttempt(prepared, body, key, init, call, options, spentMs);
    if (!('kind' in result)) {
      // Before anyone sees it (the result, middleware, unwrap, streams): a same-origin redirect
      // may have put the key in its URL.
      let response = scrubResponseUrl(result, call.keys);
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
        if (!call.streams) {
          const limited = limitBody(response, call.maxResponseBytes, call, facts);
          // A promise only for a body past the bound: no extra await on the hot path.
          response = limited instanceof Promise ? await limited : limited;
        }
        return (call.response = response);
      }
      result = response;
    }
    // Imported on the first failed attempt: a call that succeeds at once never loads it.
    const { afterFailedAttempt } = await import('./retry-step.ts');
    const final = await afterFailedAttempt(result, prepared, retriesSoFar, call, options);
    if (final !== undefined) return final;
  }
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
    // The errors are imported when one is due (transport/call-errors.ts), not with the client.
    const timer = bounded
      ? setTimeout(() => {
          finish();
          import('./call-errors.ts').then(({ keyLookupTimeout }) => {
            reject(keyLookupTimeout(call));
          }, reject);
        }, call.timeoutMs)
      : undefined;
    const onAbort = (): void => {
      finish();
      import('./call-errors.ts').then(({ userAbort }) => {
        reject(failWith(call, signal!.reason, userAbort(call)));
      }, reject);
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
