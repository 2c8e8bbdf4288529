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
import { placedPair, type Comparison, type Position } from './compare.ts';

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

/**
 * Compares a schema on both sides (`base` and `revision` are the schema nodes, `at` where each
 * is reached); reports through `compare`. `what` names it in messages.
 */
export function compareSchema(
  { compare, direction, base, revision, at: reached, what }: Comparison<Json | undefined>,
  visiting: Set<string> = new Set(),
): void {
  const logical = reached.logical;
  if (compare.sameClosure.same(base, revision)) return;
  if (logical.length > MAX_COMPARE_SEGMENTS)
    throw new DriftInputError(
      'unresolved-ref',
      `${compare.revision.name} (${pointer(reached.revision)}): schemas nest more than ${MAX_COMPARE_SEGMENTS} pointer segments deep through $refs (MAX_COMPARE_SEGMENTS), from ${pointer(logical.slice(0, 6))}/...`,
    );
  const b = readShape(compare.base.doc, base, reached.base, compare.base.name);
  const r = readShape(compare.revision.doc, revision, reached.revision, compare.revision.name);
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
  compareShapes({ compare, direction, base: b, revision: r, at, what }, visiting);
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

function compareShapes(part: Comparison<Shape>, visiting: Set<string>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
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
    compareProperties(part, visiting);
  }
  if (b.items && r.items && allows(b.types, 'array') && allows(r.types, 'array')) {
    compareSchema(
      { ...part, ...placedPair([...at.logical, 'items'], b.items, r.items), what: `${what}[]` },
      visiting,
    );
  }
  if (b.additionalProperties && r.additionalProperties) {
    compareSchema(
      {
        ...part,
        ...placedPair(
          [...at.logical, 'additionalProperties'],
          b.additionalProperties,
          r.additionalProperties,
        ),
        what: `${what}{}`,
      },
      visiting,
    );
  }
  compareDiscriminators({ ...part, base: b.discriminator, revision: r.discriminator });
  compareVariants(part, visiting);
}

function compareProperties(part: Comparison<Shape>, visiting: Set<string>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
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
    compareSchema({ ...part, ...placedPair(logical, before, after), what: label }, visiting);
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

function compareVariants(part: Comparison<Shape>, visiting: Set<string>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
  const shared = Math.min(b.variants.length, r.variants.length);
  for (let index = 0; index < shared; index++) {
    const before = b.variants[index]!;
    const after = r.variants[index]!;
    const logical = [...at.logical, 'anyOf', String(index)];
    const position: Position = { logical, base: before.at, revision: after.at };
    compareShapes(
      {
        ...part,
        base: before,
        revision: after,
        at: position,
        what: `${what} (variant ${index + 1})`,
      },
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
