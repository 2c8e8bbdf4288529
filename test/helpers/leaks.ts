/**
 * What the secret tests search for the key: everything a developer or a log shipper could see
 * of a value, and the error an action fails with.
 */
import { inspect } from 'node:util';
import type { Logger } from '../../src/index.ts';

/** A value's text, JSON and inspection (hidden fields too), and its message and stack, down its cause chain. */
export function everythingAbout(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    parts.push(String(current), inspect(current, { depth: 10, showHidden: true }));
    try {
      parts.push(JSON.stringify(current) ?? '');
    } catch {
      // a value too deep to stringify is seen through inspect
    }
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/** The error `action` throws or rejects with; throws when it succeeds. */
export async function failureOf(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** A logger that records each line with its data as JSON, for the tests that search logs for a secret. */
export function recordingLogger(): { lines: string[]; sink: Logger } {
  const lines: string[] = [];
  const record = (message: string, data?: unknown) =>
    void lines.push(`${message} ${JSON.stringify(data)}`);
  return { lines, sink: { error: record, warn: record, info: record, debug: record } };
}
