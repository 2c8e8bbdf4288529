/**
 * The retrying fetch that openapi-fetch calls as its custom `fetch` (after openai-node's
 * `retryRequest`), under the middleware chain: middleware sees one request and one response
 * however many attempts it took. It prepares the request once (transport/request.ts), sends attempts
 * (transport/attempt.ts), and after one that fails hands on to transport/retry-step.ts (imported
 * then), which asks policy/retry.ts whether and how long to wait.
 */
import { headerFacts, limitBody } from './body-limit.ts';
import { failWith, type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import { REQUEST_ID_HEADER } from '../constants.ts';
import { sendAttempt } from './attempt.ts';
import type { ResolvedOptions } from '../options.ts';
import { prepareRequest, type RequestParts } from './request.ts';
import { holdsSecret, secretForms, urlMayHoldSecret } from '../policy/secrets.ts';
import { unloadedFailurePath, warmFailurePath } from './failure-path.ts';

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
      // Imported on the first lookup: a client with a string key never loads it.
      const { apiKeyWithin } = await import('./key-lookup.ts');
      const lookupStartMs = performance.now();
      key = await apiKeyWithin(options.apiKey, call, callerSignal);
      spentMs = performance.now() - lookupStartMs;
    }
    logger.addSecret(key);
    if (!call.keys.includes(key)) call.keys.push(key);
    let result = await sendAttempt(prepared, body, key, init, call, options, spentMs);
    if (!('kind' in result)) {
      // Before anyone sees it (the result, middleware, unwrap, streams): a same-origin redirect
      // may have put the key in its URL. The scrub is imported when there is one to do.
      let response = result;
      if (urlMayHoldSecret(response.url, call.keys)) {
        const { scrubResponseUrl } = await import('../policy/response-secrets.ts');
        response = scrubResponseUrl(response, call.keys);
      }
      if (logger.enabled('debug')) {
        logger.debug(`${method} ${urlForMessages(url)} -> ${response.status}`, {
          requestId: response.headers.get(REQUEST_ID_HEADER),
        });
      }
      // The timer stays armed while openapi-fetch reads the body; `endCall` stops it. A streamed
      // body is the caller's to read (`streamEvents` bounds each event).
      if (response.ok) {
        const facts = headerFacts(response.headers, call.keys);
        // A status text echoing the key (`200 sk_live_...`, or in any form the headers are searched
        // for: percent-encoded, base64) is scrubbed with the headers.
        if (facts.holdsSecret || holdsSecret(response.statusText, secretForms(call.keys))) {
          const { scrubSuccessHeaders } = await import('../policy/response-secrets.ts');
          response = scrubSuccessHeaders(response, call.keys);
        }
        if (!call.streams) {
          const limited = limitBody(response, call.maxResponseBytes, call, facts);
          // A promise only for a body past the bound: no extra await on the hot path.
          response = limited instanceof Promise ? await limited : limited;
        }
        warmFailurePath();
        return (call.response = response);
      }
      result = response;
    }
    // Imported on the first failed attempt, or in the background after a first success
    // (transport/failure-path.ts): a call that succeeds at once does not wait for it.
    const { afterFailedAttempt } = await import('./retry-step.ts').catch((importError: unknown) => {
      if (!('kind' in result)) void result.body?.cancel().catch(() => undefined);
      const failed = 'kind' in result ? result : { kind: 'response', status: result.status };
      const where = `${method} ${urlForMessages(url)}`;
      const typed = unloadedFailurePath(failed, where, call.attempts, call.keys, importError);
      throw failWith(call, 'kind' in result ? result.error : typed, typed);
    });
    const final = await afterFailedAttempt(result, prepared, retriesSoFar, call, options);
    if (final !== undefined) return final;
  }
}
