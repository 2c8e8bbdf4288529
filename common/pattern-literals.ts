/**
 * The values a `pattern` allows when it is a list of literals, `^(minute|hour|day|week)$` (how
 * FastAPI writes a `Literal` query parameter or field): for the generated types, which type such a
 * string as the union of its values, and the testing kit's examples.
 */

/** `^(...)$` or `^(?:...)$` around the alternatives, nothing else. */
const ALTERNATION_RE = /^\^\((?:\?:)?([^()]*)\)\$$/;
/** One alternative: characters that stand for themselves in a regular expression. */
const LITERAL_RE = /^[A-Za-z0-9_:-]+$/;
/** More alternatives than a type should list (a pattern that size is not an enum). */
const MAX_LITERALS = 64;

/**
 * The strings `pattern` matches, in the pattern's order without repeats, when it is `^(a|b|c)$`
 * with each alternative made of letters, digits, `_`, `:` and `-` only; otherwise `undefined`.
 */
export function patternLiterals(pattern: unknown): string[] | undefined {
  if (typeof pattern !== 'string') return undefined;
  const match = ALTERNATION_RE.exec(pattern);
  if (match === null) return undefined;
  const alternatives = match[1]!.split('|');
  if (alternatives.length > MAX_LITERALS || !alternatives.every((a) => LITERAL_RE.test(a))) {
    return undefined;
  }
  return [...new Set(alternatives)];
}
