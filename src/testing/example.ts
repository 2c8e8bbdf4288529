/**
 * An example body made from a response schema, the same for the same seed: what a testing-kit
 * handler answers when it gives no body. A small generator of our own rather than
 * json-schema-faker: the spec's schemas use a handful of keywords (objects, arrays, anyOf with
 * null, enums, formats date and date-time), its output is checked against the schema anyway,
 * and determinism comes from one seeded generator instead of patching a library's Math.random.
 */
import type { Schema } from '@cfworker/json-schema';
import { FeatherError } from '../../common/feather-error.ts';
import { patternLiterals } from '../../common/pattern-literals.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deeper than this, optional properties are left out and arrays are empty (recursive schemas). */
const MAX_DEPTH = 6;
const COMPONENT_REF = '#/components/schemas/';

/** mulberry32: a small seeded generator, 0 <= n < 1. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Context {
  random: () => number;
  components: Readonly<Record<string, Schema | boolean>>;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function resolve(ref: string, context: Context): Schema | boolean {
  const name = ref.startsWith(COMPONENT_REF) ? ref.slice(COMPONENT_REF.length) : undefined;
  // Own keys only: `constructor` or `__proto__` would find Object.prototype's.
  const target =
    name === undefined || !Object.hasOwn(context.components, name)
      ? undefined
      : context.components[name];
  if (target === undefined) throw new FeatherError(`example: cannot resolve $ref ${ref}`);
  return target;
}

function exampleString(schema: Schema, context: Context): string {
  const n = Math.floor(context.random() * 1000);
  const day = String(1 + (n % 28)).padStart(2, '0');
  switch (schema.format) {
    case 'date':
      return `2024-01-${day}`;
    case 'date-time':
      return `2024-01-${day}T${String(n % 24).padStart(2, '0')}:00:00Z`;
    case 'time':
      return `${String(n % 24).padStart(2, '0')}:30:00Z`;
    case 'uuid':
      return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    case 'email':
      return `user${n}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${n}`;
  }
  // `^(a|b|c)$`: the spec's enum-like patterns (FastAPI's `Literal`), typed as their values.
  const literals = patternLiterals(schema.pattern);
  if (literals) return pick(literals, context.random);
  const title =
    typeof schema.title === 'string' ? schema.title.toLowerCase().replace(/\W+/g, '_') : 'text';
  let text = `${title}_${n}`;
  if (typeof schema.minLength === 'number') text = text.padEnd(schema.minLength, 'x');
  if (typeof schema.maxLength === 'number') text = text.slice(0, schema.maxLength);
  if (typeof schema.pattern !== 'string') return text;
  // Another pattern: the first of a few shapes the spec's patterns take that matches it
  // (identifiers, decimals as strings, phone numbers, e-mail addresses).
  const pattern = new RegExp(schema.pattern, 'u');
  const shapes = [
    text,
    `${n}.5`,
    String(n),
    `key_${n}`,
    `KEY_${n}`,
    `+1555${String(n).padStart(7, '0')}`,
    `user${n}@example.com`,
  ];
  return shapes.find((shape) => pattern.test(shape)) ?? text;
}

function exampleNumber(schema: Schema, integer: boolean, context: Context): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : 0;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - 1
        : min + 100;
  const value = min + context.random() * Math.max(0, max - min);
  if (typeof schema.multipleOf === 'number') {
    return Math.min(max, Math.ceil(value / schema.multipleOf) * schema.multipleOf);
  }
  return integer ? Math.floor(value) : Math.round(value * 100) / 100;
}

/**
 * Sets `object[key]` as an own property: assigned, a key named `__proto__` (a spec's JSON can
 * have one) would replace the object's prototype instead.
 */
function defineKey(object: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function exampleOf(schema: Schema | boolean, context: Context, depth: number): Json {
  if (schema === true) return {};
  if (schema === false) throw new FeatherError('example: the schema allows nothing (false)');
  if (typeof schema.$ref === 'string')
    return exampleOf(resolve(schema.$ref, context), context, depth);
  if (schema.const !== undefined) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return pick(schema.enum, context.random) as Json;
  if (Array.isArray(schema.examples) && schema.examples.length > 0)
    return schema.examples[0] as Json;
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => exampleOf(part, context, depth));
    if (parts.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part))) {
      const merged: { [key: string]: Json } = {};
      for (const part of parts as { [key: string]: Json }[])
        for (const [key, value] of Object.entries(part)) defineKey(merged, key, value);
      return merged;
    }
    return parts[0] ?? null;
  }
  const choices = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(choices) && choices.length > 0) {
    // The first alternative that is not null: a nullable field gets a value, so tests see one.
    const chosen = choices.find(
      (choice) => !(typeof choice === 'object' && choice.type === 'null'),
    );
    return exampleOf(chosen ?? choices[0]!, context, depth);
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const type =
    types.find((t) => t !== 'null') ??
    types[0] ??
    (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return context.random() < 0.5;
    case 'integer':
      return exampleNumber(schema, true, context);
    case 'number':
      return exampleNumber(schema, false, context);
    case 'string':
      return exampleString(schema, context);
    case 'array': {
      const count = Math.max(
        typeof schema.minItems === 'number' ? schema.minItems : 0,
        depth < MAX_DEPTH ? 1 : 0,
      );
      const items = schema.items ?? true;
      return Array.from({ length: count }, () =>
        exampleOf(items as Schema | boolean, context, depth + 1),
      );
    }
    case 'object': {
      const result: { [key: string]: Json } = {};
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || depth < MAX_DEPTH)
          defineKey(result, key, exampleOf(property, context, depth + 1));
      }
      return result;
    }
    default:
      // No type: the spec allows any value (FastAPI's `Any`).
      return schema.default !== undefined ? (schema.default as Json) : null;
  }
}

/** A JSON Schema, as parsed JSON. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** An example of `schema` (`#/components/schemas/X` refs into `components`), the same for the same `seed`. */
export function exampleFromSchema(
  schema: JsonSchema,
  components: Readonly<Record<string, JsonSchema>>,
  seed: number,
): unknown {
  const context = {
    random: seededRandom(seed),
    components: components as Readonly<Record<string, Schema | boolean>>,
  };
  return exampleOf(schema as Schema | boolean, context, 0);
}
