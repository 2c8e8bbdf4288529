/**
 * Scrubbing the secrets (policy/secrets.ts) out of what a failure carries: an error response's
 * body, headers and status text, and an error's whole cause chain. Imported with the failure
 * path (transport/retry-step.ts, transport/call-errors.ts), not with the client: a call that
 * succeeds needs none of it (docs/performance.md).
 */
import {
  copyResponse,
  holdsSecret,
  REDACTED,
  scrubHeaders,
  scrubText,
  withJsonForms,
} from './secrets.ts';

/**
 * `text`, a JSON document, with the secrets scrubbed from the decoded value of every string
 * (object keys included): `"\u0073k_live_..."` or `"a\/b"` decode to the key though the raw
 * text does not hold it. Numbers, names and layout stay as they were. A scan over the text, not
 * a parse and a stringify: a body nested 100,000 deep would overflow the stack of a recursive
 * walk.
 */
export function scrubJsonStrings(text: string, secrets: readonly string[]): string {
  let out = '';
  let copied = 0;
  let start = text.indexOf('"');
  while (start !== -1) {
    let end = start;
    for (;;) {
      end = text.indexOf('"', end + 1);
      if (end === -1) return out + text.slice(copied); // not JSON after all: nothing more to do
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    const literal = text.slice(start, end + 1);
    const scrubbed = scrubStringLiteral(literal, secrets);
    if (scrubbed !== literal) {
      out += text.slice(copied, start) + scrubbed;
      copied = end + 1;
    }
    start = text.indexOf('"', end + 1);
  }
  return out + text.slice(copied);
}

const BACKSLASH = 0x5c;

/** A JSON string literal, or the literal of its decoded value with the secrets scrubbed. */
function scrubStringLiteral(literal: string, secrets: readonly string[]): string {
  if (!literal.includes('\\')) return scrubWhole(literal, secrets);
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    return scrubWhole(literal, secrets);
  }
  if (typeof value !== 'string') return literal;
  const scrubbed = scrubWhole(value, secrets);
  return scrubbed === value ? literal : JSON.stringify(scrubbed);
}

/**
 * `text` without the secrets, whole or split by a line break or an invisible character
 * (`scrubText` returns `text` itself when it holds none).
 */
function scrubWhole(text: string, secrets: readonly string[]): string {
  return scrubSplitSecrets(scrubText(text, secrets), secrets);
}

/**
 * Line breaks and invisible characters (zero-width, soft hyphen, BOM): a key a server echoes
 * with one inside (`sk_live_ab\ncd...`) shows whole, or is put back together from its two lines.
 * `isSplitting`'s characters, for one native search first: most error bodies hold none.
 */
const ANY_SPLITTING = /[\n\v\f\r\u0085\u00ad\u180e\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]/;

/** True for a character of `ANY_SPLITTING`, by its code. */
function isSplitting(code: number): boolean {
  if (code < 0x0a || (code > 0x0d && code < 0x85)) return false; // most text: one comparison
  return (
    code <= 0x0d ||
    code === 0x85 ||
    code === 0xad ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x2060 && code <= 0x2064) ||
    code === 0xfeff
  );
}

/**
 * `text` with each secret that characters `isSplitting` names split replaced, from its first character to
 * its last: at each run of them that a secret's beginning ends at, the rest of the secret is
 * looked for after it, past any further run. A linear scan: an error body may be megabytes.
 */
