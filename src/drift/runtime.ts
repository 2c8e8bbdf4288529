/**
 * The runtime drift check: fetch the server's published spec, restrict it to the operations the
 * client's types were generated from, and compare fingerprints; on a difference, explain it with
 * the same report as `npm run drift`. Runs wherever `fetch` and Web Crypto do (no `node:`).
 */
import { canonicalJson, sha256Hex, type SpecFingerprint } from '../../common/canonical.ts';
import type { Json } from '../../common/json.ts';
import { SPEC_FINGERPRINT } from '../../generated/fingerprint.ts';
import { DEFAULT_BASE_URL } from '../../common/base-url.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { readBoundedText } from '../../common/read-bounded.ts';
import { nextRedirect } from '../../common/redirect.ts';
import { printableLine } from '../../common/printable-line.ts';
import { unsendableHeader } from '../../common/header-value.ts';
import { isLoopbackHost } from '../../common/loopback-host.ts';
import { hasCredentials, urlForMessages } from '../../common/url-for-messages.ts';
import type { DriftReport } from './compare.ts';
import { diffDocuments } from './diff.ts';
import { isDict } from '../../common/json.ts';
import { DriftInputError, listOperations, restrictToOperations, type Dict } from './document.ts';
import { parseOpenApiText } from './parse.ts';

/** Default path of the published spec on the API server. */
export const DEFAULT_SPEC_PATH = '/openapi.json';
/** How long the runtime check waits for the spec before giving up. */
export const DEFAULT_SPEC_TIMEOUT_MS = 10_000;
/** Largest spec body read (16 MiB, as for spec files; the whole API is 2.8 MB). */
export const MAX_SPEC_BODY_BYTES = 16 * 1024 * 1024;

export interface CheckSpecDriftOptions {
  /** The API's base URL. @default DEFAULT_BASE_URL (the spec's first server, the sandbox) */
  baseUrl?: string;
  /** Path of the published spec under `baseUrl`. @default '/openapi.json' */
  path?: string;
  /** Custom fetch. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Extra request headers (for a spec behind authentication). @default {} */
  headers?: Record<string, string>;
  /** Abort the fetch after this many milliseconds. @default 10000 */
  timeoutMs?: number;
  /** Throw a `SpecDriftError` when a breaking change is found. @default false */
  failOnBreaking?: boolean;
  /**
   * The pinned document to explain differences against.
   * @default generated/openapi.json (loaded on first use only)
   */
  pinned?: Record<string, unknown>;
  /** The fingerprint the types were generated from. @default SPEC_FINGERPRINT */
  fingerprint?: SpecFingerprint;
}

export interface SpecDriftResult {
  /**
   * True when the server's API, restricted to our operations, is ours: no drift rule reports a
   * change. Differences of representation only (`security: []` vs absent, key order, `$ref` vs
   * inline, tags, `x-` extensions) still match.
   */
  matches: boolean;
  /** True when it is ours byte for byte (canonical JSON): the fingerprints are equal. */
  identical: boolean;
  expected: SpecFingerprint;
  actual: SpecFingerprint;
  /** Where the spec was fetched from. */
  url: string;
  /** The semantic changes; empty exactly when `matches`. */
  report: DriftReport;
}

/** Thrown by `checkSpecDrift({ failOnBreaking: true })` when the server's API breaks ours. */
export class SpecDriftError extends FeatherError {
  override name = 'SpecDriftError';
  readonly result: SpecDriftResult;
  constructor(result: SpecDriftResult) {
    const breaking = result.report.changes.filter((change) => change.breaking);
    const first = breaking
      .slice(0, 3)
      // Upstream text (a path, a name) as one printable line: this message reaches logs.
      .map((change) => printableLine(`${change.operation ?? 'document'}: ${change.message}`))
      .join('; ');
    super(
      `the API at ${urlForMessages(result.url)} has ${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} against the spec this client was generated from (${first}${breaking.length > 3 ? '; ...' : ''}); regenerate the client or pin an older API version`,
    );
    this.result = result;
  }
}

/** The pinned operations' keys, per pinned document (the same on every call). */
const OPERATION_KEYS = new WeakMap<Dict, string[]>();
function pinnedOperations(pinned: Dict): string[] {
  let keys = OPERATION_KEYS.get(pinned);
  if (!keys) OPERATION_KEYS.set(pinned, (keys = [...listOperations(pinned).keys()]));
  return keys;
}

async function loadPinned(): Promise<Dict> {
  const module = await import('../../generated/openapi.json', { with: { type: 'json' } });
  return module.default as unknown as Dict;
}

/**
 * Why a fetch got no response, as precisely as undici says: its `TypeError('fetch failed')`
 * keeps the reason in `cause` (`ENOTFOUND` for DNS, `ECONNREFUSED`, a TLS code such as
 * `CERT_HAS_EXPIRED`), which the bare message hides.
 */
