/**
 * Every error the client throws or rejects with, in one hierarchy (after openai-node's
 * `error.ts`): `FeatherError` at the root; `APIError` and one subclass per status family for
 * HTTP errors (thrown by `unwrap`); connection, timeout and user-abort errors for transport
 * failures; `FeatherValidationError` for parameters that break the spec. `APIResponseValidationError`
 * (a response that breaks it) sits in response-validation-error.ts, so that it is bundled with the
 * validator, which alone throws it, not into every client. No message, property or
 * cause ever holds the API key: errors carry response headers, never request headers.
 */
import type { ErrorResponse, HTTPValidationError } from '../../generated/index.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { printableLine } from '../../common/printable-line.ts';
import { REQUEST_ID_HEADER } from './constants.ts';
import { plural, requestIdSuffix } from './message-parts.ts';
import { errorBodyHints } from './policy/error-hints.ts';
import { holdsSecret, scrubHeaders, scrubText } from './policy/secrets.ts';

/**
 * An error body as the client receives it: Feather's `ErrorResponse` (FastAPI's
 * `HTTPValidationError` on most 422s), the text of a body that is not JSON (a proxy's HTML page),
 * or `undefined` when it is empty.
 */
export type APIErrorBody = ErrorResponse | HTTPValidationError | string | undefined;

/** Where an HTTP error came from, as far as the caller knows it. */
export interface APIErrorInit<TBody = unknown> {
  status: number;
  headers: Headers;
  /** The parsed error body (openapi-fetch's `error`): JSON if it parsed, else the text. */
  body: TBody;
  /** `GET`, `POST`, ... when known. */
  method?: string;
  /** The request URL (or the response URL when the method is unknown). */
  url?: string;
}

/**
 * An HTTP response that was not ok (status outside 200-299). Not generic: TypeScript narrows
 * `instanceof` on a generic class to `any` type arguments, so `body` is typed per class instead,
 * as the spec declares it for that status on (nearly) every operation. For one operation's exact
 * error type, use the result style's `error`.
 */
export class APIError extends FeatherError {
  override name = 'APIError';
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The error body: parsed JSON, or the text when it is not JSON, or `undefined` when empty. */
  readonly body: APIErrorBody;
  /** The server's `x-request-id`, to quote when asking Feather support. */
  readonly requestId: string | undefined;
  /** The body's `retryable` (Feather's `ErrorResponse`, 1.87.0 on), when it says. */
  readonly retryable: boolean | undefined;
  /** The body's `retry_after`, in seconds, when it says. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: APIErrorInit) {
    const requestId = init.headers.get(REQUEST_ID_HEADER) ?? undefined;
    super(describeAPIError(init, requestId));
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body as APIErrorBody;
    this.requestId = requestId;
    const hints = errorBodyHints(init.body);
    this.retryable = hints.retryable;
    this.retryAfterSeconds =
      hints.retryAfterMs === undefined
        ? undefined
        : (init.body as { retry_after: number }).retry_after;
  }

  /** The subclass for `status`: 400, 401, 403, 404, 409, 422, 429, 5xx, else `APIError`. */
  static generate(init: APIErrorInit): APIError {
    const { status } = init;
    if (status === 400) return new BadRequestError(init);
    if (status === 401) return new AuthenticationError(init);
    if (status === 403) return new PermissionDeniedError(init);
    if (status === 404) return new NotFoundError(init);
    if (status === 409) return new ConflictError(init);
    if (status === 422) return new UnprocessableEntityError(init);
    if (status === 429) return new RateLimitError(init);
    if (status >= 500) return new InternalServerError(init);
    return new APIError(init);
  }
}

/** Feather's `ErrorResponse`, or text, or nothing. */
type FeatherErrorBody = ErrorResponse | string | undefined;

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
  declare readonly body: FeatherErrorBody;
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
  declare readonly body: FeatherErrorBody;
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
  declare readonly body: FeatherErrorBody;
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
  declare readonly body: FeatherErrorBody;
}
/** 409: `ErrorResponse`; three operations of 1.87.0 declare their own conflict body. */
export class ConflictError extends APIError {
  override name = 'ConflictError';
  declare readonly body: FeatherErrorBody;
}
/** 422: the server rejected the parameters (FastAPI's `HTTPValidationError` body). */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
  declare readonly body: HTTPValidationError | string | undefined;
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  declare readonly body: FeatherErrorBody;
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
  declare readonly body: FeatherErrorBody;
}

