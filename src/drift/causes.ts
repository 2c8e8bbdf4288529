/**
 * Grouping changes by cause. One change upstream often shows at many places: a shared schema
 * reached by 400 operations, or the same security requirement on every operation. A report
 * listing each place buries the few causes under thousands of lines, so the report is by
 * cause, and every change (in JSON) names the cause it belongs to.
 */
import type { DriftChange } from './change.ts';
import { DRIFT_RULES, type ChangeLevel, type DriftRuleId } from './rules.ts';

/** One cause: one rule firing on one node, and every operation where it shows. */
export interface DriftCause {
  /** Stable key; each change's `cause` is one of these. */
  key: string;
  id: DriftRuleId;
  level: ChangeLevel;
  breaking: boolean;
  /**
   * Where the cause lives: the shared node (`#/components/...`), the place inside each
   * operation (`{operation}/responses/409`), or the document-level place.
   */
  at: string;
  /**
   * The message of its first change (the others differ only in where it shows), naming every
   * status when its changes differ only in that (`responses 400, 422 (application/json).message
   * removed`: a shared error schema).
   */
  message: string;
  /** The operations it reaches, sorted (empty for a document-level change). */
  operations: string[];
  /** How many changes it accounts for. */
  changes: number;
  /** For an operation that is gone: the probable successor upstream. */
  successor?: string;
}

const OPERATION_PREFIX = /^#\/paths\/[^/]+\/[a-z]+/;
/** What stands for each operation in a cause's `at`: `{operation}/responses/409`. */
export const EACH_OPERATION = '{operation}';

/**
 * The cause of a change: a change to a shared component (`definedAt`, or a location under
 * `#/components/`) is one cause wherever it shows; otherwise the same rule with the same message
 * at the same place inside each operation (a security requirement, a status added to several
 * operations) is one cause. A message naming the operation (a removal) stays one cause per
 * operation.
 */
export function causeOf(change: Omit<DriftChange, 'cause'>): { key: string; at: string } {
  const shared = change.definedAt?.startsWith('#/components/')
    ? change.definedAt
    : change.location.startsWith('#/components/')
      ? change.location
      : undefined;
  if (shared) return { key: `${change.id} ${shared}`, at: shared };
  if (change.operation === null)
    return { key: `${change.id} ${change.location} ${change.message}`, at: change.location };
  const at = change.location.replace(OPERATION_PREFIX, EACH_OPERATION);
  return { key: `${change.id} ${at} ${change.message}`, at };
}

const LEVEL_ORDER: Record<ChangeLevel, number> = { breaking: 0, warning: 1, info: 2 };
/** Rules in the order of the rule table: operations, exported names, requests, responses. */
const RULE_ORDER = new Map(Object.keys(DRIFT_RULES).map((id, index) => [id, index]));

/**
 * The causes of a list of changes (each change's `cause` already set): breaking first, then by
 * rule (in the rule table's order), then those that reach the most operations, then by key.
 */
export function groupByCause(changes: readonly DriftChange[]): DriftCause[] {
  const causes = new Map<string, DriftCause & { reached: Set<string>; messages: Set<string> }>();
  for (const change of changes) {
    let cause = causes.get(change.cause);
    if (!cause) {
      cause = {
        key: change.cause,
        id: change.id,
        level: DRIFT_RULES[change.id].level,
        breaking: change.breaking,
        at: causeOf(change).at,
        message: change.message,
        operations: [],
        changes: 0,
        reached: new Set(),
        messages: new Set(),
        ...(change.successor ? { successor: change.successor } : {}),
      };
      causes.set(change.cause, cause);
    }
    cause.changes++;
    cause.messages.add(change.message);
    if (change.operation !== null) cause.reached.add(change.operation);
  }
  return [...causes.values()]
    .map(({ reached, messages, ...cause }) => ({
      ...cause,
      message: messageForStatuses([...messages]) ?? cause.message,
      operations: [...reached].sort(),
    }))
    .sort(
      (a, b) =>
        LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
        RULE_ORDER.get(a.id)! - RULE_ORDER.get(b.id)! ||
        b.operations.length - a.operations.length ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
}

const RESPONSE_STATUS = /^response (\S+?)(:? .*)$/s;

/**
 * One message for changes that differ only in the response status they show under (a shared
 * schema as the body of several statuses): `responses 400, 422 ...`. Undefined when there is one
 * message, or when they differ in more than the status.
 */
function messageForStatuses(messages: readonly string[]): string | undefined {
  if (messages.length < 2) return undefined;
  const statuses = new Set<string>();
  let rest: string | undefined;
  for (const message of messages) {
    const match = RESPONSE_STATUS.exec(message);
    if (!match || (rest !== undefined && match[2] !== rest)) return undefined;
    statuses.add(match[1]!);
    rest = match[2]!;
  }
  return `responses ${[...statuses].sort().join(', ')}${rest}`;
}
