/**
 * A property with a `default` is filled in by the server: optional in what we send, present in
 * what we receive. openapi-typescript's `defaultNonNullable` gets the second half right and, for
 * inline request bodies, the first; a component schema that a request body reaches is typed as a
 * response would be. This marks, in a copy of the document, each defaulted and not `required`
 * property of those schemas, so that typegen's `transformProperty` makes it optional again.
 * Pure: document in, marked copy and counts out.
 */
import { isDict, type Dict } from '../../common/json.ts';
import { refTarget } from './refs.ts';

/** The extension key set on a marked property schema (read by `optionalWhenMarked`). */
export const SENT_WITH_DEFAULT = 'x-feather-sent-with-default';

function decodeSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Names of the component schemas that `starts` reach through `$ref`s, transitively. */
export function reachedSchemas(doc: Dict, starts: readonly unknown[]): Set<string> {
  const schemas = new Set<string>();
  const seenRefs = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isDict(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string' && ref.startsWith('#/') && !seenRefs.has(ref)) {
        seenRefs.add(ref);
        const schema = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
        if (schema) schemas.add(decodeSegment(schema[1]!));
        stack.push(refTarget(doc, ref));
      }
      for (const value of Object.values(node)) if (typeof value === 'object') stack.push(value);
    }
  }
  return schemas;
}

/** Every operation's request body, from `paths`. */
function requestBodies(doc: Dict): unknown[] {
  const bodies: unknown[] = [];
  for (const item of Object.values(isDict(doc.paths) ? doc.paths : {}))
    for (const operation of Object.values(isDict(item) ? item : {}))
      if (isDict(operation) && operation.requestBody !== undefined)
        bodies.push(operation.requestBody);
  return bodies;
}

/** Marks the defaulted optional properties in `schema` and the schemas nested in it (not across `$ref`s). */
function markSchema(schema: unknown, marked: { count: number }): void {
  if (Array.isArray(schema)) {
    for (const item of schema) markSchema(item, marked);
    return;
  }
  if (!isDict(schema) || typeof schema.$ref === 'string') return;
  const required = Array.isArray(schema.required) ? schema.required : [];
  if (isDict(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isDict(property) && property.default !== undefined && !required.includes(name)) {
        property[SENT_WITH_DEFAULT] = true;
        marked.count++;
      }
      markSchema(property, marked);
    }
  }
  for (const key of [
    'items',
    'additionalProperties',
    'not',
    'allOf',
    'anyOf',
    'oneOf',
    'prefixItems',
  ])
    markSchema(schema[key], marked);
  if (isDict(schema.$defs)) markSchema(Object.values(schema.$defs), marked);
}

export interface MarkedDocument {
  doc: Dict;
  /** Component schemas a request body reaches (some are in responses too). */
  schemas: number;
  /** Properties marked optional-when-sent. */
  properties: number;
}

/**
 * A copy of `doc` with each defaulted optional property of a request-side schema marked. A whole
 * copy: openapi-typescript's transform writes into the document it is given (a copy sharing the
 * unmarked parts with `doc` changed the fingerprint computed from `doc` afterwards).
 */
export function markRequestDefaults(doc: Dict): MarkedDocument {
  const copy = structuredClone(doc);
  const names = reachedSchemas(copy, requestBodies(copy));
  const schemas =
    isDict(copy.components) && isDict(copy.components.schemas) ? copy.components.schemas : {};
  const marked = { count: 0 };
  for (const name of names) if (Object.hasOwn(schemas, name)) markSchema(schemas[name], marked);
  return { doc: copy, schemas: names.size, properties: marked.count };
}
