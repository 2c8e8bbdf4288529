/**
 * Pieces of the errors' messages, shared by errors.ts and response-validation-error.ts: in a file
 * of their own, so that the validator's error class does not bring every other error class into a
 * bundle with it (docs/performance.md).
 */

/** ` [request id x]`, or nothing. */
export function requestIdSuffix(requestId: string | undefined): string {
  return requestId ? ` [request id ${requestId}]` : '';
}

/** `1 attempt`, `2 attempts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
