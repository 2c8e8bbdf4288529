/**
 * Where a locked name's target went when upstream re-keyed it. FastAPI keys a component schema
 * by its model's class name; when a second model of that name appears in the app, every model of
 * that name is keyed by its module path instead (`src__analytics__integrations__schemas__Row`),
 * while `title` stays the class name (fastapi `_compat`, `get_model_name_map` /
 * `get_long_model_name`). Nothing about the model changed, so its published name should stay.
 *
 * A gone schema key follows the one schema that now stands where it stood: reached by the same
 * pointer from the same operation (method and path), with the same title, under a key the old
 * document did not have. A gone operationId follows the operation now at the same method and
 * path. Several candidates, or none, and there is no successor: the name is gone. Pure.
 */

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const SCHEMA_REF = '#/components/schemas/';
/** Nodes walked per operation before giving up on it: a bound for hostile or huge documents. */
const MAX_NODES_PER_OPERATION = 200_000;
/** `$ref` hops followed to reach one place (a chain longer than this is not a place). */
const MAX_REF_HOPS = 32;

/** Where a schema stood: an operation and the pointer from it, refs followed along the way. */
export interface Place {
  /** `GET /v1/things`. */
  operation: string;
  /** Tokens from the operation object to the `$ref` (`responses`, `200`, `content`, ...). */
  pointer: string[];
}

/** Why a gone key has no successor, or the successor. */
export type Succession =
  | { key: string; place: Place }
  | { key?: undefined; reason: 'no-place' | 'none' | 'several'; candidates: string[] };

function decodeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The local target of a `$ref` (`#/components/...`), or undefined. */
function resolveLocal(doc: Dict, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const token of ref.slice(2).split('/').map(decodeToken)) {
    if (!isDict(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

function operationsOf(doc: Dict): { key: string; path: string; method: string; op: Dict }[] {
  const paths = isDict(doc.paths) ? doc.paths : {};
  const out: { key: string; path: string; method: string; op: Dict }[] = [];
  for (const [route, item] of Object.entries(paths)) {
    if (!isDict(item)) continue;
    for (const [method, op] of Object.entries(item))
      if (HTTP_METHODS.has(method) && isDict(op))
        out.push({ key: `${method.toUpperCase()} ${route}`, path: route, method, op });
  }
  return out;
}

/**
 * Every place (operation, pointer) where one of `wanted` (schema keys) is referenced, walking
 * each operation with its `$ref`s followed; a component is expanded once per operation.
 */
export function placesOf(doc: Dict, wanted: ReadonlySet<string>): Map<string, Place[]> {
  const places = new Map<string, Place[]>();
  for (const { key: operation, op } of operationsOf(doc)) {
    const expanded = new Set<string>();
    let budget = MAX_NODES_PER_OPERATION;
    const walk = (node: unknown, pointer: string[]): void => {
      if (--budget < 0) return;
      if (Array.isArray(node)) {
        node.forEach((child, index) => walk(child, [...pointer, String(index)]));
        return;
      }
      if (!isDict(node)) return;
      if (typeof node.$ref === 'string') {
        const ref = node.$ref;
        if (ref.startsWith(SCHEMA_REF)) {
          const key = decodeToken(ref.slice(SCHEMA_REF.length));
          if (wanted.has(key))
            places.set(key, [...(places.get(key) ?? []), { operation, pointer }]);
        }
        if (expanded.has(ref)) return;
        expanded.add(ref);
        walk(resolveLocal(doc, ref), pointer);
        return;
      }
      for (const [name, child] of Object.entries(node)) {
        if (name === 'example' || name === 'examples') continue;
        walk(child, [...pointer, name]);
      }
    };
    walk(op, []);
  }
  return places;
}

/** The schema key referenced at `place` in `doc` (refs followed on the way), or undefined. */
export function schemaKeyAt(doc: Dict, place: Place): string | undefined {
  const found = operationsOf(doc).find((entry) => entry.key === place.operation);
  let node: unknown = found?.op;
  const deref = (value: unknown): unknown => {
    let current = value;
    for (let hops = 0; isDict(current) && typeof current.$ref === 'string'; hops++) {
      if (hops >= MAX_REF_HOPS) return undefined;
      current = resolveLocal(doc, current.$ref);
    }
    return current;
  };
  for (const token of place.pointer) {
    node = deref(node);
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isDict(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  if (!isDict(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith(SCHEMA_REF))
    return undefined;
  return decodeToken(node.$ref.slice(SCHEMA_REF.length));
}

function schemasOf(doc: Dict): Dict {
  const components = isDict(doc.components) ? doc.components : {};
  return isDict(components.schemas) ? components.schemas : {};
}

function titleOf(schema: unknown): string | undefined {
  return isDict(schema) && typeof schema.title === 'string' ? schema.title : undefined;
}

/**
 * For each gone schema key of `before` (absent from `after`), the one schema of `after` that
 * stands where it stood with the same title, or why there is none.
 */
export function schemaSuccessors(
  before: Dict,
  after: Dict,
  gone: readonly string[],
): Map<string, Succession> {
  const beforeSchemas = schemasOf(before);
  const afterSchemas = schemasOf(after);
  const wanted = new Set(gone.filter((key) => !Object.hasOwn(afterSchemas, key)));
  const places = placesOf(before, wanted);
  const result = new Map<string, Succession>();
  for (const key of wanted) {
    const title = titleOf(beforeSchemas[key]);
    const at = places.get(key) ?? [];
    if (title === undefined || at.length === 0) {
      result.set(key, { reason: 'no-place', candidates: [] });
      continue;
    }
    const standing = new Map<string, Place>();
    for (const place of at) {
      const now = schemaKeyAt(after, place);
      if (
        now !== undefined &&
        !Object.hasOwn(beforeSchemas, now) &&
        titleOf(afterSchemas[now]) === title &&
        !standing.has(now)
      )
        standing.set(now, place);
    }
    const candidates = [...standing.keys()].sort();
    if (candidates.length === 1)
      result.set(key, { key: candidates[0]!, place: standing.get(candidates[0]!)! });
    else result.set(key, { reason: candidates.length === 0 ? 'none' : 'several', candidates });
  }
  return result;
}

/**
 * For each gone operationId of `before`, the operationId now at the same method and path in
 * `after`, when the old document did not have it (a rename, not another operation moving in).
 */
export function operationIdSuccessors(
  before: Dict,
  after: Dict,
  gone: readonly string[],
): Map<string, Succession> {
  const idsBefore = new Map<string, string>();
  for (const { key, op } of operationsOf(before))
    if (typeof op.operationId === 'string') idsBefore.set(op.operationId, key);
  const afterByKey = new Map(operationsOf(after).map((entry) => [entry.key, entry.op]));
  const afterIds = new Set([...afterByKey.values()].map((op) => op.operationId));
  const result = new Map<string, Succession>();
  for (const id of gone) {
    if (afterIds.has(id)) continue;
    const operation = idsBefore.get(id);
    const now = operation === undefined ? undefined : afterByKey.get(operation)?.operationId;
    if (operation === undefined) result.set(id, { reason: 'no-place', candidates: [] });
    else if (typeof now !== 'string' || idsBefore.has(now))
      result.set(id, { reason: 'none', candidates: [] });
    else result.set(id, { key: now, place: { operation, pointer: [] } });
  }
  return result;
}

/** A lock key (`schema:<key>`, `operation:<id>:<part>`) split into its kind and parts. */
function parseLockKey(
  key: string,
): { kind: 'schema'; schema: string } | { kind: 'operation'; id: string; part: string } | null {
  if (key.startsWith('schema:')) return { kind: 'schema', schema: key.slice('schema:'.length) };
  if (!key.startsWith('operation:')) return null;
  const rest = key.slice('operation:'.length);
  const colon = rest.lastIndexOf(':');
  return colon <= 0
    ? null
    : { kind: 'operation', id: rest.slice(0, colon), part: rest.slice(colon + 1) };
}

/**
 * For lock keys (`schema:...`, `operation:...`) whose target `after` lacks, the lock key they
 * follow to (see the module comment), or why they do not.
 */
export function lockKeySuccessors(
  before: Dict,
  after: Dict,
  keys: readonly string[],
): Map<string, Succession> {
  const parsed = keys.map((key) => [key, parseLockKey(key)] as const);
  const schemas = schemaSuccessors(
    before,
    after,
    parsed.flatMap(([, p]) => (p?.kind === 'schema' ? [p.schema] : [])),
  );
  const ids = operationIdSuccessors(
    before,
    after,
    parsed.flatMap(([, p]) => (p?.kind === 'operation' ? [p.id] : [])),
  );
  const result = new Map<string, Succession>();
  for (const [key, p] of parsed) {
    if (p === null) continue;
    const found = p.kind === 'schema' ? schemas.get(p.schema) : ids.get(p.id);
    if (found === undefined) continue;
    result.set(
      key,
      found.key === undefined
        ? found
        : {
            ...found,
            key: p.kind === 'schema' ? `schema:${found.key}` : `operation:${found.key}:${p.part}`,
          },
    );
  }
  return result;
}
