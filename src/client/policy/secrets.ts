/**
 * Scrubbing the API key out of what a server sends back. A server may echo the key in an error
 * body or a header (`x-request-id`); the client knows the key, so the error response handed on
 * is a copy with every occurrence replaced, and so is everything built from it (the result's
 * `error`, `APIError`'s message, body and headers, log lines), whatever the key's length. The
 * user's own credentials in request headers (`credentialSecrets`) are scrubbed with it. Here is
 * what every call runs (the tests whether there is a secret to scrub); the copies of a success
 * response that holds one are in policy/response-secrets.ts, imported then, and what only a
 * failure needs (an error response's body, an error's cause chain) is in policy/error-secrets.ts,
 * imported with the failure path.
 */

/** The text that stands in for a secret. */
export const REDACTED = '***';

/** `text` with every occurrence of each secret replaced. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== '' && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Header names that carry a credential whatever they are called. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
]);
/** A header name that looks like it carries a secret (`X-Session-Token`, `X-Auth`, `X-Api-Secret`). */
const SECRET_HEADER_NAME = /token|secret|key|auth|session|passw|credential|cookie/;
/** A credential's parts shorter than this are not scrubbed on their own: they would wreck ordinary text. */
const MIN_CREDENTIAL_PART_CHARS = 8;

/**
 * True for a request header that carries the user's credential: `Authorization`,
 * `Proxy-Authorization`, `Cookie`, or a name holding token, secret, key, auth, session or
 * password. Not `Idempotency-Key`: a retry's identity, which the user wants to see.
 */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) return true;
  return SECRET_HEADER_NAME.test(lower) && !lower.endsWith('idempotency-key');
}

/**
 * The user's own credentials among request headers (a `Headers`, pairs, or openapi-fetch's
 * record, arrays and nulls included), to scrub with the key: each credential header's whole value,
 * and its parts of 8 characters or more (`Bearer <token>`'s token, a cookie's `name=value` and
 * value, a `Basic` credential decoded and its password).
 */
export function credentialSecrets(headers: unknown): string[] {
  const found = new Set<string>();
  for (const [name, raw] of headerEntries(headers)) {
    if (!isCredentialHeader(name)) continue;
    const value = String(raw).trim(); // as `Headers` sends it
    if (value === '') continue;
    found.add(value);
    for (const part of credentialParts(value)) {
      if (part.length >= MIN_CREDENTIAL_PART_CHARS) found.add(part);
    }
  }
  return [...found];
}

