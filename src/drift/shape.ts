/**
 * Reading a schema into the parts the drift rules look at. `$ref`s are followed, `allOf`
 * merged, and FastAPI's `anyOf: [X, {type: 'null'}]` read as "X or null", so `$ref` vs inline
 * and the spellings of nullable make no difference.
 */
import type { Json } from '../../common/json.ts';
import { isDict } from '../../common/json.ts';
import { DriftInputError, follow, pointer, type Dict } from './document.ts';

/** A schema read into the parts the rules look at, each with where it is defined. */
export interface Shape {
  at: string[];
  /** Possible JSON types; `null` when unconstrained. */
  types: Set<string> | null;
  enum: Json[] | null;
  properties: Map<string, { node: Json; at: string[] }>;
  required: Set<string>;
  items?: { node: Json; at: string[] };
  /** The schema of extra keys, when `additionalProperties` is a non-empty schema. */
  additionalProperties?: { node: Json; at: string[] };
  /**
   * What `additionalProperties` says, as the generated type shows it: `closed` (false: no
   * index signature, the server rejects extra keys), `unlisted` (absent: no index signature),
   * `typed` (a schema: `[key: string]: T`), `any` (true or `{}`: `[key: string]: unknown`).
   */
  extraKeys: ExtraKeys;
  /** The discriminator's property and every tag value it maps (explicit or a schema's name). */
  discriminator: { propertyName: string; values: string[] } | null;
  /** Complex `anyOf`/`oneOf` branches that are not just a type or `null`. */
  variants: Shape[];
  keywords: Map<string, Json>;
}

export type ExtraKeys = 'closed' | 'unlisted' | 'typed' | 'any';

const KEYWORDS = [
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
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

function emptyShape(at: string[]): Shape {
  return {
    at,
    types: null,
    enum: null,
    properties: new Map(),
    required: new Set(),
    variants: [],
    keywords: new Map(),
    extraKeys: 'unlisted',
    discriminator: null,
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

function extraKeysOf(value: Json | undefined): ExtraKeys {
  if (value === false) return 'closed';
  if (value === true || (isDict(value) && Object.keys(value).length === 0)) return 'any';
  return isDict(value) ? 'typed' : 'unlisted';
}

/** The last segment of a `$ref` or a mapping value: the schema's name. */
const schemaName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/**
 * A discriminator's tag values as openapi-typescript types them: each `mapping` key, and for a
 * `oneOf`/`anyOf` `$ref` that no mapping names, the referenced schema's name.
 */
function discriminatorOf(schema: Dict): Shape['discriminator'] {
  const discriminator = schema.discriminator;
  if (!isDict(discriminator) || typeof discriminator.propertyName !== 'string') return null;
  const mapping = isDict(discriminator.mapping) ? discriminator.mapping : {};
  const mapped = new Set(Object.values(mapping).map((target) => schemaName(String(target))));
  const values = new Set(Object.keys(mapping));
  for (const branch of [schema.oneOf, schema.anyOf].flatMap((list) =>
    Array.isArray(list) ? list : [],
  ))
    if (isDict(branch) && typeof branch.$ref === 'string' && !mapped.has(schemaName(branch.$ref)))
      values.add(schemaName(branch.$ref));
  return { propertyName: discriminator.propertyName, values: [...values].sort() };
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
  if (into.extraKeys === 'unlisted') into.extraKeys = from.extraKeys;
  into.variants.push(...from.variants);
  for (const [keyword, value] of from.keywords)
    if (!into.keywords.has(keyword)) into.keywords.set(keyword, value);
}

/** Shapes of `$ref`ed schemas, per document: a shared schema is read once, not per use. */
const SHAPES_BY_REF = new WeakMap<object, Map<string, Shape>>();
/** Shapes of inline schemas, per node: each sits at one place, so its Shape is always the same. */
const SHAPES_BY_NODE = new WeakMap<object, Shape>();
/** Schema nodes being read right now: meeting one again means it is made of itself. */
const READING = new WeakSet<object>();

/**
 * Reads a schema node (following `$ref`s) into a Shape. `at` must be where the node sits in
 * `doc`. Shapes are kept and shared between callers: treat them as read-only.
 */
export function readShape(doc: Json, node: Json | undefined, at: string[], name: string): Shape {
  if (!isDict(node) || !isDict(doc)) return readShapeOnce(doc, node, at, name);
  if (typeof node.$ref !== 'string') {
    let shape = SHAPES_BY_NODE.get(node);
    if (!shape) SHAPES_BY_NODE.set(node, (shape = readShapeOnce(doc, node, at, name)));
    return shape;
  }
  let cache = SHAPES_BY_REF.get(doc);
  if (!cache) SHAPES_BY_REF.set(doc, (cache = new Map()));
  let shape = cache.get(node.$ref);
  if (!shape) cache.set(node.$ref, (shape = readShapeOnce(doc, node, at, name)));
  return shape;
}

function readShapeOnce(doc: Json, node: Json | undefined, at: string[], name: string): Shape {
  const located = follow(doc, node, at, name);
  const schema = located.node;
  const shape = emptyShape(located.at);
  if (schema === false) shape.types = new Set();
  if (!isDict(schema)) return shape;
  if (READING.has(schema))
    throw new DriftInputError(
      'unresolved-ref',
      `${name} (${pointer(at)}): the schema at ${pointer(located.at)} is made of itself (through allOf, anyOf or oneOf, with no object or array between): no type can be read from it`,
    );
  READING.add(schema);
  try {
    readInto(shape, doc, schema, located.at, name);
  } finally {
    READING.delete(schema);
  }
  return shape;
}

function readInto(shape: Shape, doc: Json, schema: Dict, here: string[], name: string): void {
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
  shape.extraKeys = extraKeysOf(schema.additionalProperties);
  if (shape.extraKeys === 'typed')
    shape.additionalProperties = {
      node: schema.additionalProperties!,
      at: [...here, 'additionalProperties'],
    };
  shape.discriminator = discriminatorOf(schema);
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
      shape.discriminator ??= only.discriminator;
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
}
