/**
 * Reading pages and documents: a file, or an http(s) URL with a timeout and a few retries on
 * transient failures. Either is bounded in size (MAX_SPEC_FILE_BYTES, as generate reads spec
 * files: counted in decoded bytes while reading, so a body that never ends or a gzip bomb is cut
 * off), and a URL's redirects are followed only to the origins the user named.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { readBoundedText } from '../../common/read-bounded.ts';
import { MAX_REDIRECTS, nextRedirect } from '../../common/redirect.ts';
import { PipelineError } from '../lib/errors.ts';
import { decodeSpecBytes, MAX_SPEC_FILE_BYTES, readSpecBytes } from '../lib/spec-limits.ts';
import { isUrl } from './index-file.ts';

/** Pages fetched at once: enough to hide latency, few enough to be polite to a doc site. */
export const DEFAULT_CONCURRENCY = 16;
/** Tries per URL, the first included. */
export const DEFAULT_ATTEMPTS = 3;
/** First wait before a retry; doubles per retry (250 ms, 500 ms). */
export const RETRY_BASE_DELAY_MS = 250;
/** Bound on one attempt, body included. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ReadOptions {
  /** @default DEFAULT_ATTEMPTS */
  attempts?: number;
  /** @default RETRY_BASE_DELAY_MS */
  retryBaseDelayMs?: number;
  /** @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
  /** Told about each retry (for counting and logs). */
  onRetry?: (source: string, attempt: number, reason: string) => void;
  /**
   * Origins (`https://host:port`) a redirect may lead to besides the URL's own (`--allow-origin`).
   * @default none
   */
  allowOrigins?: readonly string[];
  /** Largest body read, counted after decoding. @default MAX_SPEC_FILE_BYTES */
  maxBytes?: number;
}

/**
 * A source larger than the limit (or a body that does not end): it is not worth another try
 * and no other page makes up for it, so the run stops (exit 2) with nothing written.
 */
export class SourceTooLargeError extends PipelineError {
  constructor(source: string, maxBytes: number, what: string) {
    super(
      `${what} is larger than ${maxBytes} bytes (MAX_SPEC_FILE_BYTES, the limit generate applies to a spec file): not read further; nothing was written`,
      [{ file: source }],
    );
    this.name = 'SourceTooLargeError';
  }
}

/** What one attempt came to: an HTTP status, or no response at all. */
export type AttemptOutcome = { status: number } | { error: unknown };

/**
 * Worth another try: no response (connection refused or reset, timeout), 429, or a 5xx.
 * Every other status is the server's answer and will not change on a retry.
 */
export function isTransient(outcome: AttemptOutcome): boolean {
  if ('error' in outcome) return true;
  return outcome.status === 429 || (outcome.status >= 500 && outcome.status <= 599);
}

/** The wait before retry number `retry` (1-based): `base`, then doubling. */
export function retryDelayMs(retry: number, baseMs = RETRY_BASE_DELAY_MS): number {
  return baseMs * 2 ** (retry - 1);
}

/** `fetch failed (ECONNRESET)`: undici hides the useful part in `cause`. */
function describeFetchError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail && !message.includes(detail) ? `${message} (${detail})` : message;
}

/** Reads a body as strict UTF-8, at most `maxBytes` of it (decoded); past that, SourceTooLargeError. */
function readBounded(response: Response, url: string, maxBytes: number): Promise<string> {
  return readBoundedText(
    response,
    maxBytes,
    (what) => new SourceTooLargeError(url, maxBytes, what),
    (offset) =>
      new PipelineError(
        `not UTF-8: the bytes at byte offset ${offset} of the body are not valid UTF-8`,
        [{ file: url }],
      ),
  );
}

/**
 * GETs `url`, following redirects as the client's own rule decides (common/redirect.ts: same
 * origin, at most MAX_REDIRECTS hops), and to another origin only when it is one of `allowed`.
 * Throws a PipelineError for a redirect it refuses (not worth a retry).
 */
