/**
 * The redirect policy as one pure decision. Every attempt is sent with `redirect: 'manual'` and
 * the client follows redirects itself, so that the API key, the Idempotency-Key and the body
 * never go to an origin the caller did not name (fetch itself strips only `authorization`).
 */
import { MAX_REDIRECTS } from '../constants.ts';

/** The statuses fetch follows. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

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

/** True for a response that may be a redirect (a cheap test before `nextRedirect`). */
export function mayBeRedirect(response: { status: number; type: string }): boolean {
  return REDIRECT_STATUSES.has(response.status) || response.type === 'opaqueredirect';
}

/**
 * The step after a response to `from`, `redirectsSoFar` redirects into the attempt, for the
 * caller's `redirect` mode ('follow' unless the caller set another). Same-origin redirects are
 * followed with fetch's rules (a 303, or a 301/302 to a POST, becomes a GET without body; 307/308
 * keep the method and body), at most `MAX_REDIRECTS`; 'manual' hands every response back.
 * Another origin, too many hops, a browser's opaque redirect (its target is hidden, so cannot be
 * checked), an unparsable Location, or any redirect under 'error' are refused.
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

/** Why a redirect was not followed, for `APIRedirectError`'s message (never the key). */
export function describeRefusal(
  step: Extract<RedirectStep, { kind: 'refuse' }>,
  status: number,
  origin: string,
): string {
  const by = status === 0 ? 'the server redirected' : `the server redirected (${status})`;
  switch (step.reason) {
    case 'cross-origin':
      return (
        `${by} to another origin, ${step.targetOrigin}: not followed, so the API key, ` +
        `Idempotency-Key and body went only to ${origin}. If ${step.targetOrigin} is ` +
        'where the API lives, use it as baseUrl.'
      );
    case 'too-many':
      return `${by} more than ${MAX_REDIRECTS} times in a row: not followed further.`;
    case 'hidden':
      return (
        `${by}, and the browser hides where to (an opaque redirect): not followed, since the ` +
        `client cannot check that it stays on ${origin}. Use the final address as baseUrl.`
      );
    case 'redirect-error':
      return `${by} and the request set redirect: 'error'.`;
    case 'bad-location':
      return `${by} to a Location that is not a URL: not followed.`;
  }
}
