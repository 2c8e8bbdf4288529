/**
 * Every client option, documented with its default, and `resolveOptions`, the one place where
 * the defaults are applied (after openapi-fetch's `createClient`).
 */
import type { ClientOptions } from 'openapi-fetch';
import {
  assertKeySafeUrl,
  assertNoCredentials,
  hideUserInfo,
  readEnv,
  resolveApiKeySource,
  type ApiKeySource,
} from './policy/auth.ts';
import {
  BASE_URL_ENV,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  INITIAL_RETRY_DELAY_MS,
  LOG_LEVEL_ENV,
  MAX_RETRY_AFTER_MS,
  MAX_RETRY_DELAY_MS,
  MAX_TIMER_MS,
} from './constants.ts';
import type { ClientTables, GeneratedTables } from './transport/call-context.ts';
import { DEFAULT_BASE_URL } from '../../common/base-url.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { unsendableHeader } from '../../common/header-value.ts';
import { escapedLine } from '../../common/unsafe-characters.ts';
import { parseLogLevel, RedactingLogger, type Logger, type LogLevel } from './logger.ts';
import { safeQuerySerializer, type QuerySerializerFactory } from './transport/query.ts';
import {
  checkSampleRate,
  checkValidationMode,
  type ResponseValidationMode,
} from './policy/response-check.ts';

/** A fetch the client calls once per attempt. It must honour `init.signal`. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/**
 * The default fetch: `globalThis.fetch`, looked up at call time, not called on another object
 * (browsers reject that). While it is in use, the retrying fetch may call `globalThis.fetch`
 * with a URL and init instead of a Request (see `RequestParts` in src/client/transport/request.ts).
 */
export const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** Options of `createFeatherClient()`. */
export interface FeatherClientOptions extends Omit<ClientOptions, 'baseUrl' | 'fetch' | 'headers'> {
  /**
   * The API key, sent as `x-api-key` on every attempt; or a function returning the current key
   * (sync or async), called before every attempt, for keys that rotate.
   * @default process.env.FEATHER_API_KEY (a `FeatherError` when neither is set)
   */
  apiKey?: ApiKeySource;
  /**
   * Root URL of the API. Plain `http://` is refused except to loopback hosts.
   * @default process.env.FEATHER_BASE_URL, else "https://api-sandbox.featherhq.com"
   */
  baseUrl?: string;
  /**
   * Retries after the first attempt, for connection failures, timeouts, 408, 409, 429 and 5xx
   * of idempotent requests. `0` turns retries off.
   * @default 2
   */
  maxRetries?: number;
  /**
   * Bound on each attempt in ms, from sending to the end of the response body (with
   * `parseAs: 'stream'`, to the response; `streamEvents` then bounds the wait for each event or
   * comment line, e.g. a `: ping` heartbeat: bytes that finish neither do not restart it). `0` or
   * `Infinity`: no bound. At most 2147483647 (setTimeout's limit).
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * Bound on a response body the client reads (JSON, text, an error body), in decoded bytes: a
   * larger one ends the call with `APIResponseTooLargeError`, never retried. A `parseAs: 'stream'`
   * body is the caller's to read (`streamEvents` has `maxEventBytes`). `Infinity`: no bound.
   * @default 67108864 (64 MiB)
   */
  maxResponseBytes?: number;
  /**
   * First backoff wait in ms; doubles on each retry. At most 2147483647 (setTimeout's limit).
   * @default 500
   */
  initialRetryDelayMs?: number;
  /**
   * Cap on one backoff wait in ms. At most 2147483647 (setTimeout's limit).
   * @default 8000
   */
  maxRetryDelayMs?: number;
  /**
   * Longest `retry-after-ms`/`Retry-After` wait honoured, in ms; a server asking for more gets
   * its response returned at once instead. `Infinity` honours any wait, clamped to setTimeout's
   * limit (about 24.8 days).
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * Fill the `idempotency_key` body field with a random key (the same on every attempt) when an
   * operation declares that field and the caller left it out, so that the request can be
   * retried safely. Operations without the field are not changed (see docs/client.md, "Idempotency").
   * @default false
   */
  autoIdempotencyKey?: boolean;
  /**
   * Check parameters against the spec before sending; a `FeatherValidationError` lists every
   * problem and nothing is sent.
   * @default true
   */
  validate?: boolean;
  /**
   * The fetch to call for each attempt (e.g. a proxy-aware one). Must honour `init.signal`.
   * @default globalThis.fetch, looked up at call time
   */
  fetch?: FetchLike;
  /**
   * Headers sent with every request; a `null` value removes a header. `x-api-key` is always set
   * from `apiKey`.
   * @default none
   */
  headers?: ClientOptions['headers'];
  /**
   * The generated tables the client runs on (parameter rules, pagination and idempotency
   * metadata): the `generated/index.ts` module of another generation of the spec, e.g.
   * `await import('./generated/index.ts')`.
   * @default the package's own generated/
   */
  generated?: GeneratedTables;
  /**
   * Lines below this level are dropped.
   * @default process.env.FEATHER_LOG, else "warn"
   */
  logLevel?: LogLevel;
  /**
   * Where log lines go. Secrets are redacted before they reach it.
   * @default console
   */
  logger?: Logger;

