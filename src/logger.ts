/**
 * The client's log: five levels, a sink you can replace, and redaction. Header values of
 * `x-api-key`, `authorization` and cookies print as `***`, and every known secret value (the
 * API keys the client has used) is replaced in the message and its data before the sink sees
 * them. Messages are built only when their level is on, so a quiet logger costs a comparison.
 */
import { REDACTED_HEADERS } from './constants.ts';
import { FeatherError } from './errors.ts';

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

/** The text that stands in for a secret. */
export const REDACTED = '***';
/** How many distinct secrets (rotated keys) are remembered for redaction. */
const MAX_REMEMBERED_SECRETS = 16;
/**
 * Shorter values are not scrubbed from free text: a test key such as "k" would mangle every
 * word holding that letter. Header values are redacted by name whatever their length.
 */
const MIN_SCRUBBED_SECRET_LENGTH = 8;

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
    if (this.rank === 0 || secret.length < MIN_SCRUBBED_SECRET_LENGTH) return;
    if (this.secrets.includes(secret)) return;
    // The data object is scrubbed as JSON text, where `"` and `\` in a key appear escaped.
    const escaped = JSON.stringify(secret).slice(1, -1);
    this.secrets.push(...(escaped === secret ? [secret] : [secret, escaped]));
    while (this.secrets.length > MAX_REMEMBERED_SECRETS) this.secrets.shift();
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
    const text = `[feather] ${this.scrub(message)}`;
    if (data === undefined) this.sink[level](text);
    else
      this.sink[level](
        text,
        JSON.parse(this.scrub(JSON.stringify(data))) as Record<string, unknown>,
      );
  }

  private scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(REDACTED);
    return result;
  }
}

/** Headers as a plain object for a log line, with secret-bearing values replaced. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = REDACTED_HEADERS.has(name) ? REDACTED : value;
  });
  return result;
}
