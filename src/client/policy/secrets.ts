/**
 * Scrubbing the API key out of what a server sends back. A server may echo the key in an error
 * body or a header (`x-request-id`); the client knows the key, so the error response handed on
 * is a copy with every occurrence replaced, and so is everything built from it (the result's
 * `error`, `APIError`'s message, body and headers, log lines), whatever the key's length.
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

/** True when `text` holds one of the secrets. */
export function holdsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some((secret) => secret !== '' && text.includes(secret));
}

/** A copy of a JSON value with the secrets scrubbed from every string, keys included. */
export function scrubJson(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, secrets));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[scrubText(key, secrets)] = scrubJson(item, secrets);
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

/** Each secret, and its form inside a JSON string when that differs (a key holding `"` or `\`). */
export function withJsonForms(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) => {
    const escaped = JSON.stringify(secret).slice(1, -1);
    return escaped === secret ? [secret] : [secret, escaped];
  });
}

/**
 * A copy of an error response with the secrets scrubbed from its headers and body (JSON stays
 * JSON: a short key is replaced inside strings only). Reads the body, as openapi-fetch would.
 */
export async function scrubErrorResponse(
  response: Response,
  keys: readonly string[],
): Promise<Response> {
  const secrets = withJsonForms(keys);
  const text = await response.text();
  let headersHold = false;
  response.headers.forEach((value) => (headersHold ||= holdsSecret(value, secrets)));
  const bodyHolds = holdsSecret(text, secrets);
  let body = text;
  if (bodyHolds) {
    try {
      body = JSON.stringify(scrubJson(JSON.parse(text), secrets));
    } catch {
      body = scrubText(text, secrets);
    }
  }
  const headers = headersHold
    ? scrubHeaders(response.headers, secrets)
    : new Headers(response.headers);
  if (bodyHolds && headers.has('content-length')) {
    headers.set('content-length', String(new TextEncoder().encode(body).byteLength));
  }
  const copy = new Response(body === '' ? null : body, {
    status: response.status,
    statusText: scrubText(response.statusText, secrets),
    headers,
  });
  // A constructed Response has no URL; `unwrap` and callers read it.
  Object.defineProperty(copy, 'url', { value: response.url });
  return copy;
}
