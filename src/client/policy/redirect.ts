/** The client's words for a redirect the pure decision (common/redirect.ts) refuses. */
import { MAX_REDIRECTS, type RedirectStep } from '../../../common/redirect.ts';

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
      return `${by} to a Location that is not a URL, or holds credentials (user:password@): not followed.`;
  }
}
