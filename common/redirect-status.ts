/**
 * Which responses may be redirects: the cheap test every response of the client meets
 * (src/client/transport/attempt.ts), in a file of its own, so that the decision itself
 * (common/redirect.ts) is bundled with the redirect-following imported on the first one.
 */

/** The statuses fetch follows. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** True for a response that may be a redirect (a cheap test before `nextRedirect`). */
export function mayBeRedirect(response: { status: number; type: string }): boolean {
  return REDIRECT_STATUSES.has(response.status) || response.type === 'opaqueredirect';
}
