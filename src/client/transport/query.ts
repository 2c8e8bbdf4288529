/**
 * The query serializer: openapi-fetch's own (its output: transport/serialize.ts), with every parameter name and object key
 * percent-encoded first. openapi-fetch 0.17's `serializePrimitiveParam` and
 * `serializeObjectParam` encode values but write names and object keys as they are, so under
 * `validate: false` a key such as `k]&admin=1&z[` adds a parameter of its own (`admin=1`).
 */
import type { QuerySerializerOptions } from 'openapi-fetch';
import type { QueryStyleOptions } from './serialize.ts';

/** Names that need no encoding (the common case, checked once per name). */
const PLAIN_NAME_RE = /^[\w.~-]*$/;

/** A query serializer factory: openapi-fetch's `createQuerySerializer`, or ours (transport/serialize.ts). */
export type QuerySerializerFactory = (
  options?: QueryStyleOptions,
) => (query: Record<string, unknown>) => string;

/**
 * openapi-fetch's serializer for `options` (from `create`: the path style's client passes
 * openapi-fetch's own, which its bundle holds anyway; the operation functions' client ours), over
 * names and object keys encoded first.
 */
export function safeQuerySerializer(
  options: QuerySerializerOptions | undefined,
  create: QuerySerializerFactory,
): (query: Record<string, unknown>) => string {
  const serialize = create(options as QueryStyleOptions | undefined);
  return (query) => serialize(needsEncoding(query) ? withEncodedNames(query) : query);
}

/** True when a name, or a key of an object value, holds a character to encode. */
function needsEncoding(query: Record<string, unknown>): boolean {
  if (query === null || typeof query !== 'object') return false;
  for (const name in query) {
    if (!PLAIN_NAME_RE.test(name)) return true;
    const value = query[name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key in value) if (!PLAIN_NAME_RE.test(key)) return true;
    }
  }
  return false;
}

function withEncodedNames(query: Record<string, unknown>): Record<string, unknown> {
  // No prototype: a name such as `__proto__` is a key like any other.
  const encoded: Record<string, unknown> = Object.create(null) as Dict;
  for (const name in query) {
    let value = query[name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const object: Record<string, unknown> = Object.create(null) as Dict;
      for (const key in value) object[encodeURIComponent(key)] = (value as Dict)[key];
      value = object;
    }
    encoded[encodeURIComponent(name)] = value;
  }
  return encoded;
}

type Dict = Record<string, unknown>;
