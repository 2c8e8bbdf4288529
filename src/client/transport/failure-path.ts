/**
 * The failure path (the retry step with the call's errors, the error classes and the scrubbing of
 * error bodies; parameter validation's messages) is imported on the first failure, so that a call
 * that succeeds does not wait for it (docs/performance.md). A page whose network then drops could
 * not load it at the moment it is needed, and a browser keeps a failed module import failed until
 * the page reloads: the retry meant to ride out the drop would be lost. So the first success, when
 * the network is known to work, imports it in the background.
 */

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