/** The name and value of each header in `headers`, whichever form it takes. */
function headerEntries(headers: unknown): [string, unknown][] {
  if (!headers || typeof headers !== 'object') return [];
  const pairs: [string, unknown][] = [];
  const entries =
    headers instanceof Headers || Array.isArray(headers)
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers);
  for (const [name, value] of entries) {
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else if (value !== null && value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

/** The pieces of a credential value a server might quote on their own. */
function credentialParts(value: string): string[] {
  const parts: string[] = [];
  for (const token of value.split(/[\s,;]+/)) {
    parts.push(token);
    const equals = token.indexOf('=');
    if (equals > 0) parts.push(token.slice(equals + 1).replace(/^"(.*)"$/, '$1'));
  }
  const basic = /^basic\s+([A-Za-z\d+/]+=*)$/i.exec(value);
  if (basic) {
    try {
      const decoded = atob(basic[1]!);
      parts.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
    } catch {
      // not base64 after all: its token is scrubbed as it is
    }
  }
  return parts;
}

/** True when `text` holds one of the secrets. */
export function holdsSecret(text: string, secrets: readonly string[]): boolean {
  for (const secret of secrets) if (secret !== '' && text.includes(secret)) return true;
  return false; // a plain loop: this runs for every header of every response
}

/**
 * A copy of a JSON value with the secrets scrubbed from every string, keys included. Each key is
 * defined, not assigned: a body's own `__proto__` key stays a key, not the copy's prototype.
 */
export function scrubJson(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, secrets));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, scrubText(key, secrets), {
        value: scrubJson(item, secrets),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return value;
}

/** A copy of `headers` with the secrets scrubbed from every value. */
export function scrubHeaders(headers: Headers, secrets: readonly string[]): Headers {
  const copy = new Headers();
  headers.forEach((value, name) => copy.append(name, scrubText(value, secrets)));
  for (const cookie of headers.getSetCookie?.() ?? []) {
    copy.append('set-cookie', scrubText(cookie, secrets));
  }
  return copy;
}

/**
 * Characters that neither a JSON string nor `encodeURIComponent` escapes: a secret made of them
 * only has no other form.
 */
const SAME_IN_EVERY_FORM = /^[\w.!~*'()-]*$/;

/**
 * Each secret, and its other forms where they differ: inside a JSON string (a key holding `"` or
 * `\`), percent-encoded (a server quoting a URL) and base64 (`base64Forms`: a server quoting an
 * encoded header or token).
 */
export function withJsonForms(secrets: readonly string[]): string[] {
  const forms: string[] = [];
  for (const secret of secrets) {
    const first = forms.length;
    forms.push(secret);
    // The common key (`sk_live_...`): neither the JSON nor the percent-encoded form differs.
    if (!SAME_IN_EVERY_FORM.test(secret)) {
      const json = JSON.stringify(secret).slice(1, -1);
      const encoded = encodeURIComponent(secret);
      if (json !== secret) forms.push(json);
      if (encoded !== secret && encoded !== json) forms.push(encoded);
    }
    for (const form of base64Forms(secret)) {
      if (!forms.includes(form, first)) forms.push(form);
    }
  }
  return forms;
}

/** How many secrets' forms `secretForms` remembers (a rotating key brings a new one now and then). */
const FORMS_CACHE_MAX_ENTRIES = 64;
const formsCache = new Map<string, readonly string[]>();

/**
 * `withJsonForms(secrets)`, remembered per secret: every response's headers are searched for
 * them, and a call's secrets are most often the client's one key (its forms come back as they
 * are, no array built).
 */
export function secretForms(secrets: readonly string[]): readonly string[] {
  if (secrets.length === 1) return formsOf(secrets[0]!);
  return secrets.flatMap(formsOf);
}

function formsOf(secret: string): readonly string[] {
  let forms = formsCache.get(secret);
  if (forms === undefined) {
    if (formsCache.size >= FORMS_CACHE_MAX_ENTRIES) {
      formsCache.delete(formsCache.keys().next().value!);
    }
    forms = withJsonForms([secret]);
    formsCache.set(secret, forms);
  }
  return forms;
}

/** A secret shorter than this is not looked for in base64: its few characters would wreck text. */
const MIN_BASE64_SECRET_CHARS = 8;

/**
 * What any base64 (or base64url) text holding `secret` holds, wherever the secret starts in the
 * encoded bytes (`btoa('x-api-key: ' + key)`): for each of the three alignments, the characters
 * made of the secret's bytes alone, without those shared with the bytes around it.
 */
function base64Forms(secret: string): string[] {
  if (secret.length < MIN_BASE64_SECRET_CHARS) return [];
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    let binary = '';
    for (const byte of padded) binary += String.fromCharCode(byte);
    // Characters 0..offset hold bits of the bytes before; a last, partial group those after.
    const core = btoa(binary).slice(
      offset === 0 ? 0 : offset + 1,
      Math.floor(padded.length / 3) * 4,
    );
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * A copy of `response` with `body` (a stream, or text) and `headers` in place of its own: same
 * status, status text and URL (a constructed Response has none; `unwrap` and callers read it),
 * or `url` in place of its URL.
 */
export function copyResponse(
  response: Response,
  body: ReadableStream<Uint8Array> | string | null,
  headers: Headers,
  keys: readonly string[] = [],
  url = response.url,
): Response {
  const copy = new Response(body === '' ? null : body, {
    status: response.status,
    statusText: keys.length ? scrubText(response.statusText, keys) : response.statusText,
    headers,
  });
  Object.defineProperty(copy, 'url', { value: url });
  return copy;
}

/**
 * False when `url` holds no form of any secret, raw, JSON-escaped, percent-encoded or
 * percent-decoded: `scrubResponseUrl` (policy/response-secrets.ts, imported when this is true)
 * would hand the response back as it is. Decoding the whole URL finds whatever decoding its
 * path and query finds (a run of `%XX` never spans the origin's end); a URL that does not
 * decode goes to the full scrub.
 */
export function urlMayHoldSecret(url: string, secrets: readonly string[]): boolean {
  if (url === '' || secrets.length === 0) return false;
  if (holdsSecret(url, secretForms(secrets))) return true;
  if (!url.includes('%')) return false;
  try {
    return holdsSecret(decodeURIComponent(url), secrets);
  } catch {
    return true;
  }
}
