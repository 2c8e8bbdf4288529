/**
 * Schema comparison, direction-aware: in a request the question is "does what we send still
 * pass?", in a response "does what we receive still fit the type we compiled against?".
 * Schemas are read by `shape.ts`.
 */
import type { Json } from '../../common/json.ts';
import { compareExtraKeys } from './additional-properties.ts';
import { compareConstraints, compareEnums, same } from './constraints.ts';
import { compareDiscriminators } from './discriminator.ts';
import { DriftInputError, pointer, pointerOfPlace } from './document.ts';
import { compareReadWrite } from './read-write.ts';
import { readShape, type Shape } from './shape.ts';
import type { DriftRuleId } from './rules.ts';
import type { Compare, Direction, Position } from './compare.ts';

export { same };

/** Documentation keywords and the rule reporting a change to each. */
export const DOC_RULES: Record<string, DriftRuleId> = {
  description: 'description-changed',
  summary: 'summary-changed',
  title: 'title-changed',
  example: 'example-changed',
  examples: 'example-changed',
  default: 'default-changed',
  deprecated: 'deprecation-changed',
};

/**
 * Deepest place (in pointer segments) a comparison descends to. Recursive schemas stop at their
 * first repeat; only a chain of distinct schemas, each nesting the next (a hostile document),
 * goes deeper, and would overflow the stack.
 */
export const MAX_COMPARE_SEGMENTS = 512;

/** True when every type in `a` is allowed by `b` (an integer is a number). */
function typesWithin(a: Set<string> | null, b: Set<string> | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  return [...a].every((type) => b.has(type) || (type === 'integer' && b.has('number')));
}

function describeTypes(types: Set<string> | null): string {
  return types === null ? 'any' : types.size === 0 ? 'never' : [...types].sort().join(' | ');
}

function allows(types: Set<string> | null, type: string): boolean {
  return types === null || types.has(type);
}

/** Compares a schema on both sides; reports through `compare`. `what` names it in messages. */
export function compareSchema(
  compare: Compare,
  direction: Direction,
  base: { node: Json | undefined; at: string[] },
  revision: { node: Json | undefined; at: string[] },
  logical: string[],
  what: string,
  visiting: Set<string> = new Set(),
): void {
  if (compare.sameClosure.same(base.node, revision.node)) return;
  if (logical.length > MAX_COMPARE_SEGMENTS)
    throw new DriftInputError(
      'unresolved-ref',
      `${compare.revision.name} (${pointer(revision.at)}): schemas nest more than ${MAX_COMPARE_SEGMENTS} pointer segments deep through $refs (MAX_COMPARE_SEGMENTS), from ${pointer(logical.slice(0, 6))}/...`,
    );
  const b = readShape(compare.base.doc, base.node, base.at, compare.base.name);
  const r = readShape(compare.revision.doc, revision.node, revision.at, compare.revision.name);
  const key = `${pointerOfPlace(b.at)}|${pointerOfPlace(r.at)}`;
  if (visiting.has(key)) {
    compare.cutCycles++;
    return;
  }
  // A shared schema pair compares the same wherever it is reached (hundreds of operations reach
  // the same few schemas): its changes are recorded once and reported again at each new place.
  const pair = `${direction}|${key}`;
  const here = pointer(logical);
  const recorded = compare.schemaPairs.get(pair);
  if (recorded) {
    for (const change of recorded)
      compare.reportDefined(
        change.id,
        here + change.locationSuffix,
        what + change.messageSuffix,
        change.defined,
      );
    return;
  }
  const start = compare.changes.length;
  const cuts = compare.cutCycles;
  visiting.add(key);
  const at: Position = { logical, base: b.at, revision: r.at };
  compareShapes(compare, direction, b, r, at, what, visiting);
  visiting.delete(key);
  // Only a result not cut short by a cycle, and whose changes all sit below this place, is kept.
  if (compare.cutCycles !== cuts) return;
  const found = compare.changes.slice(start);
  const relative = found.every(
    (change) =>
      change.location.startsWith(here) &&
      change.message.startsWith(what) &&
      compare.definedOf.has(change),
  );
  if (relative)
    compare.schemaPairs.set(
      pair,
      found.map((change) => ({
        id: change.id,
        locationSuffix: change.location.slice(here.length),
        messageSuffix: change.message.slice(what.length),
        defined: compare.definedOf.get(change)!,
      })),
    );
}