  // Response validation (src/response-check.ts, docs/testing.md): kept together here.
  /**
   * Check each JSON response body against the spec's schema for its operation and status:
   * `'warn'` logs a mismatch through `logger` (operation, status, JSON pointer; never a value of
   * the body), `'throw'` rejects the call with an `APIResponseValidationError`. The validator
   * and the schemas are imported on the first checked response, never while this is `'off'`.
   * @default 'off'
   */
  validateResponses?: ResponseValidationMode;
  /**
   * The share of responses checked when `validateResponses` is on, from 0 to 1 (0.01: one in a
   * hundred, at random), for production.
   * @default 1
   */
  validateResponsesSampleRate?: number;
}

/** Per-request options, accepted next to openapi-fetch's (`params`, `signal`, `headers`, ...). */
export interface FeatherRequestOptions {
  /** @default the client's `maxRetries` */
  maxRetries?: number;
  /** @default the client's `timeoutMs` */
  timeoutMs?: number;
  /** @default the client's `validate` */
  validate?: boolean;
  /** @default the client's `maxResponseBytes` */
  maxResponseBytes?: number;
  /** Checked whatever the client's sampling rate. @default the client's `validateResponses` */
  validateResponses?: ResponseValidationMode;
}

/** Options after defaults: what the client runs on. */
export interface ResolvedOptions {
  apiKey: ApiKeySource;
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
  maxResponseBytes: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  maxRetryAfterMs: number;
  autoIdempotencyKey: boolean;
  validate: boolean;
  validateResponses: ResponseValidationMode;
  validateResponsesSampleRate: number;
  fetch: FetchLike;
  logger: RedactingLogger;
  tables: ClientTables;
  /** Request URLs starting with this (the checked baseUrl's origin and `/`) may carry the key. */
  keySafeUrlPrefix: string;
  /** What is left for openapi-fetch's `createClient`. */
  clientOptions: ClientOptions;
}

/**
 * The `baseUrl` when none is given: FEATHER_BASE_URL where `process.env` exists, else
 * `DEFAULT_BASE_URL`. The testing kit's mock takes the same, so the two meet without options.
 */
export function defaultBaseUrl(): string {
  return readEnv(BASE_URL_ENV) ?? DEFAULT_BASE_URL;
}

