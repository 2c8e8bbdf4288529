/**
 * The drift report's types and the collector the rules report into.
 */
import { causeOf, type DriftCause } from './causes.ts';
import type { DriftChange } from './change.ts';
import type { Json } from '../../common/json.ts';
import type { Dict } from './document.ts';
import { DriftInputError, pointer, pointerOfPlace } from './document.ts';
import { DRIFT_RULES, type ChangeLevel, type DriftRuleId } from './rules.ts';
import { SameClosure } from './same-closure.ts';

export interface DriftSummary {
  total: number;
  breaking: number;
  warning: number;
  info: number;
  /** How many causes account for the changes, by level. */
  causes: { total: number; breaking: number; warning: number; info: number };
  operations: {
    /** Operations in the pinned API that were compared. */
    compared: number;
    added: number;
    removed: number;
    /** Compared operations with at least one change. */
    changed: number;
  };
  versions: { base: string; revision: string };
}

export interface DriftReport {
  changes: DriftChange[];
  /** The changes grouped by cause, breaking first (see causes.ts). */
  causes: DriftCause[];
  summary: DriftSummary;
}

/** One side of a comparison: the document and the name used for it in messages. */
export interface DriftSide {
  doc: Dict;
  name: string;
}

/** Which way a value travels: what we send, or what we receive. */
export type Direction = 'request' | 'response';

/** One part of a value on both sides, as each comparator of that part takes it. */
export interface Comparison<T> {
  /** The collector the comparator reports into. */
  compare: Compare;
  direction: Direction;
  base: T;
  revision: T;
  at: Position;
  /** Names the value in messages. */
  what: string;
}

/** Where a change is: its logical pointer and the real places on each side. */
export interface Position {
  logical: string[];
  base: string[];
  revision: string[];
}

/** A node and where it is, on one side. */
interface Placed {
  node: Json | undefined;
  at: string[];
}

/** The `base`, `revision` and `at` of a comparison of two placed nodes reached at `logical`. */
export function placedPair(
  logical: string[],
  base: Placed,
  revision: Placed,
): Pick<Comparison<Json | undefined>, 'base' | 'revision' | 'at'> {
  return {
    base: base.node,
    revision: revision.node,
    at: { logical, base: base.at, revision: revision.at },
  };
}

/** A change recorded relative to where its schema pair was reached, to report it again. */
export interface RecordedChange {
  id: DriftRuleId;
  /** The location after the pair's own location. */
  locationSuffix: string;
  /** The message after the pair's `what`. */
  messageSuffix: string;
  defined: string;
}

/**
 * Most changes one comparison reports. 1.21.0 -> 1.87.0 of the whole API is 4,241; 100,000 take
 * about a second, where a $ref bomb of 8 levels of 8 would report 16.7 million.
 */
export const MAX_REPORTED_CHANGES = 100_000;

/** Collects changes for one comparison; the rules call `report`. */
export class Compare {
  readonly changes: DriftChange[] = [];
  operation: string | null = null;
  /**
   * What comparing a schema pair (`direction|base|revision` pointers) found, relative to where
   * it was reached: the same pair compared again reports the same changes at the new place.
   */
  readonly schemaPairs = new Map<string, RecordedChange[]>();
  /** How many comparisons a cycle cut short (a result cut short is not recorded). */
  cutCycles = 0;
  /** Where each change's node is defined (before `definedAt` drops it when equal). */
  readonly definedOf = new WeakMap<DriftChange, string>();

  /** Which schema pairs are the same JSON throughout (nothing to compare). */
  readonly sameClosure: SameClosure;

  constructor(
    readonly base: DriftSide,
    readonly revision: DriftSide,
  ) {
    this.sameClosure = new SameClosure(base.doc, revision.doc);
  }

  /**
   * Records a change. `side` says which document holds the changed node (`base` for removals),
   * for `definedAt`.
   */
  report(
    id: DriftRuleId,
    at: Position,
    message: string,
    side: 'base' | 'revision' = 'revision',
  ): void {
    this.reportDefined(
      id,
      pointer(at.logical),
      message,
      pointerOfPlace(side === 'base' ? at.base : at.revision),
    );
  }

  /** Records a change at `location` whose node is defined at `defined`. */
  reportDefined(id: DriftRuleId, location: string, message: string, defined: string): void {
    this.reportAt(
      id,
      location,
      message,
      defined !== location && defined !== '#/' ? { definedAt: defined } : {},
    );
    this.definedOf.set(this.changes[this.changes.length - 1]!, defined);
  }

  /**
   * Records a change at a place given as text (a place outside the documents). Past
   * MAX_REPORTED_CHANGES, a DriftInputError: each level of properties that `$ref` the next
   * multiplies the places a changed schema is reported at, and a few kilobytes reach millions.
   */
  reportAt(
    id: DriftRuleId,
    location: string,
    message: string,
    extra: { definedAt?: string; successor?: string } = {},
  ): void {
    if (this.changes.length >= MAX_REPORTED_CHANGES)
      throw new DriftInputError(
        'unresolved-ref',
        `${this.revision.name}: the comparison found more than ${MAX_REPORTED_CHANGES} changes (MAX_REPORTED_CHANGES), the last at ${location}: schemas reached through $refs along that many paths (properties that each $ref the next level) cannot be reported`,
      );
    const level = DRIFT_RULES[id].level;
    const change = {
      id,
      breaking: level === 'breaking',
      level,
      operation: this.operation,
      location,
      ...(extra.definedAt ? { definedAt: extra.definedAt } : {}),
      message,
      ...(extra.successor ? { successor: extra.successor } : {}),
    };
    this.changes.push({ ...change, cause: causeOf(change).key });
  }
}

const LEVEL_ORDER: Record<ChangeLevel, number> = { breaking: 0, warning: 1, info: 2 };
/** `localeCompare`'s order from one collator, made once (`localeCompare` itself was ~0.07 s here). */
const byLocale = new Intl.Collator().compare;

/** Orders changes: breaking first, then by operation, location and rule. */
export function sortChanges(changes: DriftChange[]): DriftChange[] {
  return [...changes].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      byLocale(a.operation ?? '', b.operation ?? '') ||
      byLocale(a.location, b.location) ||
      byLocale(a.id, b.id),
  );
}
