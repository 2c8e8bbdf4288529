/**
 * Schema comparison, direction-aware: in a request the question is "does what we send still
 * pass?", in a response "does what we receive still fit the type we compiled against?".
 * `$ref`s are followed, `allOf` merged, and FastAPI's `anyOf: [X, {type: 'null'}]` read as
 * "X or null", so `$ref` vs inline and those spellings make no change.
 */
import { canonicalJson, type Json } from '../canonical.ts';
import { follow, isDict, pointer } from './document.ts';
import type { DriftRuleId } from './rules.ts';
import type { Compare, Position } from './compare.ts';

export type Direction = 'request' | 'response';

/** A schema read into the parts the rules look at, each with where it is defined. */
interface Shape {
  at: string[];
  /** Possible JSON types; `null` when unconstrained. */
  types: Set<string> | null;
  enum: Json[] | null;
  properties: Map<string, { node: Json; at: string[] }>;
  required: Set<string>;
  items?: { node: Json; at: string[] };
  additionalProperties?: { node: Json; at: string[] };
  /** Complex `anyOf`/`oneOf` branches that are not just a type or `null`. */
  variants: Shape[];
  keywords: Map<string, Json>;
}

const KEYWORDS = [
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'pattern',
  'format',
  'multipleOf',
  'uniqueItems',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
] as const;

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

function emptyShape(at: string[]): Shape {
  return {
    at,
    types: null,
    enum: null,
    properties: new Map(),
    required: new Set(),
    variants: [],
    keywords: new Map(),
  };
}

function typesOf(value: Json | undefined): Set<string> | null {
  if (typeof value === 'string') return new Set([value]);
  if (Array.isArray(value)) return new Set(value.map(String));
  return null;
}

function isOnlyNull(shape: Shape): boolean {
  return shape.types?.size === 1 && shape.types.has('null') && shape.properties.size === 0;
}

function isPlainType(shape: Shape): boolean {
  return (
    shape.types !== null &&
    shape.properties.size === 0 &&
    !shape.items &&
    shape.variants.length === 0 &&
    shape.enum === null
  );
}

/** Merges `from` into `into`, as `allOf` does (types intersect, properties and required add). */
function merge(into: Shape, from: Shape): void {
  if (from.types !== null) {
    into.types =
      into.types === null
        ? new Set(from.types)
        : new Set([...into.types].filter((t) => from.types!.has(t)));
  }
  into.enum ??= from.enum;
  for (const [name, property] of from.properties)
    if (!into.properties.has(name)) into.properties.set(name, property);
  for (const name of from.required) into.required.add(name);
  into.items ??= from.items;
  into.additionalProperties ??= from.additionalProperties;
  into.variants.push(...from.variants);
  for (const [keyword, value] of from.keywords)
    if (!into.keywords.has(keyword)) into.keywords.set(keyword, value);
}

/** Reads a schema node (following `$ref`s) into a Shape. */
export function readShape(doc: Json, node: Json | undefined, at: string[], name: string): Shape {
  const located = follow(doc, node, at, name);
  const schema = located.node;
  const shape = emptyShape(located.at);
  if (schema === false) shape.types = new Set();
  if (!isDict(schema)) return shape;
  const here = located.at;

  shape.types = typesOf(schema.type);
  if (schema.nullable === true && shape.types) shape.types.add('null');
  if (Array.isArray(schema.enum)) shape.enum = schema.enum;
  if (schema.const !== undefined) shape.enum = [schema.const];
  for (const [property, value] of Object.entries(
    isDict(schema.properties) ? schema.properties : {},
  ))
    shape.properties.set(property, { node: value, at: [...here, 'properties', property] });
  for (const property of Array.isArray(schema.required) ? schema.required : [])
    shape.required.add(String(property));
  if (schema.items !== undefined) shape.items = { node: schema.items, at: [...here, 'items'] };
  if (isDict(schema.additionalProperties))
    shape.additionalProperties = {
      node: schema.additionalProperties,
      at: [...here, 'additionalProperties'],
    };
  for (const keyword of KEYWORDS)
    if (schema[keyword] !== undefined) shape.keywords.set(keyword, schema[keyword]!);

  (Array.isArray(schema.allOf) ? schema.allOf : []).forEach((branch, index) =>
    merge(shape, readShape(doc, branch, [...here, 'allOf', String(index)], name)),
  );
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const list = schema[combinator];
    if (!Array.isArray(list)) continue;
    const branches = list.map((branch, index) =>
      readShape(doc, branch, [...here, combinator, String(index)], name),
    );
    const nullable = branches.some(isOnlyNull);
    const rest = branches.filter((branch) => !isOnlyNull(branch));
    if (rest.length === 1) {
      const [only] = rest as [Shape];
      const ownTypes = shape.types;
      shape.types = null;
      merge(shape, only);
      if (ownTypes && shape.types)
        shape.types = new Set([...shape.types].filter((t) => ownTypes.has(t)));
    } else if (rest.length > 0 && rest.every(isPlainType)) {
      shape.types = new Set(rest.flatMap((branch) => [...branch.types!]));
    } else if (rest.length > 0) {
      shape.variants.push(...rest);
      const known = rest.every((branch) => branch.types !== null);
      shape.types = known ? new Set(rest.flatMap((branch) => [...branch.types!])) : null;
    } else {
      shape.types = new Set();
    }
    if (nullable && shape.types) shape.types.add('null');
  }
  return shape;
}

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

