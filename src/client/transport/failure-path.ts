/**
 * The failure path (the retry step with the call's errors, the error classes and the scrubbing of
 * error bodies; parameter validation's messages) is imported on the first failure, so that a call
 * that succeeds does not wait for it (docs/performance.md). A page whose network then drops could
 * not load it at the moment it is needed, and a browser keeps a failed module import failed until
 * the page reloads: the retry meant to ride out the drop would be lost. So the first success, when
 * the network is known to work, imports it in the background.
 */
import { FeatherError } from '../../../common/feather-error.ts';
import { holdsSecret, scrubText, withJsonForms } from '../policy/secrets.ts';

let started = false;

/** Imports the failure path in the background, once; a failed import is tried again next time. */
export function warmFailurePath(): void {
  if (started) return;
  started = true;
  // After the caller's code has run: the call's result is handed on first.
  setTimeout(() => {
    Promise.all([import('./retry-step.ts'), import('../policy/validation-messages.ts')]).catch(
      () => void (started = false),
    );
  }, 0);
}

/** How deep `unloadedFailurePath` looks into a cause chain for a key before keeping it. */
const MAX_CHECKED_CAUSE_DEPTH = 6;

/**
 * The error for a failed attempt when the failure path itself could not be imported (a page
 * whose network dropped before its first success): a `FeatherError` that says what happened,
 * with what the fetch threw as its `cause`, where `APIConnectionError` (in the chunk that did not
 * load) would have been. The cause is kept only when nothing in it holds a key: the scrubbing of
 * error chains is in that chunk too. A later call imports again.
 */
export function unloadedFailurePath(
  failed: { kind: string; error?: unknown; status?: number },
  where: string,
  attempts: number,
  keys: readonly string[],
  importError: unknown,
): FeatherError {
  const what =
    failed.kind === 'response'
      ? `the server answered ${failed.status}`
      : failed.kind === 'timeout'
        ? 'the attempt timed out'
        : 'the connection failed';
  const secrets = withJsonForms(keys);
  const keep = failed.error !== undefined && !holdsKey(failed.error, secrets, 0);
  return new FeatherError(
    `${where}: ${what} (attempt ${attempts}), and the client could not load the code that retries ` +
      `and reports it (${scrubText(String(importError), keys)}); nothing more was tried: check ` +
      'the network and call again',
    keep ? { cause: failed.error } : {},
  );
}

/** Whether a string in `value`'s own properties, down its chain, holds a secret (or cannot be read). */
function holdsKey(value: unknown, secrets: readonly string[], depth: number): boolean {
  if (typeof value === 'string') return holdsSecret(value, secrets);
  if (value instanceof Uint8Array) return true; // raw bytes: not read here, so not kept
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_CHECKED_CAUSE_DEPTH) return true;
  if (value instanceof Error && holdsSecret(String(value.stack), secrets)) return true;
  for (const name of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    if (descriptor && 'value' in descriptor && holdsKey(descriptor.value, secrets, depth + 1)) {
      return true;
    }
  }
  return false;
}