export function whyNoConnection(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown }) : undefined;
  if (!cause || typeof cause !== 'object') return message;
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const detail = typeof cause.message === 'string' ? cause.message : undefined;
  const hint =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'DNS: the host name does not resolve'
      : code === 'ECONNREFUSED'
        ? 'connection refused: nothing listens there'
        : code === 'ECONNRESET'
          ? 'connection reset by the server'
          : code && /CERT|SSL|TLS|SELF_SIGNED|ERR_TLS/i.test(code)
            ? 'TLS: the certificate was not accepted'
            : undefined;
  return [message, code, hint ?? detail].filter(Boolean).join(': ');
}

/** Reads a spec body as strict UTF-8 text, at most `maxBytes` of it (common/read-bounded.ts). */
function readSpecBody(response: Response, url: string, maxBytes: number): Promise<string> {
  return readBoundedText(
    response,
    maxBytes,
    () =>
      new DriftInputError(
        'http',
        `${urlForMessages(url)}: the spec is larger than ${maxBytes} bytes (MAX_SPEC_BODY_BYTES); is this the right URL?`,
      ),
    (offset) =>
      new DriftInputError(
        'http',
        `${urlForMessages(url)}: the body is not UTF-8: the bytes at byte offset ${offset} are not valid UTF-8; is this the right URL?`,
      ),
  );
}

/**
 * Why a redirect was not followed, naming the origin it led to; the headers (often a token)
 * went only to `url`'s origin.
 */
function refusedRedirect(
  url: string,
  status: number,
  step: Extract<ReturnType<typeof nextRedirect>, { kind: 'refuse' }>,
): DriftInputError {
  const origin = new URL(url).origin;
  const by = `${urlForMessages(url)}: the server redirected${status === 0 ? '' : ` (${status})`}`;
  const message =
    step.reason === 'cross-origin'
      ? `${by} to another origin, ${step.targetOrigin}: not followed, so the request headers went only to ${origin}; if the spec lives at ${step.targetOrigin}, name that URL`
      : step.reason === 'too-many'
        ? `${by} too many times in a row (a redirect loop?): not followed further`
        : step.reason === 'hidden'
          ? `${by} and the browser hides where to (an opaque redirect): not followed; name the final URL`
          : `${by} to a Location that is not a URL, or holds credentials (user:password@): not followed`;
  return new DriftInputError('http', message);
}

