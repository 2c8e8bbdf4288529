/**
 * The redirect policy as one pure decision, shared by the client (src/client/transport/attempt.ts),
 * the drift check's fetch (src/drift/runtime.ts) and ingest (scripts/ingest/fetch.ts). Each sends
 * with `redirect: 'manual'` and follows redirects itself, so that the API key, the drift headers,
 * the Idempotency-Key and the body never go to an origin the caller did not name (fetch itself
 * strips only `authorization`).
 */
import { REDIRECT_STATUSES } from './redirect-status.ts';

/** Redirects followed within one attempt (same origin only), as a bound on loops. */
export const MAX_REDIRECTS = 5;

/** What to do with a response to an attempt (or to one of its redirects). */
export type RedirectStep =
  /** Not a redirect the client acts on: hand the response back. */
  | { kind: 'final' }
  /** Send the request again to `url` (same origin), as `method`, with or without its body. */
  | { kind: 'follow'; url: string; method: string; keepBody: boolean }
  /** Not followed and not retried: the reason, and the target's origin when known. */
  | {
      kind: 'refuse';
      reason: 'cross-origin' | 'too-many' | 'hidden' | 'redirect-error' | 'bad-location';
      targetOrigin?: string;
    };

/**
 * The step after a response to `from`, `redirectsSoFar` redirects into the attempt, for the
 * caller's `redirect` mode ('follow' unless the caller set another). Same-origin redirects are
 * followed with fetch's rules (a 303, or a 301/302 to a POST, becomes a GET without body; 307/308
 * keep the method and body), at most `MAX_REDIRECTS`; 'manual' hands every response back.
 * Another origin, too many hops, a browser's opaque redirect (its target is hidden, so cannot be
 * checked), an unparsable Location or one with credentials (`user:password@`), or any redirect
 * under 'error' are refused.
 */
export function nextRedirect(
  from: { url: string; method: string },
  response: { status: number; type: string; location: string | null },
  redirectsSoFar: number,
  mode: RequestRedirect,
): RedirectStep {
  if (mode === 'manual') return { kind: 'final' };
  if (response.type === 'opaqueredirect') {
    return { kind: 'refuse', reason: mode === 'error' ? 'redirect-error' : 'hidden' };
  }
  if (!REDIRECT_STATUSES.has(response.status) || response.location === null) {
    return { kind: 'final' }; // fetch also hands back a redirect without a Location
  }
  let target: URL;
  try {
    target = new URL(response.location, from.url);
  } catch {
    return { kind: 'refuse', reason: 'bad-location' };
  }
  if (mode === 'error') {
    return { kind: 'refuse', reason: 'redirect-error', targetOrigin: target.origin };
  }
  if (target.username !== '' || target.password !== '') {
    // fetch refuses such a URL with a TypeError quoting it (read as a failed connection, retried)
    return { kind: 'refuse', reason: 'bad-location', targetOrigin: target.origin };
  }
  if (target.origin !== new URL(from.url).origin) {
    return { kind: 'refuse', reason: 'cross-origin', targetOrigin: target.origin };
  }
  if (redirectsSoFar >= MAX_REDIRECTS) {
    return { kind: 'refuse', reason: 'too-many', targetOrigin: target.origin };
  }
  const { status } = response;
  const toGet =
    (status === 303 && from.method !== 'GET' && from.method !== 'HEAD') ||
    ((status === 301 || status === 302) && from.method === 'POST');
  return toGet
    ? { kind: 'follow', url: target.href, method: 'GET', keepBody: false }
    : { kind: 'follow', url: target.href, method: from.method, keepBody: true };
}
