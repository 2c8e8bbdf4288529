/**
 * The API key: where it comes from (the option, a rotating-key function, or FEATHER_API_KEY),
 * that it is usable as a header value, and that it only travels over https or to loopback.
 * Every error here names the option and never the key's value.
 */
import { API_KEY_ENV } from '../constants.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { isLoopbackHost } from '../../../common/loopback-host.ts';

export { isLoopbackHost };

/** A key, or a function returning the current one (called before every attempt). */
export type ApiKeySource = string | (() => string | Promise<string>);

/** Visible ASCII only: anything else would be refused by `Headers`, whose message quotes the value. */
const HEADER_SAFE_KEY_RE = /^[\x21-\x7e]+$/;

/** Reads an environment variable where `process.env` exists (Node, Bun); `undefined` elsewhere. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env;
    const value = env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    return undefined; // Deno without --allow-env throws on access.
  }
}

/** The key source from the option, else FEATHER_API_KEY; a `FeatherError` when there is neither. */
export function resolveApiKeySource(apiKey: ApiKeySource | undefined): ApiKeySource {
  if (typeof apiKey === 'function') return apiKey;
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    throw new FeatherError(
      `apiKey is ${apiKey === null ? 'null' : `a ${typeof apiKey}`}: expected a string, or a function returning one`,
    );
  }
  if (apiKey !== undefined && apiKey.trim() !== '') return checkApiKey(apiKey, 'apiKey');
  const fromEnv = readEnv(API_KEY_ENV);
  if (fromEnv !== undefined) return checkApiKey(fromEnv, API_KEY_ENV);
  throw new FeatherError(
    `No API key: pass apiKey to createFeatherClient() or set the ${API_KEY_ENV} environment variable.`,
  );
}

/** The key without surrounding white space, or a `FeatherError` if it cannot be a header value. */
export function checkApiKey(key: string, source: string): string {
  const trimmed = key.trim();
  if (!HEADER_SAFE_KEY_RE.test(trimmed)) {
    throw new FeatherError(
      `${source} contains characters that cannot be sent in a header (spaces, control or ` +
        'non-ASCII characters); check that the whole key was copied and nothing else.',
    );
  }
  return trimmed;
}

/** `url` with whatever stands before its last `@` replaced by `***`, for messages. */
export function hideUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^]*@/i, '$1***@'); // up to the last `@`
}

/**
 * Throws when `url` holds credentials (`https://user:secret@host`): fetch refuses such a URL with
 * a message quoting it, and whatever sits there may be a key. The message shows the URL without.
 */
export function assertNoCredentials(url: string, where: string): void {
  if (!url.includes('@')) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // not a URL: assertKeySafeUrl says so (and quotes nothing after an `@`)
  }
  if (parsed.username === '' && parsed.password === '') return;
  parsed.username = '';
  parsed.password = '';
  throw new FeatherError(
    `${where} holds credentials before the host (${parsed.origin}): refused, they would be sent ` +
      'and quoted in errors. Pass the key as apiKey and the URL without user:password@.',
  );
}

/**
 * Throws unless `url` may carry the key: https, or plain http to a loopback host (a local mock
 * or dev server). `where` names the option or request in the message.
 */
export function assertKeySafeUrl(url: string, where: string): void {
  if (url.startsWith('https://')) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FeatherError(`${where} is not an absolute URL: ${JSON.stringify(hideUserInfo(url))}`);
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return;
  throw new FeatherError(
    `${where}: refusing to send the API key over ${parsed.protocol}// to ${parsed.host} ` +
      '(only https://, or plain http:// to localhost, 127.0.0.0/8 or [::1]). Use the https:// URL.',
  );
}
