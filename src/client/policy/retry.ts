/**
 * The retry policy as pure decisions (after openai-node's `shouldRetry` and
 * `calculateDefaultRetryTimeoutMillis`): whether an attempt's outcome is worth another attempt,
 * and how long to wait first. The retrying fetch (src/client/transport/fetch.ts) sleeps and fetches; this file
 * only decides, so that tables of tests can cover every rule.
 */
import {
  MAX_TIMER_MS,
  RETRY_AFTER_HEADER,
  RETRY_AFTER_MS_HEADER,
  RETRY_JITTER_RATIO,
  SHOULD_RETRY_HEADER,
} from '../constants.ts';
import type { ErrorBodyHints } from './error-hints.ts';

/** What one attempt ended with: a response, or no response at all. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; hints?: ErrorBodyHints }
  | { kind: 'connection-error' }
  | { kind: 'timeout' };

/**
 * Whether to make another attempt after `outcome`, given that `retriesSoFar` retries were made
 * of at most `maxRetries`. Only retryable requests are retried; then the server's
 * `x-should-retry: true|false` header wins, then the body's `retryable`; else connection
 * failures, timeouts, 408, 409, 429 and 5xx are retried and every other status is final.
 */
export function shouldRetry(
  outcome: AttemptOutcome,
  request: { retryable: boolean; retriesSoFar: number; maxRetries: number },
): boolean {
  if (!request.retryable || request.retriesSoFar >= request.maxRetries) return false;
  if (outcome.kind !== 'response') return true;
  const hint = outcome.headers.get(SHOULD_RETRY_HEADER);
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  if (outcome.hints?.retryable !== undefined) return outcome.hints.retryable;
  const { status } = outcome;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The backoff and Retry-After limits, all in milliseconds. */
export interface RetryDelayPolicy {
  /** First backoff wait; doubles on each retry. */
  initialRetryDelayMs: number;
  /** Cap on one backoff wait. */
  maxRetryDelayMs: number;
  /** A Retry-After above this is not waited for (see `retryDelayMs`). */
  maxRetryAfterMs: number;
}

/** What the wait before one retry depends on. */
export interface RetryDelayInput {
  /** 1 for the first retry. */
  retryNumber: number;
  /** The last response's headers (none after a connection failure). */
  headers?: Headers | undefined;
  /** The error body's `retry_after`, in ms (`errorBodyHints`). */
  bodyRetryAfterMs?: number | undefined;
  policy: RetryDelayPolicy;
  /** In [0, 1). @default Math.random */
  random?: () => number;
  /** For an HTTP-date `Retry-After`. @default Date.now() */
  nowMs?: number;
}

/**
 * How long to wait before retry number `retryNumber`. The server's `retry-after-ms`, then
 * `Retry-After` (seconds or an HTTP date), then the error body's `retry_after`
 * (`bodyRetryAfterMs`), win when they parse; above `maxRetryAfterMs` the answer is `undefined`:
 * do not retry, return the response. Otherwise exponential backoff from `initialRetryDelayMs`,
 * doubling, capped at `maxRetryDelayMs`, shortened by up to 25% at random. Never more than
 * `MAX_TIMER_MS`: a longer setTimeout would fire at once.
 */
export function retryDelayMs({
  retryNumber,
  headers,
  bodyRetryAfterMs,
  policy,
  random = Math.random,
  nowMs = Date.now(),
}: RetryDelayInput): number | undefined {
  const asked = (headers ? serverRetryAfterMs(headers, nowMs) : undefined) ?? bodyRetryAfterMs;
  if (asked !== undefined) {
    return asked > policy.maxRetryAfterMs ? undefined : Math.min(asked, MAX_TIMER_MS);
  }
  const backoff = Math.min(
    policy.initialRetryDelayMs * 2 ** (retryNumber - 1),
    policy.maxRetryDelayMs,
    MAX_TIMER_MS,
  );
  return Math.round(backoff * (1 - random() * RETRY_JITTER_RATIO));
}

/**
 * The wait the server asked for, in ms, or `undefined` when it asked for none we can read: a
 * negative or unparsable value is ignored (normal backoff), never read as a loose date
 * (`Date.parse('-5')` is a day in 2001, so a wait of 0).
 */
export function serverRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = parseNonNegativeNumber(headers.get(RETRY_AFTER_MS_HEADER));
  if (ms !== undefined) return Math.ceil(ms);
  const retryAfter = headers.get(RETRY_AFTER_HEADER)?.trim();
  if (retryAfter === undefined) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  const date = parseHttpDate(retryAfter);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}

function parseNonNegativeNumber(text: string | null): number | undefined {
  if (text === null || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms. */
const HTTP_DATE_RE = new RegExp(
  `^(?:${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|` +
    `(${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}))$`,
);

/** An HTTP date in ms since the epoch, or `undefined` for anything else. */
export function parseHttpDate(text: string): number | undefined {
  const match = HTTP_DATE_RE.exec(text);
  if (match === null) return undefined;
  // asctime names no zone; HTTP dates are always GMT.
  const ms = Date.parse(match[1] === undefined ? text : `${text} GMT`);
  return Number.isNaN(ms) ? undefined : ms;
}