function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function show(value: Json | undefined): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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
  const b = readShape(compare.base.doc, base.node, base.at, compare.base.name);
  const r = readShape(compare.revision.doc, revision.node, revision.at, compare.revision.name);
  const key = `${pointer(b.at)}|${pointer(r.at)}`;
  if (visiting.has(key)) return;
  visiting.add(key);
  const at: Position = { logical, base: b.at, revision: r.at };
  compareShapes(compare, direction, b, r, at, what, visiting);
  visiting.delete(key);
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
  for (const keyword of ['description', 'title', 'example', 'examples', 'default', 'deprecated']) {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    if (!sameJson(before, after))
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

  compareEnums(compare, request, b.enum, r.enum, at, what);
  compareConstraints(compare, request, b, r, at, what);

  if (allows(b.types, 'object') && allows(r.types, 'object'))
    compareProperties(compare, direction, b, r, at, what, visiting);
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
  compareVariants(compare, direction, b, r, at, what, visiting);
}

function compareEnums(
  compare: Compare,
  request: boolean,
  before: Json[] | null,
  after: Json[] | null,
  at: Position,
  what: string,
): void {
  if (before === null && after === null) return;
  if (before === null) {
    const rule = request ? 'request-enum-value-removed' : 'response-enum-value-removed';
    compare.report(rule, at, `${what}: now limited to ${show(after!)}`);
    return;
  }
  if (after === null) {
    const rule = request ? 'request-enum-value-added' : 'response-enum-value-added';
    compare.report(rule, at, `${what}: no longer limited to ${show(before)}`);
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
      `${what}: enum value${removed.length > 1 ? 's' : ''} ${removed.map(show).join(', ')} removed`,
    );
  }
  if (added.length > 0) {
    const rule = request ? 'request-enum-value-added' : 'response-enum-value-added';
    compare.report(
      rule,
      at,
      `${what}: enum value${added.length > 1 ? 's' : ''} ${added.map(show).join(', ')} added`,
    );
  }
}

function compareConstraints(
  compare: Compare,
  request: boolean,
  b: Shape,
  r: Shape,
  at: Position,
  what: string,
): void {
  const report = (keyword: string, tightened: boolean, rule: DriftRuleId): void => {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    const change = `${what}: ${keyword} ${before === undefined ? 'none' : show(before)} -> ${after === undefined ? 'none' : show(after)}`;
    if (!request) compare.report('response-constraint-changed', at, change);
    else compare.report(tightened ? rule : 'request-constraint-loosened', at, change);
  };
  for (const { keyword, tightensWhen, rule } of BOUNDS) {
    const before = b.keywords.get(keyword);
    const after = r.keywords.get(keyword);
    if (sameJson(before, after)) continue;
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
  if (!sameJson(multipleBefore, multipleAfter)) {
    const loosened =
      multipleAfter === undefined ||
      (typeof multipleBefore === 'number' &&
        typeof multipleAfter === 'number' &&
        multipleBefore % multipleAfter === 0);
    report('multipleOf', !loosened, 'request-constraint-tightened');
  }
  if (!sameJson(b.keywords.get('uniqueItems') ?? false, r.keywords.get('uniqueItems') ?? false))
    report('uniqueItems', r.keywords.get('uniqueItems') === true, 'request-constraint-tightened');
  if (!sameJson(b.keywords.get('pattern'), r.keywords.get('pattern')))
    report('pattern', r.keywords.has('pattern'), 'request-pattern-changed');
  if (!sameJson(b.keywords.get('format'), r.keywords.get('format')))
    report('format', r.keywords.has('format'), 'request-format-changed');
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
