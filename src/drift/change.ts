/**
 * One change of a drift report, in a file of its own: the rules (compare.ts) make it and the
 * grouping (causes.ts) reads it, and neither imports the other for it.
 */
import type { ChangeLevel, DriftRuleId } from './rules.ts';

/** One change between the pinned API and the other side. */
export interface DriftChange {
  /** Stable rule name (see DRIFT_RULES and the rule table in docs/drift.md). */
  id: DriftRuleId;
  /** True when code compiled against the pinned types can break. */
  breaking: boolean;
  level: ChangeLevel;
  /** `GET /v1/...`, or `null` for a document-level change (`info.version`, servers). */
  operation: string | null;
  /** JSON pointer to the change, through the operation (`$ref`s followed). */
  location: string;
  /** Where the changed node is defined when that differs from `location` (a shared `$ref`). */
  definedAt?: string;
  message: string;
  /** The cause this change belongs to (a `key` of the report's `causes`). */
  cause: string;
  /** For `operation-removed`: the probable successor upstream (`METHOD /path (operationId)`). */
  successor?: string;
}
