/**
 * What an error body says about retrying, read by the retry loop (transport/retry-step.ts) and by
 * `APIError` (`retryable`, `retryAfterSeconds`): in a file of its own, so that the error classes
 * do not bring the retry policy into a bundle with them (docs/performance.md).
 */

/** What Feather's `ErrorResponse` body says about retrying (since 1.87.0). */
export interface ErrorBodyHints {
  /** The body's `retryable`, when it is a boolean. */
  retryable?: boolean;
  /** The body's `retry_after` in ms (it is given in seconds), when it is a number 0 or more. */
  retryAfterMs?: number;
}

/** The retry hints of an error body; `{}` for any body that is not Feather's `ErrorResponse`. */
export function errorBodyHints(body: unknown): ErrorBodyHints {
  if (body === null || typeof body !== 'object') return {};
  const { retryable, retry_after: retryAfter } = body as Record<string, unknown>;
  const hints: ErrorBodyHints = {};
  if (typeof retryable === 'boolean') hints.retryable = retryable;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    hints.retryAfterMs = Math.ceil(retryAfter * 1000);
  }
  return hints;
}
