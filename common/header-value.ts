/**
 * Whether fetch can send a header value, decided before it tries: `Headers` refuses one with a
 * line break or NUL inside, or a character past U+00FF, with a TypeError that quotes the value,
 * and a header value is often a token. For the client's `headers` and drift's `--header`.
 */

/** What `Headers` trims from both ends of a value before checking it (the Fetch standard's HTTP white space). */
const SURROUNDING_WHITE_SPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Why `value` cannot be sent as a header value (`'a line break'`, ...), or `undefined` if it can. */
export function headerValueProblem(value: string): string | undefined {
  if (/[^\u0000-\u00ff]/.test(value)) return 'a character past U+00FF';
  const trimmed = value.replace(SURROUNDING_WHITE_SPACE, '');
  if (/[\r\n]/.test(trimmed)) return 'a line break';
  if (trimmed.includes('\0')) return 'a NUL character';
  return undefined;
}

/**
 * The first header of `headers` (a record, a list of pairs or a `Headers`, as fetch and
 * openapi-fetch take them; `null` and `undefined` values are skipped) whose value cannot be sent,
 * with why; `undefined` when every one can.
 */
export function unsendableHeader(headers: unknown): { name: string; problem: string } | undefined {
  if (!headers || typeof headers !== 'object' || headers instanceof Headers) return undefined;
  const entries: Iterable<[unknown, unknown]> = Array.isArray(headers)
    ? (headers as [unknown, unknown][])
    : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === null || item === undefined) continue;
      const problem = headerValueProblem(String(item));
      if (problem !== undefined) return { name: String(name), problem };
    }
  }
  return undefined;
}
