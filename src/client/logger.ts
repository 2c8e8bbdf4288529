/**
 * The client's log: five levels, a sink you can replace, and redaction. Header values of
 * `x-api-key`, `authorization`, cookies and other credential headers (policy/secrets.ts,
 * `isCredentialHeader`) print as `***`, and every known secret value (the API keys the client
 * has used, the user's credentials) is replaced in the message and its data before the sink
 * sees them. Messages are built only when their level is on, so a quiet logger costs a comparison.
 */
import { REDACTED_HEADERS } from './constants.ts';
import { FeatherError } from '../../common/feather-error.ts';
import {
  isCredentialHeader,
  REDACTED,
  scrubJson,
  scrubText,
  withJsonForms,
} from './policy/secrets.ts';

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go; `console` fits. Each method gets a message and an optional data object. */
export interface Logger {
  error(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  debug(message: string, data?: Record<string, unknown>): void;
}

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  off: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
};

/**
 * How many distinct secrets (rotated keys, the user's credentials and their parts) are remembered
 * for redaction: room for a few cookies' worth of parts without pushing the key out.
 */
const MAX_REMEMBERED_SECRETS = 64;

/** True for a valid level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(LEVEL_RANK, value);
}

/** A level name from an option or environment variable, or a `FeatherError` naming the source. */
export function parseLogLevel(value: string, source: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (isLogLevel(level)) return level;
  throw new FeatherError(
    `${source} is "${value}": expected one of ${Object.keys(LEVEL_RANK).join(', ')}`,
  );
}

/** The client's logger: level checks, redaction, then the sink. */
export class RedactingLogger {
  private readonly rank: number;
  private readonly secrets: string[] = [];
  /** Each secret's forms (policy/secrets.ts `withJsonForms`: percent-encoded, base64...). */
  private forms: string[] = [];

  constructor(
    readonly level: LogLevel,
    private readonly sink: Logger,
  ) {
    this.rank = LEVEL_RANK[level];
  }

  /** True when lines of `level` are written; check before building an expensive message. */
  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return LEVEL_RANK[level] <= this.rank;
  }

  /** Remembers a secret value so that it never appears in a line. */
  addSecret(secret: string): void {
    // Whatever its length: a short key mangles a line it appears in, rather than leak in it.
    if (this.rank === 0 || secret === '') return;
    if (this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    while (this.secrets.length > MAX_REMEMBERED_SECRETS) this.secrets.shift();
    // A header echoing it percent-encoded or in base64 (the debug line's `requestId`).
    this.forms = withJsonForms(this.secrets);
  }

  error(message: string, data?: Record<string, unknown>): void {
    if (this.rank >= 1) this.write('error', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    if (this.rank >= 2) this.write('warn', message, data);
  }
  info(message: string, data?: Record<string, unknown>): void {
    if (this.rank >= 3) this.write('info', message, data);
  }
  debug(message: string, data?: Record<string, unknown>): void {
    if (this.rank >= 4) this.write('debug', message, data);
  }

  private write(
    level: Exclude<LogLevel, 'off'>,
    message: string,
    data: Record<string, unknown> | undefined,
  ): void {
    const text = `[feather] ${scrubText(message, this.forms)}`;
    if (data === undefined) this.sink[level](text);
    else {
      // Scrubbed value by value, not as JSON text, where a short key could break the JSON.
      const plain = JSON.parse(JSON.stringify(data)) as unknown;
      this.sink[level](text, scrubJson(plain, this.forms) as Record<string, unknown>);
    }
  }
}

/** Headers as a plain object for a log line, with secret-bearing values replaced. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = REDACTED_HEADERS.has(name) || isCredentialHeader(name) ? REDACTED : value;
  });
  return result;
}
