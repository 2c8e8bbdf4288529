/**
 * Which operation on one side is which on the other: the same `METHOD /path`, or else the same
 * operationId on another method or path (a path template renamed, `/things/{id}` ->
 * `/things/{thingId}`, changes the path key but not the operation).
 */
import type { OperationEntry } from './document.ts';

export interface OperationPairs {
  /** Pinned operations with their counterpart, in the pinned document's order. */
  pairs: [before: OperationEntry, after: OperationEntry][];
  removed: OperationEntry[];
  added: OperationEntry[];
}

const operationIdOf = (entry: OperationEntry): string | null =>
  typeof entry.operation.operationId === 'string' ? entry.operation.operationId : null;

/**
 * Pairs the operations of two sides. `inScope` limits the comparison (a documentation page's
 * operations): a pair is in scope when either of its keys is, so a page that documents an
 * operation under its new path still compares it with the pinned one.
 */
export function pairOperations(
  before: Map<string, OperationEntry>,
  after: Map<string, OperationEntry>,
  inScope: (key: string) => boolean,
): OperationPairs {
  const moved = new Map<string, OperationEntry>();
  for (const entry of after.values()) {
    const id = operationIdOf(entry);
    if (id !== null && !before.has(entry.key) && !moved.has(id)) moved.set(id, entry);
  }
  const result: OperationPairs = { pairs: [], removed: [], added: [] };
  /** Keys on the other side that have a pinned counterpart, in scope or not. */
  const taken = new Set<string>();
  for (const entry of before.values()) {
    const id = operationIdOf(entry);
    let other = after.get(entry.key);
    const candidate = id === null ? undefined : moved.get(id);
    if (!other && candidate && !taken.has(candidate.key)) other = candidate;
    if (other) taken.add(other.key);
    if (!inScope(entry.key) && !(other && inScope(other.key))) continue;
    if (other) result.pairs.push([entry, other]);
    else result.removed.push(entry);
  }
  for (const entry of after.values())
    if (!taken.has(entry.key) && inScope(entry.key)) result.added.push(entry);
  return result;
}