async function fetchFollowing(
  url: string,
  allowed: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<Response> {
  let from = url;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(from, { signal, redirect: 'manual' });
    const step = nextRedirect(
      { url: from, method: 'GET' },
      { status: response.status, type: response.type, location: response.headers.get('location') },
      redirects,
      'follow',
    );
    if (step.kind === 'final') return response;
    await response.body?.cancel().catch(() => {});
    if (step.kind === 'follow') {
      from = step.url;
      continue;
    }
    // A hop to an origin named counts towards MAX_REDIRECTS too: two of them could loop forever.
    const named = step.reason === 'cross-origin' && allowed.has(step.targetOrigin!);
    if (named && redirects < MAX_REDIRECTS) {
      from = new URL(response.headers.get('location')!, from).href;
    } else {
      const reason = named ? 'too-many' : step.reason;
      throw new PipelineError(
        reason === 'cross-origin'
          ? `redirected (${response.status}) to another origin, ${step.targetOrigin}: not fetched (only the origins named are); add --allow-origin ${step.targetOrigin} to fetch it`
          : reason === 'too-many'
            ? `redirected (${response.status}) too many times in a row (a redirect loop?): not fetched`
            : `redirected (${response.status}) to a Location that is not a URL, or holds credentials (user:password@): not fetched`,
        [{ file: url }],
      );
    }
  }
}

async function fetchOnce(
  url: string,
  timeoutMs: number,
  allowed: ReadonlySet<string>,
  maxBytes: number,
): Promise<AttemptOutcome & { text?: string }> {
  try {
    const response = await fetchFollowing(url, allowed, AbortSignal.timeout(timeoutMs));
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    }
    return { status: response.status, text: await readBounded(response, url, maxBytes) };
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    return { error };
  }
}

/** GETs `url` as text, retrying transient failures. Throws a PipelineError naming the URL. */
export async function fetchText(url: string, options: ReadOptions = {}): Promise<string> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const allowed = new Set(options.allowOrigins ?? []);
  const maxBytes = options.maxBytes ?? MAX_SPEC_FILE_BYTES;
  for (let attempt = 1; ; attempt++) {
    const outcome = await fetchOnce(url, timeoutMs, allowed, maxBytes);
    if (outcome.text !== undefined) return outcome.text;
    const reason =
      'error' in outcome
        ? `could not fetch: ${describeFetchError(outcome.error)}`
        : `HTTP ${outcome.status} when fetching`;
    if (!isTransient(outcome) || attempt >= attempts) {
      const tries = attempt > 1 ? ` (${attempt} attempts)` : '';
      throw new PipelineError(`${reason}${tries}`, [{ file: url }]);
    }
    options.onRetry?.(url, attempt, reason);
    await sleep(retryDelayMs(attempt, options.retryBaseDelayMs));
  }
}

/**
 * Reads a source: an http(s) URL (see fetchText) or a file (at most MAX_SPEC_FILE_BYTES). Throws
 * naming the source and what it was meant to be (`cannot read page (ENOENT)`).
 */
export async function readSource(
  source: string,
  options: ReadOptions = {},
  what = 'file',
): Promise<string> {
  if (isUrl(source)) return fetchText(source, options);
  let bytes: Buffer;
  try {
    bytes = await readSpecBytes(source);
  } catch (error) {
    if (error instanceof PipelineError)
      throw new SourceTooLargeError(source, MAX_SPEC_FILE_BYTES, 'the file');
    const { code, message } = error as NodeJS.ErrnoException;
    throw new PipelineError(`cannot read ${what} (${code ?? message})`, [{ file: source }]);
  }
  // Refused naming the file and line where not UTF-8: decoded leniently, a byte would become
  // U+FFFD in spec/ without a word.
  return decodeSpecBytes(source, bytes);
}
