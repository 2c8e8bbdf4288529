/**
 * What the client needs to know about operations beyond their parameters, found in the spec (no
 * hand-made list): which GET operations page with a cursor (and under which names), and which
 * operations take Feather's own `idempotency_key` in their JSON body. Pure: joined document in,
 * JSON-able tables out; rendered to generated/operations.ts by scripts/pipeline/render.ts.
 */
import { isDict, type Dict } from '../../common/json.ts';
import { eachOperation, resolve } from './refs.ts';

/** How one GET operation pages: the names of the cursor parameter and the response fields. */
export interface PaginationMeta {
  /** Query parameter taking the cursor (`cursor`, or `start_cursor`). */
  cursor: string;
  /** Response field holding the next page's cursor (null or absent on the last page). */
  nextCursor: string;
  /** Response field saying whether another page exists, when the response declares one. */
  hasMore?: string;
  /** Response field holding the page's items (an array). */
  items: string;
}

export interface OperationMeta {
  /** Path of a paginated GET -> how it pages. Keys sorted. */
  pagination: Record<string, PaginationMeta>;
  /** `"POST /path"` of each operation whose JSON request body declares `idempotency_key`. Sorted. */
  idempotencyKeyBody: string[];
  /**
   * GETs with a cursor parameter whose page shape is ambiguous (several array fields, none named
   * `items`): left out of `pagination`, listed so that the generator can say so.
   */
  skipped: string[];
}

/** The properties of an object schema, following `$ref` and a single `allOf`. */
function properties(doc: Dict, raw: unknown): Dict {
  const schema = resolve(doc, raw);
  if (!isDict(schema)) return {};
  const own = isDict(schema.properties) ? schema.properties : {};
  const merged = Array.isArray(schema.allOf)
    ? Object.assign({}, ...schema.allOf.map((part) => properties(doc, part)))
    : {};
  return { ...merged, ...own };
}

/** True when a schema is an array (or an array or null). */
function isArraySchema(doc: Dict, raw: unknown): boolean {
  const schema = resolve(doc, raw);
  if (!isDict(schema)) return false;
  if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')))
    return true;
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return alternatives.some((alt) => isArraySchema(doc, alt));
}

/** The JSON body schema of an operation's first 2xx response. */
function successSchema(doc: Dict, operation: Dict): unknown {
  const responses = isDict(operation.responses) ? operation.responses : {};
  for (const status of Object.keys(responses)
    .filter((s) => /^2\d\d$/.test(s))
    .sort()) {
    const response = resolve(doc, responses[status]);
    const content = isDict(response) && isDict(response.content) ? response.content : {};
    const json = content['application/json'];
    if (isDict(json)) return json.schema;
  }
  return undefined;
}

/** How `operation` pages, `'ambiguous'`, or `undefined` when it does not page with a cursor. */
export function paginationOf(
  doc: Dict,
  parameters: readonly Dict[],
  operation: Dict,
): PaginationMeta | 'ambiguous' | undefined {
  const cursor = parameters.find(
    (p) => p.in === 'query' && typeof p.name === 'string' && /^(.+_)?cursor$/.test(p.name),
  )?.name as string | undefined;
  if (cursor === undefined) return undefined;
  const fields = properties(doc, successSchema(doc, operation));
  if (!('next_cursor' in fields)) return undefined;
  const arrays = Object.keys(fields).filter((name) => isArraySchema(doc, fields[name]));
  const items = arrays.includes('items') ? 'items' : arrays.length === 1 ? arrays[0] : undefined;
  if (items === undefined) return arrays.length > 1 ? 'ambiguous' : undefined;
  return {
    cursor,
    nextCursor: 'next_cursor',
    ...('has_more' in fields ? { hasMore: 'has_more' } : {}),
    items,
  };
}

/** True when the operation's JSON request body declares an `idempotency_key` field. */
export function takesIdempotencyKey(doc: Dict, operation: Dict): boolean {
  const body = resolve(doc, operation.requestBody);
  const content = isDict(body) && isDict(body.content) ? body.content : {};
  const json = content['application/json'];
  return isDict(json) && 'idempotency_key' in properties(doc, json.schema);
}

/** Pagination and idempotency metadata for every operation of the joined document. */
export function operationMeta(doc: Dict): OperationMeta {
  const meta: OperationMeta = { pagination: {}, idempotencyKeyBody: [], skipped: [] };
  for (const { route, method, operation, parameters } of eachOperation(doc)) {
    if (method === 'get') {
      const resolved = parameters.map((p) => resolve(doc, p)).filter(isDict);
      const pagination = paginationOf(doc, resolved, operation);
      if (pagination === 'ambiguous') meta.skipped.push(`GET ${route}`);
      else if (pagination) meta.pagination[route] = pagination;
    }
    if (takesIdempotencyKey(doc, operation)) {
      meta.idempotencyKeyBody.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return meta;
}
