/**
 * Value constraints, direction-aware: enums (a request losing a value we may send, a response
 * gaining one an exhaustive `switch` misses), numeric and length bounds, `pattern`, `format`.
 */
import { canonicalJson } from '../../common/canonical.ts';
import type { Json } from '../../common/json.ts';
import { patternLiterals } from '../../common/pattern-literals.ts';
import type { Comparison } from './compare.ts';
import type { DriftRuleId } from './rules.ts';
import type { Shape } from './shape.ts';

/** Numeric bounds: which way tightens, and the request rule for a tightening. */
const BOUNDS: { keyword: string; tightensWhen: 'lower' | 'higher'; rule: DriftRuleId }[] = [
  { keyword: 'maximum', tightensWhen: 'lower', rule: 'request-maximum-lowered' },
  { keyword: 'exclusiveMaximum', tightensWhen: 'lower', rule: 'request-maximum-lowered' },
  { keyword: 'minimum', tightensWhen: 'higher', rule: 'request-minimum-raised' },
  { keyword: 'exclusiveMinimum', tightensWhen: 'higher', rule: 'request-minimum-raised' },
  { keyword: 'maxLength', tightensWhen: 'lower', rule: 'request-max-length-lowered' },
  { keyword: 'minLength', tightensWhen: 'higher', rule: 'request-min-length-raised' },
  { keyword: 'maxItems', tightensWhen: 'lower', rule: 'request-max-items-lowered' },
  { keyword: 'minItems', tightensWhen: 'higher', rule: 'request-min-items-raised' },
  { keyword: 'maxProperties', tightensWhen: 'lower', rule: 'request-constraint-tightened' },
  { keyword: 'minProperties', tightensWhen: 'higher', rule: 'request-constraint-tightened' },
];

/** True when two JSON values are equal (key order does not count). */
export function same(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  // Most values compared are strings and numbers: no need to serialise them.
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** A JSON value, short enough for a message. */
export function jsonPreview(value: Json | undefined): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * An enum's values lost and gained (`noun` names them in the message: `enum value`, or the
 * `pattern value` of a pattern that lists its values, which the types hold as an enum).
 */
export function compareEnums(part: Comparison<Json[] | null>, noun = 'enum value'): void {
  const { compare, direction, base: before, revision: after, at, what } = part;
  const request = direction === 'request';
  if (before === null && after === null) return;
  if (before === null) {
    const rule = request ? 'request-enum-value-removed' : 'response-enum-value-removed';
    compare.report(rule, at, `${what}: now limited to ${jsonPreview(after!)}`);
    return;
  }
  if (after === null) {
    const rule = request ? 'request-enum-value-added' : 'response-enum-value-added';
    compare.report(rule, at, `${what}: no longer limited to ${jsonPreview(before)}`);
    return;
  }
  const beforeKeys = new Set(before.map((value) => canonicalJson(value)));
  const afterKeys = new Set(after.map((value) => canonicalJson(value)));
  const removed = before.filter((value) => !afterKeys.has(canonicalJson(value)));
  const added = after.filter((value) => !beforeKeys.has(canonicalJson(value)));
  if (removed.length > 0) {
    const rule = request ? 'request-enum-value-removed' : 'response-enum-value-removed';
    compare.report(
      rule,
      at,
      `${what}: ${noun}${removed.length > 1 ? 's' : ''} ${removed.map(jsonPreview).join(', ')} removed`,
    );
  }
  if (added.length > 0) {
    const rule = request ? 'request-enum-value-added' : 'response-enum-value-added';
    compare.report(
      rule,
      at,
      `${what}: ${noun}${added.length > 1 ? 's' : ''} ${added.map(jsonPreview).join(', ')} added`,
    );
  }
}

export function compareConstraints(part: Comparison<Shape>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
  const report = (keyword: string, tightened: boolean, rule: DriftRuleId): void => {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    const change = `${what}: ${keyword} ${before === undefined ? 'none' : jsonPreview(before)} -> ${after === undefined ? 'none' : jsonPreview(after)}`;
    if (!request) compare.report('response-constraint-changed', at, change);
    else compare.report(tightened ? rule : 'request-constraint-loosened', at, change);
  };
  for (const { keyword, tightensWhen, rule } of BOUNDS) {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    if (same(before, after)) continue;
    if (typeof before === 'number' && typeof after === 'number') {
      report(keyword, tightensWhen === 'lower' ? after < before : after > before, rule);
    } else if (typeof before === 'boolean' || typeof after === 'boolean') {
      // OpenAPI 3.0's boolean exclusiveMaximum/exclusiveMinimum: turning it on tightens.
      report(keyword, after === true, rule);
    } else {
      report(keyword, after !== undefined, rule);
    }
  }
  const multipleBefore = b.keywords.get('multipleOf');
  const multipleAfter = r.keywords.get('multipleOf');
  if (!same(multipleBefore, multipleAfter)) {
    const loosened =
      multipleAfter === undefined ||
      (typeof multipleBefore === 'number' &&
        typeof multipleAfter === 'number' &&
        multipleBefore % multipleAfter === 0);
    report('multipleOf', !loosened, 'request-constraint-tightened');
  }
  if (!same(b.keywords.get('uniqueItems') ?? false, r.keywords.get('uniqueItems') ?? false))
    report('uniqueItems', r.keywords.get('uniqueItems') === true, 'request-constraint-tightened');
  const patternBefore = b.keywords.get('pattern');
  const patternAfter = r.keywords.get('pattern');
  if (!same(patternBefore, patternAfter)) {
    // `^(minute|hour|day)$` to `^(minute|hour|day|week)$`: a value added, as to an enum (the
    // types list a pattern's values: scripts/pipeline/typegen.ts), not a narrowing.
    const listBefore = b.enum === null ? patternLiterals(patternBefore) : undefined;
    const listAfter = r.enum === null ? patternLiterals(patternAfter) : undefined;
    if (listBefore && listAfter) {
      compareEnums({ ...part, base: listBefore, revision: listAfter }, 'pattern value');
    } else report('pattern', r.keywords.has('pattern'), 'request-pattern-changed');
  }
  if (!same(b.keywords.get('format'), r.keywords.get('format')))
    report('format', r.keywords.has('format'), 'request-format-changed');
}
