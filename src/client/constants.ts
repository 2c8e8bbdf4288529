/** Defaults and fixed names of the client, in one place. Durations carry their unit in the name. */

/** Retries after the first attempt: 2 means at most 3 attempts. */
export const DEFAULT_MAX_RETRIES = 2;
/** Bound on each attempt, from sending the request to the end of the response body. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** First backoff wait; it doubles on every retry. */
export const INITIAL_RETRY_DELAY_MS = 500;
/** Cap on one backoff wait. */
export const MAX_RETRY_DELAY_MS = 8_000;
/** A server asking (Retry-After) for a longer wait than this gets its response returned instead. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** setTimeout's limit (2^31-1 ms, about 24.8 days): a longer wait would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;
/** Backoff waits are shortened by a random share of up to this much, so clients do not align. */
export const RETRY_JITTER_RATIO = 0.25;

export const API_KEY_HEADER = 'x-api-key';
export const REQUEST_ID_HEADER = 'x-request-id';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const SHOULD_RETRY_HEADER = 'x-should-retry';
export const RETRY_AFTER_MS_HEADER = 'retry-after-ms';
export const RETRY_AFTER_HEADER = 'retry-after';

/** Environment variables read when `process.env` exists (Node, Bun, Deno's Node mode). */
export const API_KEY_ENV = 'FEATHER_API_KEY';
export const BASE_URL_ENV = 'FEATHER_BASE_URL';
export const LOG_LEVEL_ENV = 'FEATHER_LOG';

/** Header names whose values never reach a log line. */
export const REDACTED_HEADERS: ReadonlySet<string> = new Set([
  API_KEY_HEADER,
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/** `paginate` stops after this many items unless given `maxItems`. */
export const DEFAULT_MAX_PAGINATED_ITEMS = 10_000;

/** `paginate` stops after this many pages unless given `maxPages`. */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Bound on a decoded response body the client reads: 64 MiB, far above any page or record the
 * API serves (its lists page by `limit`), far below what exhausts a process.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Bound on one server-sent event (its bytes since the last blank line): 2 MiB, far above a
 * streamed delta. Not more: eventsource-parser keeps an event's lines as one string piece each,
 * about 8.5 bytes of heap per byte for a stream of `data: y` lines (measured: 8 MiB -> 70 MB).
 */
export const DEFAULT_MAX_EVENT_BYTES = 2 * 1024 * 1024;

/** An error body nested deeper than this is kept as text by `unwrap`. */
export const MAX_ERROR_BODY_DEPTH = 256;

/** An `APIResponseValidationError` lists at most this many problems of one body. */
export const MAX_RESPONSE_PROBLEMS = 10;
/**
 * Deepest response body checked against its schema, in levels of objects and arrays: the
 * validator recurses, and a body some 300 levels deep under a recursive schema overflowed the
 * stack (a RangeError out of the call). A deeper body is a problem, not checked further.
 */
export const MAX_VALIDATED_BODY_DEPTH = 128;
