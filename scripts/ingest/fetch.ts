/**
 * Reading pages and documents: a file, or an http(s) URL with a timeout and a few retries on
 * transient failures; and a bounded pool that runs many reads at once.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineError } from '../lib/errors.ts';
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

async function fetchOnce(
  url: string,
  timeoutMs: number,
): Promise<AttemptOutcome & { text?: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    }
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { error };
  }
}

/** GETs `url` as text, retrying transient failures. Throws a PipelineError naming the URL. */
export async function fetchText(url: string, options: ReadOptions = {}): Promise<string> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const outcome = await fetchOnce(url, timeoutMs);
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
 * Reads a source: an http(s) URL (see fetchText) or a file. Throws naming the source and what
 * it was meant to be (`cannot read page (ENOENT)`).
 */
export async function readSource(
  source: string,
  options: ReadOptions = {},
  what = 'file',
): Promise<string> {
  if (isUrl(source)) return fetchText(source, options);
  return readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new PipelineError(`cannot read ${what} (${error.code ?? error.message})`, [
      { file: source },
    ]);
  });
}