export function scrubSplitSecrets(text: string, secrets: readonly string[]): string {
  const usable = secrets.filter((secret) => secret.length >= 2);
  if (usable.length === 0 || !ANY_SPLITTING.test(text)) return text;
  // For each secret, the lengths k of its beginnings by their last character (secret[k - 1]).
  const beginnings = usable.map((secret) => {
    const byLast = new Map<number, number[]>();
    for (let k = 1; k < secret.length; k++) {
      const list = byLast.get(secret.charCodeAt(k - 1));
      if (list) list.push(k);
      else byLast.set(secret.charCodeAt(k - 1), [k]);
    }
    return { secret, byLast };
  });
  const spans: [number, number][] = [];
  for (let runStart = 1; runStart < text.length; runStart++) {
    if (!isSplitting(text.charCodeAt(runStart))) continue;
    const last = text.charCodeAt(runStart - 1);
    if (isSplitting(last)) continue; // inside a run: its start was looked at
    for (const { secret, byLast } of beginnings) {
      const lengths = byLast.get(last);
      if (lengths === undefined) continue;
      for (const k of lengths) {
        if (k > runStart || !text.startsWith(secret.slice(0, k), runStart - k)) continue;
        const end = restEnd(text, runStart + 1, secret, k);
        if (end !== undefined) spans.push([runStart - k, end]);
      }
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  for (const [start, end] of spans) {
    if (start >= copied) out += text.slice(copied, start) + REDACTED;
    copied = Math.max(copied, end);
  }
  return out + text.slice(copied);
}

/**
 * Where `secret` from its character `k` on ends in `text` from `at`, splitting characters
 * skipped; `undefined` when the text goes on otherwise.
 */
function restEnd(text: string, at: number, secret: string, k: number): number | undefined {
  let i = at;
  for (let next = k; next < secret.length; i++) {
    if (i >= text.length) return undefined;
    if (text[i] === secret[next]) next++;
    else if (!isSplitting(text.charCodeAt(i))) return undefined;
  }
  return i;
}

/** True when `text` parses as JSON. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * An error body's text without the secrets: a JSON body keeps its shape and only its strings'
 * decoded values are scrubbed (a short key leaves numbers alone); any other text is scrubbed
 * wherever a secret's form appears.
 */
export function scrubErrorBody(text: string, keys: readonly string[]): string {
  if (text === '' || keys.length === 0) return text;
  const secrets = withJsonForms(keys);
  if (isJson(text)) return scrubJsonStrings(text, secrets);
  return scrubWhole(text, secrets);
}

/** True when some header value holds one of the secrets. */
export function headersHoldSecret(headers: Headers, secrets: readonly string[]): boolean {
  let holds = false;
  headers.forEach((value) => (holds ||= holdsSecret(value, secrets)));
  return holds;
}

/**
 * A copy of an error response whose body was read as `text`, with the secrets scrubbed from its
 * headers, status text and body (see `scrubErrorBody`).
 */
export function scrubErrorResponse(
  response: Response,
  text: string,
  keys: readonly string[],
): Response {
  const secrets = withJsonForms(keys);
  const body = scrubErrorBody(text, keys);
  const headers = headersHoldSecret(response.headers, secrets)
    ? scrubHeaders(response.headers, secrets)
    : new Headers(response.headers);
  if (body !== text && headers.has('content-length')) {
    headers.set('content-length', String(new TextEncoder().encode(body).byteLength));
  }
  return copyResponse(response, body, headers, secrets);
}

/** How deep `scrubErrorChain` follows causes and the objects errors carry. */
const MAX_ERROR_CHAIN_DEPTH = 16;
/**
 * A piece of a secret this long at the start or end of an error's string is scrubbed too: a
 * parser quotes the bytes of one socket read (`HTTPParserError.data`), which can end mid-key.
 */
const MIN_SECRET_FRAGMENT_CHARS = 4;

/**
 * `error` with the secrets scrubbed from every string down its chain: its own properties
 * (`message`, `stack`, `code`, undici's `HTTPParserError.data` with the raw bytes of a
 * malformed response, which may echo the request and its key), its `cause`, AggregateError's
 * `errors`, and the plain objects they carry, to a bounded depth and safe from cycles. In place
 * (so that `onError` middleware's view of the same error is scrubbed too); a frozen link is
 * replaced by a scrubbed copy. Other objects (a Response, the caller's abort reason) are left.
 */
export function scrubErrorChain<T>(error: T, keys: readonly string[]): T {
  if (keys.length === 0 || error === null || typeof error !== 'object') return error;
  return scrubNode(error, withJsonForms(keys), new Map(), 0) as T;
}

function scrubNode(
  value: unknown,
  secrets: readonly string[],
  seen: Map<object, unknown>,
  depth: number,
): unknown {
  if (typeof value === 'string') return scrubErrorString(value, secrets);
  if (value instanceof Uint8Array) {
    const text = latin1(value);
    const scrubbed = scrubErrorString(text, secrets);
    return scrubbed === text ? value : Uint8Array.from(scrubbed, (c) => c.charCodeAt(0) & 0xff);
  }
  if (value === null || typeof value !== 'object' || depth > MAX_ERROR_CHAIN_DEPTH) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  const walked =
    value instanceof Error || Array.isArray(value) || proto === Object.prototype || proto === null;
  if (!walked) return value;
  if (seen.has(value)) return seen.get(value);
  seen.set(value, value);
  const changes = new Map<string | symbol, unknown>();
  for (const name of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name)!;
    let current: unknown;
    if ('value' in descriptor) current = descriptor.value;
    else if (name === 'stack' && value instanceof Error) current = readStack(value);
    else continue; // another getter: not called (it may compute, or throw)
    const scrubbed = scrubNode(current, secrets, seen, depth + 1);
    if (scrubbed !== current) changes.set(name, scrubbed);
  }
  if (changes.size === 0) return value;
  const descriptors = Object.getOwnPropertyDescriptors(value) as Record<
    string | symbol,
    PropertyDescriptor
  >;
  const inPlace = [...changes.keys()].every((name) => {
    const d = descriptors[name]!;
    return d.configurable || d.writable;
  });
  const target = inPlace ? value : Object.create(proto as object | null);
  for (const name of Reflect.ownKeys(descriptors)) {
    const d = descriptors[name]!;
    if (!changes.has(name)) {
      if (!inPlace) Object.defineProperty(target, name, d);
    } else if (inPlace && !d.configurable) {
      Object.defineProperty(target, name, { value: changes.get(name) }); // writable: keeps the rest
    } else {
      const { enumerable } = d;
      Object.defineProperty(target, name, {
        value: changes.get(name),
        enumerable,
        writable: true,
        configurable: true,
      });
    }
  }
  seen.set(value, target);
  return target;
}

/** Bytes as text, one character per byte (what the parser quotes is raw bytes). */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  }
  return text;
}