/** A reason phrase as servers send one: words of letters (`Not Found`, `I'm a teapot`). */
const PLAIN_REASON = /^[A-Za-z][A-Za-z '-]{0,63}$/;

/**
 * The server's status text for a message, or '': only a plain reason phrase that holds no part
 * of a header value nor of the URL's query (often a token, which a server may echo there); any
 * other character could be a control sequence reaching the terminal.
 */
function shownStatusText(
  statusText: string,
  url: string,
  headers: Record<string, string> | undefined,
): string {
  if (!PLAIN_REASON.test(statusText)) return '';
  const secrets = Object.values(headers ?? {});
  if (URL.canParse(url)) secrets.push(...new URL(url).searchParams.values());
  const text = statusText.toLowerCase();
  for (const secret of secrets)
    for (const part of [secret, ...secret.split(/\s+/)])
      if (part.length >= 4 && text.includes(part.toLowerCase())) return '';
  return statusText;
}

/**
 * GETs `url`, following redirects only within its origin (the client's rule, common/redirect.ts):
 * fetch itself would carry every header but `authorization` to whatever host a 3xx names.
 */
async function fetchSameOrigin(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
): Promise<Response> {
  let from = url;
  for (let redirects = 0; ; redirects++) {
    const response = await fetchImpl(from, { ...init, redirect: 'manual' });
    const step = nextRedirect(
      { url: from, method: 'GET' },
      { status: response.status, type: response.type, location: response.headers.get('location') },
      redirects,
      'follow',
    );
    if (step.kind === 'final') return response;
    await response.body?.cancel().catch(() => undefined);
    if (step.kind === 'refuse') throw refusedRedirect(from, response.status, step);
    from = step.url;
  }
}

/**
 * Fetches `url` with a timeout and a body size bound; HTTP errors, timeouts, oversized bodies,
 * redirects to another origin and failed connections (with their cause: a refused connection)
 * become DriftInputErrors. Messages name `url` without its credentials, query or fragment
 * (common/url-for-messages.ts); a URL with credentials is refused before anything is sent.
 */
export async function fetchSpecText(
  url: string,
  options: {
    fetch?: typeof globalThis.fetch;
    headers?: Record<string, string>;
    timeoutMs: number;
    /** @default MAX_SPEC_BODY_BYTES */
    maxBytes?: number;
  },
): Promise<string> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const shown = urlForMessages(url);
  if (hasCredentials(url))
    throw new DriftInputError(
      'http',
      `${shown}: the URL holds credentials (user:password@): not sent; pass them as a header instead (\`--header 'Authorization: Basic ...'\`, or checkSpecDrift's \`headers\`)`,
    );
  const parsed = URL.canParse(url) ? new URL(url) : undefined; // else fetch says it is no URL
  if (Object.keys(options.headers ?? {}).length > 0 && parsed !== undefined) {
    const { protocol, hostname, origin } = parsed;
    if (protocol === 'http:' && !isLoopbackHost(hostname))
      // The client's rule for its key: a header here is often a token, and plain http shows it to the network.
      throw new DriftInputError(
        'http',
        `${origin}: refusing to send --header / headers values over plain http:// to a host that is not loopback (only https://, or http:// to localhost, 127.0.0.0/8 or [::1]); nothing was sent. Use the https:// URL.`,
      );
  }
  const unsendable = unsendableHeader(options.headers);
  if (unsendable !== undefined)
    // fetch's own TypeError would quote the value, and a header here is often a token.
    throw new DriftInputError(
      'http',
      `${shown}: header '${printableLine(unsendable.name)}' has a value that cannot be sent (${unsendable.problem} in it); its value is not shown`,
    );
  let response: Response;
  try {
    response = await fetchSameOrigin(fetchImpl, url, {
      headers: {
        accept: 'application/json, application/yaml;q=0.9, */*;q=0.5',
        ...options.headers,
      },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    if (error instanceof DriftInputError) throw error;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new DriftInputError(
        'timeout',
        `${shown}: no answer within ${options.timeoutMs} ms (timeout)`,
      );
    throw new DriftInputError('http', `${shown}: could not fetch (${whyNoConnection(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DriftInputError(
      'http',
      `${shown}: HTTP ${response.status} ${shownStatusText(response.statusText, url, options.headers)}`.trim(),
    );
  }
  try {
    return await readSpecBody(response, url, options.maxBytes ?? MAX_SPEC_BODY_BYTES);
  } catch (error) {
    if (error instanceof DriftInputError) throw error;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new DriftInputError(
        'timeout',
        `${shown}: body not received within ${options.timeoutMs} ms (timeout)`,
      );
    throw new DriftInputError(
      'http',
      `${shown}: could not read the body (${whyNoConnection(error)})`,
    );
  }
}

/**
 * Checks that the server's published spec still matches the one the client was generated from.
 * Resolves with the result (and the change report when they differ); rejects with a
 * DriftInputError when the spec cannot be fetched or read, and with a SpecDriftError on a
 * breaking change when `failOnBreaking` is set.
 */
export async function checkSpecDrift(
  options: CheckSpecDriftOptions = {},
): Promise<SpecDriftResult> {
  const base = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
  const url = new URL(options.path ?? DEFAULT_SPEC_PATH, base).href;
  // `//host/...` or an absolute URL as `path` would take the headers to another origin.
  if (new URL(url).origin !== base.origin)
    throw new DriftInputError(
      'http',
      `path leads to ${urlForMessages(url)}, which is not under baseUrl ${base.origin}: nothing was sent (headers go only to the origin of baseUrl); pass that origin as baseUrl`,
    );
  const expected = options.fingerprint ?? SPEC_FINGERPRINT;
  const text = await fetchSpecText(url, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_SPEC_TIMEOUT_MS,
  });
  const pinned = (options.pinned as Dict | undefined) ?? (await loadPinned());
  // The same text served again compares the same: a check repeated against an unchanged
  // server costs the fetch and one hash, not a parse and a diff of the whole API.
  const memo = `${url}\n${expected.sha256}\n${await sha256Hex(text)}`;
  const last = LAST_RESULT.get(pinned);
  const result =
    last?.memo === memo ? { ...last.result } : await compareServed(url, text, pinned, expected);
  LAST_RESULT.set(pinned, { memo, result });
  if (options.failOnBreaking && result.report.summary.breaking > 0)
    throw new SpecDriftError(result);
  return result;
}

/** The last result per pinned document, with what it was computed from. */
const LAST_RESULT = new WeakMap<Dict, { memo: string; result: SpecDriftResult }>();

async function compareServed(
  url: string,
  text: string,
  pinned: Dict,
  expected: SpecFingerprint,
): Promise<SpecDriftResult> {
  const shown = urlForMessages(url);
  const served = parseOpenApiText(shown, text);
  const ours = pinnedOperations(pinned);
  const restricted = restrictToOperations(served, ours, shown);
  const actual: SpecFingerprint = {
    version:
      isDict(restricted.info) && typeof restricted.info.version === 'string'
        ? restricted.info.version
        : '',
    sha256: await sha256Hex(canonicalJson(restricted as Json)),
  };
  const identical = actual.sha256 === expected.sha256;
  // A different fingerprint may be representation only (`security: []` vs absent, `$ref` vs
  // inline, tags): the diff decides. The whole served API, limited to our operations, so that
  // one moved to another path (same operationId) is reported as moved rather than removed.
  const report: DriftReport = identical
    ? {
        changes: [],
        causes: [],
        summary: {
          total: 0,
          breaking: 0,
          warning: 0,
          info: 0,
          causes: { total: 0, breaking: 0, warning: 0, info: 0 },
          operations: { compared: ours.length, added: 0, removed: 0, changed: 0 },
          versions: { base: expected.version, revision: actual.version },
        },
      }
    : diffDocuments(
        { doc: pinned, name: 'pinned spec' },
        { doc: served, name: shown },
        { only: ours },
      );
  const matches = report.changes.length === 0;
  return { matches, identical, expected: { ...expected }, actual, url, report };
}