/** Applies every default; throws a `FeatherError` naming the option that is wrong. */
export function resolveOptions(
  options: FeatherClientOptions,
  /** The tables when `options.generated` is not given (the caller's, so that a bundle holds only those it names). */
  defaultTables: ClientTables,
  /** Makes the default query serializer (the caller's, for the same reason). */
  createQuerySerializer: QuerySerializerFactory,
): ResolvedOptions {
  const {
    apiKey,
    baseUrl = defaultBaseUrl(),
    maxRetries = DEFAULT_MAX_RETRIES,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
    initialRetryDelayMs = INITIAL_RETRY_DELAY_MS,
    maxRetryDelayMs = MAX_RETRY_DELAY_MS,
    maxRetryAfterMs = MAX_RETRY_AFTER_MS,
    autoIdempotencyKey = false,
    validate = true,
    fetch: customFetch,
    headers,
    logLevel,
    logger = console,
    generated = defaultTables,
    validateResponses = 'off',
    validateResponsesSampleRate = 1,
    ...clientOptions
  } = options;
  if (typeof baseUrl !== 'string') {
    throw new FeatherError(`baseUrl is a ${typeof baseUrl}: expected a URL string`);
  }
  assertNoCredentials(baseUrl, 'baseUrl');
  assertKeySafeUrl(baseUrl, `baseUrl ${hideUserInfo(baseUrl)}`);
  assertSendableHeaders(headers, 'headers');
  const envLevel = readEnv(LOG_LEVEL_ENV);
  const level =
    logLevel !== undefined
      ? parseLogLevel(logLevel, 'logLevel')
      : envLevel !== undefined
        ? parseLogLevel(envLevel, LOG_LEVEL_ENV)
        : 'warn';
  return {
    apiKey: resolveApiKeySource(apiKey),
    baseUrl,
    maxRetries: checkCount(maxRetries, 'maxRetries'),
    timeoutMs: checkTimeout(timeoutMs, 'timeoutMs'),
    maxResponseBytes: checkByteLimit(maxResponseBytes, 'maxResponseBytes'),
    initialRetryDelayMs: checkTimerMs(initialRetryDelayMs, 'initialRetryDelayMs'),
    maxRetryDelayMs: checkTimerMs(maxRetryDelayMs, 'maxRetryDelayMs'),
    maxRetryAfterMs: checkDuration(maxRetryAfterMs, 'maxRetryAfterMs'),
    autoIdempotencyKey,
    validate,
    validateResponses: checkValidationMode(validateResponses, 'validateResponses'),
    validateResponsesSampleRate: checkSampleRate(
      validateResponsesSampleRate,
      'validateResponsesSampleRate',
    ),
    fetch: customFetch ?? globalFetch,
    logger: new RedactingLogger(level, logger),
    tables: generated,
    keySafeUrlPrefix: `${new URL(baseUrl).origin}/`,
    clientOptions: {
      ...clientOptions,
      baseUrl,
      headers,
      // openapi-fetch's serializer leaves names unencoded (`{ 'k]&admin=1': v }` adds a parameter)
      querySerializer:
        typeof clientOptions.querySerializer === 'function'
          ? clientOptions.querySerializer
          : safeQuerySerializer(clientOptions.querySerializer, createQuerySerializer),
    },
  };
}

/**
 * Throws a `FeatherError` naming the header when one of `headers` has a value fetch cannot send
 * (a line break or NUL inside, a character past U+00FF): fetch's own TypeError quotes the value,
 * often a token. `where` names the option or the call.
 */
export function assertSendableHeaders(headers: unknown, where: string): void {
  const unsendable = unsendableHeader(headers);
  if (unsendable === undefined) return;
  throw new FeatherError(
    `${where}: header ${JSON.stringify(escapedLine(unsendable.name))} has a value that cannot be ` +
      `sent (${unsendable.problem} in it); its value is not shown. Nothing was sent.`,
  );
}

/** A retry count: a whole number from 0. */
export function checkCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new FeatherError(`${name} is ${String(value)}: expected a whole number, 0 or more`);
  }
  return value;
}

/** A size bound in bytes: a whole number from 1, or Infinity for none. */
export function checkByteLimit(value: number, name: string): number {
  if (value !== Infinity && !(Number.isInteger(value) && value >= 1)) {
    throw new FeatherError(
      `${name} is ${String(value)}: expected a whole number of bytes, 1 or more`,
    );
  }
  return value;
}

/** A limit in ms: 0 or more (Infinity allowed); waits it allows are clamped to `MAX_TIMER_MS`. */
export function checkDuration(value: number, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new FeatherError(`${name} is ${String(value)}: expected milliseconds, 0 or more`);
  }
  return value;
}

/** A wait in ms that a timer runs: from 0 to setTimeout's limit (a longer one fires at once). */
export function checkTimerMs(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMER_MS)) {
    throw new FeatherError(
      `${name} is ${String(value)}: expected milliseconds from 0 to ${MAX_TIMER_MS} ` +
        "(setTimeout's limit, about 24.8 days)",
    );
  }
  return value;
}

/** An attempt's time bound: a timer's wait, or 0 or Infinity for none. */
export function checkTimeout(value: number, name: string): number {
  return value === Infinity ? value : checkTimerMs(value, name);
}