/** Options shared by the transport errors. */
export interface TransportErrorInit {
  method: string;
  /** Origin and path of the request (no query string). */
  url: string;
  /** How many attempts were made, retries included. */
  attempts: number;
  cause?: unknown;
}

/** No response arrived: DNS, refused or reset connection, TLS, or a body cut short. */
export class APIConnectionError extends FeatherError {
  override name = 'APIConnectionError';
  readonly attempts: number;

  constructor(init: TransportErrorInit, message?: string) {
    super(
      message ??
        `${init.method} ${init.url}: connection failed after ${plural(init.attempts, 'attempt')}` +
          `${causeSuffix(init.cause)}. Check the network and baseUrl.`,
      { cause: init.cause },
    );
    this.attempts = init.attempts;
  }
}

/** Every attempt ran past `timeoutMs`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  readonly timeoutMs: number;

  constructor(init: TransportErrorInit & { timeoutMs: number }, message?: string) {
    super(
      init,
      message ??
        `${init.method} ${init.url}: timed out after ${plural(init.attempts, 'attempt')} of at ` +
          `most ${init.timeoutMs} ms each. Raise timeoutMs or maxRetries if the server is slow.`,
    );
    this.timeoutMs = init.timeoutMs;
  }
}

/** The caller's `AbortSignal` fired; `cause` is the signal's reason. */
export class APIUserAbortError extends FeatherError {
  override name = 'APIUserAbortError';

  constructor(init: { method: string; url: string; cause?: unknown }) {
    super(`${init.method} ${init.url}: aborted by the caller's signal`, { cause: init.cause });
  }
}

/**
 * The server redirected where the client does not follow: another origin (the key, the
 * Idempotency-Key and the body stay home), more than 5 hops, or a target the browser hides.
 * Never retried.
 */
export class APIRedirectError extends FeatherError {
  override name = 'APIRedirectError';
  /** The redirect's status (0 for a browser's opaque redirect). */
  readonly status: number;
  /** Where the server redirected to, when known: its origin only. */
  readonly targetOrigin: string | undefined;

  constructor(init: {
    method: string;
    url: string;
    status: number;
    targetOrigin?: string;
    reason: string;
  }) {
    super(`${init.method} ${init.url}: ${init.reason}`);
    this.status = init.status;
    this.targetOrigin = init.targetOrigin;
  }
}

/** A successful response whose body is not the JSON it claims to be. */
/**
 * What JSON.parse quotes of the body: all of it, or (V8) about ten characters either side of the
 * error, `..."{"token": sk_live_SE"...`, which can hold part of a key the server echoed, where
 * scrubbing the whole key finds nothing to replace.
 */