function readStack(error: Error): unknown {
  try {
    return error.stack;
  } catch {
    return undefined;
  }
}

/**
 * A string of an error without the secrets, nor a piece of one that a line starts or ends with
 * (a `stack` repeats its message on its first line).
 */
function scrubErrorString(text: string, secrets: readonly string[]): string {
  const out = holdsSecret(text, secrets) ? scrubText(text, secrets) : text;
  const lines = out.split(/(\r\n|\r|\n)/); // the line ends kept, as pieces of their own
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = scrubEndFragments(lines[i]!, secrets);
    if (line !== lines[i]) {
      lines[i] = line;
      changed = true;
    }
  }
  return changed ? lines.join('') : out;
}

/** `line` with a secret's prefix at its end and a secret's suffix at its start replaced. */
function scrubEndFragments(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, out.length); n >= MIN_SECRET_FRAGMENT_CHARS; n--) {
      if (out.endsWith(secret.slice(0, n))) {
        out = out.slice(0, out.length - n) + REDACTED;
        break;
      }
    }
    for (let n = Math.min(secret.length - 1, out.length); n >= MIN_SECRET_FRAGMENT_CHARS; n--) {
      if (out.startsWith(secret.slice(secret.length - n))) {
        out = REDACTED + out.slice(n);
        break;
      }
    }
  }
  return out;
}
