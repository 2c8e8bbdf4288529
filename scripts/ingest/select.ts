/**
 * Which operations of a source to take: `--tag T`, `--operation GLOB` (operationId) and
 * `--path PREFIX`, each repeatable. Values of one filter are alternatives; different filters
 * must all hold. No filter: everything.
 */
import { PipelineError } from '../lib/errors.ts';
import type { OperationKey } from './page.ts';

export interface Selection {
  tags: string[];
  operations: string[];
  paths: string[];
}

export const SELECT_ALL: Selection = { tags: [], operations: [], paths: [] };

/** `get*Dashboard?` -> a RegExp matching the whole operationId (`*` any run, `?` one character). */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** A test for one operation that holds when every given filter does. */
export function selector(selection: Selection): (operation: OperationKey) => boolean {
  const globs = selection.operations.map(globToRegExp);
  return (operation) =>
    (selection.tags.length === 0 || operation.tags.some((tag) => selection.tags.includes(tag))) &&
    (globs.length === 0 || globs.some((glob) => glob.test(operation.operationId))) &&
    (selection.paths.length === 0 ||
      selection.paths.some((prefix) => operation.path.startsWith(prefix)));
}

/**
 * Each filter value that matches no operation of the source at all (a typo, most likely), as
 * `--tag analytcs`.
 */
export function unmatchedFilters(
  selection: Selection,
  operations: readonly OperationKey[],
): string[] {
  const unmatched: string[] = [];
  for (const tag of selection.tags)
    if (!operations.some((op) => op.tags.includes(tag))) unmatched.push(`--tag ${tag}`);
  for (const glob of selection.operations) {
    const pattern = globToRegExp(glob);
    if (!operations.some((op) => pattern.test(op.operationId)))
      unmatched.push(`--operation ${glob}`);
  }
  for (const prefix of selection.paths)
    if (!operations.some((op) => op.path.startsWith(prefix))) unmatched.push(`--path ${prefix}`);
  return unmatched;
}

/** How many operation ids a misspelt `--operation` is told about. */
const MAX_SUGGESTIONS = 3;

/**
 * The operation ids nearest to a glob that matched none (its text without `*` and `?`), best
 * first, at most three: those holding the text (or held in it), then those within a few edits
 * (a quarter of its length, at least 2), case aside. None when nothing is that near.
 */
export function nearestOperationIds(glob: string, operationIds: readonly string[]): string[] {
  const text = glob.replace(/[*?]/g, '').toLowerCase();
  if (text === '') return [];
  const maxEdits = Math.max(2, Math.floor(text.length / 4));
  const near: { id: string; rank: number }[] = [];
  for (const id of new Set(operationIds)) {
    const lower = id.toLowerCase();
    const holds = text.length >= 4 && (lower.includes(text) || text.includes(lower));
    const edits = editDistance(text, lower);
    if (holds || edits <= maxEdits) near.push({ id, rank: holds ? -1 : edits });
  }
  return near
    .sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id))
    .slice(0, MAX_SUGGESTIONS)
    .map((entry) => entry.id);
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * Throws naming the source and every filter value that selects nothing in it, with what might
 * have been meant: the nearest operation ids for an `--operation`, the source's tags otherwise.
 */
export function checkFiltersMatch(
  source: string,
  selection: Selection,
  operations: readonly OperationKey[],
): void {
  const unmatched = unmatchedFilters(selection, operations);
  if (unmatched.length === 0) return;
  const hints: string[] = [];
  const ids = operations.map((op) => op.operationId);
  for (const glob of selection.operations) {
    if (!unmatched.includes(`--operation ${glob}`)) continue;
    const near = nearestOperationIds(glob, ids);
    const prefix = selection.operations.length > 1 ? `for ${glob}: ` : '';
    hints.push(
      near.length > 0
        ? `${prefix}did you mean ${near.slice(0, -1).join(', ')}${near.length > 1 ? ' or ' : ''}${near.at(-1)}?`
        : `${prefix}none of its ${ids.length} operation ids is near it`,
    );
  }
  if (unmatched.some((filter) => !filter.startsWith('--operation '))) {
    const tags = [...new Set(operations.flatMap((op) => op.tags))].sort();
    hints.push(`its tags: ${tags.join(', ')}`);
  }
  throw new PipelineError(
    `${unmatched.join(', ')} matched no operation of the source (${hints.join('; ')}); nothing was written`,
    [{ file: source }],
  );
}