const QUOTED_BODY = /(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?/;

/** A parse error whose message quotes none of the body (a new SyntaxError when it did). */
function unquotedParseError(cause: unknown, secrets: readonly string[]): unknown {
  if (!(cause instanceof SyntaxError)) return cause;
  const message = cause.message.replace(QUOTED_BODY, 'the body');
  if (message === cause.message && !holdsSecret(message, secrets)) return cause;
  return new SyntaxError(scrubText(message, secrets));
}

export class APIResponseParseError extends FeatherError {
  override name = 'APIResponseParseError';
  readonly status: number;
  readonly headers: Headers;
  readonly requestId: string | undefined;

  /** `secrets`: the keys to scrub, should the server have echoed one (JSON.parse quotes the body). */
  constructor(init: {
    method: string;
    url: string;
    response: Response;
    cause?: unknown;
    secrets?: readonly string[];
  }) {
    const secrets = init.secrets ?? [];
    const headers = scrubHeaders(init.response.headers, secrets);
    const requestId = headers.get(REQUEST_ID_HEADER) ?? undefined;
    const cause = unquotedParseError(init.cause, secrets);
    const isStream = init.response.headers.get('content-type')?.includes('text/event-stream');
    super(
      `${init.method} ${init.url}: the ${init.response.status} response body is not valid JSON` +
        `${causeSuffix(cause)}${requestIdSuffix(requestId)}` +
        (isStream
          ? `. It is a text/event-stream: read it with streamEvents(client.${init.method}(..., { parseAs: 'stream' }))`
          : ''),
      { cause },
    );
    this.status = init.response.status;
    this.headers = headers;
    this.requestId = requestId;
  }
}

/**
 * A body the client reads grew past its bound (`maxResponseBytes`), or one server-sent event
 * past `maxEventBytes`: reading stopped there and the connection was let go. Never retried.
 */
export class APIResponseTooLargeError extends FeatherError {
  override name = 'APIResponseTooLargeError';
  readonly status: number;
  /** The option that set the bound: `maxResponseBytes` or `maxEventBytes`. */
  readonly limitName: string;
  readonly limitBytes: number;

  constructor(init: {
    method: string;
    url: string;
    status: number;
    limitName: 'maxResponseBytes' | 'maxEventBytes';
    limitBytes: number;
  }) {
    const what =
      init.limitName === 'maxEventBytes'
        ? 'an event of the stream (bytes since the last blank line)'
        : `the ${init.status} response body (decoded)`;
    super(
      `${init.method} ${init.url}: ${what} is larger than ${init.limitName} ` +
        `(${init.limitBytes} bytes); reading stopped there. Raise ${init.limitName} if so much is expected.`,
    );
    this.status = init.status;
    this.limitName = init.limitName;
    this.limitBytes = init.limitBytes;
  }
}

/** One parameter that breaks the spec's constraints. */
export interface ParameterProblem {
  /** `query`, `path`, `header` or `cookie`. */
  in: string;
  name: string;
  /** What is wrong, e.g. `500 is above the maximum 100`. */
  message: string;
}

/** Parameters broke the spec's constraints; nothing was sent. */
export class FeatherValidationError extends FeatherError {
  override name = 'FeatherValidationError';
  /** `"GET /v1/..."` */
  readonly operation: string;
  readonly problems: readonly ParameterProblem[];

  constructor(operation: string, problems: readonly ParameterProblem[]) {
    super(
      `${operation}: ${plural(problems.length, 'invalid parameter')}, nothing was sent:\n` +
        problems.map((p) => `  - ${p.in}.${p.name}: ${p.message}`).join('\n') +
        '\n(pass validate: false to send anyway)',
    );
    this.operation = operation;
    this.problems = problems;
  }
}

function describeAPIError(init: APIErrorInit, requestId: string | undefined): string {
  const where = init.method && init.url ? `${init.method} ${init.url}` : (init.url ?? 'request');
  // The server's words, made one printable line of bounded length: a hostile body's ESC or
  // U+202E would reach the terminal or log that shows the error, its megabyte `message` whole.
  const summary = printableLine(truncate(bodySummary(init.body), MAX_SUMMARY_CHARS));
  return `${where}: ${init.status}${summary}${requestIdSuffix(requestId)}`;
}

/** How much of an error body's summary a message shows. */
const MAX_SUMMARY_CHARS = 500;

/** The useful part of an error body: Feather's `error`/`message`, FastAPI's `detail`, or text. */
function bodySummary(body: unknown): string {
  if (body === undefined || body === null || body === '') return ' (empty body)';
  if (typeof body === 'string') return ` ${truncate(body)}`;
  if (typeof body === 'object') {
    const { error, message, detail } = body as Record<string, unknown>;
    if (typeof error === 'string' || typeof message === 'string') {
      return ` ${[error, message].filter((part) => typeof part === 'string').join(': ')}`;
    }
    if (Array.isArray(detail)) {
      const first = detail[0] as { loc?: unknown[]; msg?: unknown } | undefined;
      const where = Array.isArray(first?.loc) ? first.loc.map(shownPart).join('.') : '';
      return ` validation failed: ${where} ${shownPart(first?.msg ?? '')}`.trimEnd();
    }
  }
  try {
    return ` ${truncate(JSON.stringify(body) ?? '')}`;
  } catch {
    return ' (a body too deeply nested to show)'; // JSON.stringify recurses: a RangeError
  }
}

/**
 * A part of a parsed body as text. Not `String()`: JSON can give an object its own `toString`
 * or `valueOf` key (a string, not a function), and `String()` of it throws a TypeError.
 */
function shownPart(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '(a value too deeply nested to show)';
  }
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

function causeSuffix(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return ` (${typeof code === 'string' ? code : cause.message})`;
}
