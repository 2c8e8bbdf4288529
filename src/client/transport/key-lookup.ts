/**
 * A rotating key's lookup (`apiKey` as a function): the key it returns, checked, within the
 * attempt's time bound and the caller's signal. Imported by the retry loop (transport/fetch.ts)
 * on a client's first lookup: a client with a string key never loads it (docs/performance.md).
 */
import { checkApiKey, type ApiKeySource } from '../policy/auth.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { failWith, type CallState } from './call.ts';

/** The key to send now: the string, or what the rotating-key function returns. */
export async function currentApiKey(source: ApiKeySource): Promise<string> {
  if (typeof source === 'string') return source;
  let key: unknown;
  try {
    key = await source();
  } catch (error) {
    throw new FeatherError('The apiKey function threw; no request was sent.', { cause: error });
  }
  if (typeof key !== 'string' || key.trim() === '') {
    throw new FeatherError('The apiKey function returned no key (expected a non-empty string).');
  }
  return checkApiKey(key, 'The key returned by the apiKey function');
}

/**
 * The current key from a rotating-key function, within the attempt's time bound and the
 * caller's signal: a lookup that never settles ends in `APIConnectionTimeoutError` (nothing
 * sent, not retried) or `APIUserAbortError`.
 */
export function apiKeyWithin(
  source: ApiKeySource,
  call: CallState,
  signal: AbortSignal | undefined,
): Promise<string> {
  const lookup = withoutSecrets(currentApiKey(source), call);
  const bounded = call.timeoutMs > 0 && call.timeoutMs !== Infinity;
  if (!bounded && signal === undefined) return lookup;
  return new Promise((resolve, reject) => {
    // The first outcome wins: a timeout or abort rejects once its error class is imported
    // (transport/call-errors.ts, not loaded with the client), and a key that comes meanwhile is
    // dropped.
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const timer = bounded
      ? setTimeout(() => {
          if (!settle()) return;
          import('./call-errors.ts').then(({ keyLookupTimeout }) => {
            reject(keyLookupTimeout(call));
          }, reject);
        }, call.timeoutMs)
      : undefined;
    const onAbort = (): void => {
      if (!settle()) return;
      import('./call-errors.ts').then(({ userAbort }) => {
        reject(failWith(call, signal!.reason, userAbort(call)));
      }, reject);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // The signal may have fired while this module was imported: 'abort' will not fire again.
    if (signal?.aborted) onAbort();
    lookup.then(
      (key) => {
        if (settle()) resolve(key);
      },
      (error: unknown) => {
        if (settle()) reject(error);
      },
    );
  });
}

/**
 * `lookup`, its failure scrubbed of this call's secrets down its cause chain: a vault's error
 * may quote the key it replaces, which an earlier attempt sent. The scrubbing is imported then.
 */
function withoutSecrets(lookup: Promise<string>, call: CallState): Promise<string> {
  return lookup.catch(async (error: unknown) => {
    if (call.keys.length === 0) throw error;
    const { scrubErrorChain } = await import('../policy/error-secrets.ts');
    throw scrubErrorChain(error, call.keys);
  });
}
