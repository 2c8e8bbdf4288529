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

/** Throws naming the source and every filter value that selects nothing in it. */
export function checkFiltersMatch(
  source: string,
  selection: Selection,
  operations: readonly OperationKey[],
): void {
  const unmatched = unmatchedFilters(selection, operations);
  if (unmatched.length === 0) return;
  const tags = [...new Set(operations.flatMap((op) => op.tags))].sort();
  throw new PipelineError(
    `${unmatched.join(', ')} matched no operation of the source (its tags: ${tags.join(', ')}); nothing was written`,
    [{ file: source }],
  );
}