function compareShapes(
  compare: Compare,
  direction: Direction,
  b: Shape,
  r: Shape,
  at: Position,
  what: string,
  visiting: Set<string>,
): void {
  const request = direction === 'request';
  const part = { compare, direction, at, what };
  for (const keyword of ['description', 'title', 'example', 'examples', 'default', 'deprecated']) {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    if (!same(before, after))
      compare.report(DOC_RULES[keyword]!, at, `${what}: ${keyword} changed`);
  }

  if (!typesWithin(r.types, b.types) || !typesWithin(b.types, r.types)) {
    const change = `${what}: type ${describeTypes(b.types)} -> ${describeTypes(r.types)}`;
    if (request) {
      compare.report(
        typesWithin(b.types, r.types) ? 'request-type-widened' : 'request-type-changed',
        at,
        change,
      );
    } else if (typesWithin(r.types, b.types)) {
      compare.report('response-type-narrowed', at, change);
    } else {
      const added =
        r.types && b.types ? [...r.types].filter((t) => !typesWithin(new Set([t]), b.types)) : [];
      const onlyNull = added.length === 1 && added[0] === 'null';
      compare.report(onlyNull ? 'response-became-nullable' : 'response-type-changed', at, change);
    }
  }

  compareEnums({ ...part, base: b.enum, revision: r.enum });
  compareConstraints({ ...part, base: b, revision: r });

  compareReadWrite({ ...part, base: b, revision: r });
  if (allows(b.types, 'object') && allows(r.types, 'object')) {
    compareExtraKeys({ ...part, base: b, revision: r });
    compareProperties(compare, direction, b, r, at, what, visiting);
  }
  if (b.items && r.items && allows(b.types, 'array') && allows(r.types, 'array')) {
    compareSchema(
      compare,
      direction,
      b.items,
      r.items,
      [...at.logical, 'items'],
      `${what}[]`,
      visiting,
    );
  }
  if (b.additionalProperties && r.additionalProperties) {
    compareSchema(
      compare,
      direction,
      b.additionalProperties,
      r.additionalProperties,
      [...at.logical, 'additionalProperties'],
      `${what}{}`,
      visiting,
    );
  }
  compareDiscriminators({ ...part, base: b.discriminator, revision: r.discriminator });
  compareVariants(compare, direction, b, r, at, what, visiting);
}

function compareProperties(
  compare: Compare,
  direction: Direction,
  b: Shape,
  r: Shape,
  at: Position,
  what: string,
  visiting: Set<string>,
): void {
  const request = direction === 'request';
  for (const [name, before] of b.properties) {
    const logical = [...at.logical, 'properties', name];
    const label = `${what}.${name}`;
    const after = r.properties.get(name);
    const position: Position = { logical, base: before.at, revision: after?.at ?? r.at };
    if (!after) {
      compare.report(
        request ? 'request-property-removed' : 'response-property-removed',
        position,
        `${label} removed`,
        'base',
      );
      continue;
    }
    const wasRequired = b.required.has(name);
    const isRequired = r.required.has(name);
    if (!wasRequired && isRequired) {
      compare.report(
        request ? 'request-property-became-required' : 'response-property-became-required',
        position,
        `${label} became required`,
      );
    } else if (wasRequired && !isRequired) {
      compare.report(
        request ? 'request-property-became-optional' : 'response-property-became-optional',
        position,
        `${label} became optional`,
      );
    }
    compareSchema(compare, direction, before, after, logical, label, visiting);
  }
  for (const [name, after] of r.properties) {
    if (b.properties.has(name)) continue;
    const required = r.required.has(name);
    const rule: DriftRuleId = request
      ? required
        ? 'request-property-required-added'
        : 'request-property-added'
      : 'response-property-added';
    compare.report(
      rule,
      { logical: [...at.logical, 'properties', name], base: b.at, revision: after.at },
      `${what}.${name} added${required ? ' (required)' : ''}`,
    );
  }
}

function compareVariants(
  compare: Compare,
  direction: Direction,
  b: Shape,
  r: Shape,
  at: Position,
  what: string,
  visiting: Set<string>,
): void {
  const request = direction === 'request';
  const shared = Math.min(b.variants.length, r.variants.length);
  for (let index = 0; index < shared; index++) {
    const before = b.variants[index]!;
    const after = r.variants[index]!;
    const logical = [...at.logical, 'anyOf', String(index)];
    const position: Position = { logical, base: before.at, revision: after.at };
    compareShapes(
      compare,
      direction,
      before,
      after,
      position,
      `${what} (variant ${index + 1})`,
      visiting,
    );
  }
  for (const extra of b.variants.slice(shared)) {
    compare.report(
      request ? 'request-variant-removed' : 'response-variant-removed',
      { logical: at.logical, base: extra.at, revision: r.at },
      `${what}: a variant (${describeTypes(extra.types)}) was removed`,
      'base',
    );
  }
  for (const extra of r.variants.slice(shared)) {
    compare.report(
      request ? 'request-variant-added' : 'response-variant-added',
      { logical: at.logical, base: b.at, revision: extra.at },
      `${what}: a variant (${describeTypes(extra.types)}) was added`,
    );
  }
}
