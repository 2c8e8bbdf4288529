/**
 * Reading an OpenAPI document for the drift check: its operations, local `$ref` resolution,
 * and the restriction of a whole published API to the operations we pin. Pure; no `node:`.
 */
import { HTTP_METHODS, SHARED_TOP_LEVEL_FIELDS } from '../../common/canonical.ts';
import { isDict, type Json, type JsonObject } from '../../common/json.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { escapeUnsafeCharacters } from '../../common/unsafe-characters.ts';

export type Dict = JsonObject;

/**
 * The other side of a drift check cannot be used: unreadable, not YAML/JSON, not OpenAPI 3.x,
 * a `$ref` that does not resolve, an HTTP error or a timeout. `kind` says which.
 */
export class DriftInputError extends FeatherError {
  override name = 'DriftInputError';
  readonly kind: 'missing' | 'syntax' | 'not-openapi' | 'unresolved-ref' | 'http' | 'timeout';
  constructor(kind: DriftInputError['kind'], message: string) {
    // Messages quote the served document (a $ref, a key): written escaped, as they reach logs.
    super(escapeUnsafeCharacters(message));
    this.kind = kind;
  }
}

/**
 * `dict[key]` when `dict` has it itself, else undefined: a key from the spec (`constructor`,
 * `toString`, `__proto__`) must not find what Object.prototype has.
 */
export function own(dict: Dict, key: string): Json | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

/** The item or own member of `node` that a `$ref` segment names, or undefined. */
export function childAt(node: Json | undefined, segment: string): Json | undefined {
  if (Array.isArray(node))
    return /^(0|[1-9]\d*)$/.test(segment) ? node[Number(segment)] : undefined;
  return isDict(node) ? own(node, segment) : undefined;
}

/** One pointer segment, escaped (`/a` -> `~1a`). */
function escapeSegment(segment: string | number): string {
  const text = String(segment);
  // Most segments need no escape: skip the two replaces (a whole-API diff makes ~10^5 pointers).
  return text.includes('~') || text.includes('/')
    ? text.replace(/~/g, '~0').replace(/\//g, '~1')
    : text;
}

/** JSON pointer from segments (`['paths', '/a', 'get']` -> `#/paths/~1a/get`). */
export function pointer(segments: readonly (string | number)[]): string {
  let text = '#';
  for (const segment of segments) text += `/${escapeSegment(segment)}`;
  return segments.length === 0 ? '#/' : text;
}

function unescapeSegment(raw: string): string {
  return decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Segments of each `$ref` seen: a whole API has a few thousand, each followed many times. */
const SEGMENTS_BY_REF = new Map<string, readonly string[]>();

/** Pointers of places that are compared many times (a shape's place), each made once. */
const POINTER_OF = new WeakMap<readonly string[], string>();

/** `pointer(at)`, kept for this very array: for places held by shared, read-only shapes. */
export function pointerOfPlace(at: readonly string[]): string {
  let text = POINTER_OF.get(at);
  if (text === undefined) POINTER_OF.set(at, (text = pointer(at)));
  return text;
}

/** The segments of a local `$ref` (`#/components/schemas/A` -> `['components','schemas','A']`). */
export function refSegments(ref: string): string[] {
  let segments = SEGMENTS_BY_REF.get(ref);
  if (segments === undefined) {
    segments = ref === '#' || ref === '#/' ? [] : ref.slice(2).split('/').map(unescapeSegment);
    SEGMENTS_BY_REF.set(ref, segments);
  }
  return [...segments];
}

/**
 * Most `$ref`s followed from one node to the next node that is not itself a `$ref`: the
 * pipeline's MAX_REF_CHAIN (scripts/lib/spec-limits.ts), so that drift accepts what generate
 * does and names a longer chain as one.
 */
export const MAX_REF_CHAIN = 32;

/** A node and where it really sits in its document (after following any `$ref`). */
export interface Located {
  node: Json | undefined;
  at: string[];
  /** The last `$ref` followed to reach `node`, if any. */
  ref?: string;
}

/**
 * Follows `$ref`s from `node` (found at `at`) until a node without one. `documentName` names
 * the document in the error when a reference does not resolve.
 */
export function follow(
  doc: Json,
  node: Json | undefined,
  at: string[],
  documentName: string,
): Located {
  let current: Located = { node, at };
  const chain: string[] = [];
  for (let hops = 0; isDict(current.node) && typeof current.node.$ref === 'string'; hops++) {
    const ref = current.node.$ref;
    const from = current.at;
    const where = (): string => `${documentName} (${pointer([...from, '$ref'])})`;
    if (!ref.startsWith('#')) {
      throw new DriftInputError(
        'unresolved-ref',
        `${where()}: external $ref '${ref}' is not supported; the document must be self-contained`,
      );
    }
    if (chain.includes(ref))
      throw new DriftInputError(
        'unresolved-ref',
        `${where()}: a circular chain of $refs (${[...chain.slice(chain.indexOf(ref)), ref].join(' -> ')}) that never reaches a schema`,
      );
    chain.push(ref);
    if (hops >= MAX_REF_CHAIN)
      throw new DriftInputError(
        'unresolved-ref',
        `${where()}: a chain of more than ${MAX_REF_CHAIN} $refs (MAX_REF_CHAIN: ${chain[0]} -> ... -> ${ref}) before a schema`,
      );
    let target: Json | undefined = doc;
    const segments = refSegments(ref);
    for (const segment of segments) {
      target = childAt(target, segment);
      if (target === undefined) break;
    }
    if (target === undefined) {
      throw new DriftInputError('unresolved-ref', `${where()}: $ref '${ref}' does not resolve`);
    }
    current = { node: target, at: segments, ref };
  }
  return current;
}

/** One operation: `GET /v1/things`, with its node and path item. */
export interface OperationEntry {
  key: string;
  method: string;
  path: string;
  operation: Dict;
  pathItem: Dict;
}

/** Every operation of a document, keyed `METHOD /path`, in document order. */
export function listOperations(doc: Dict): Map<string, OperationEntry> {
  const operations = new Map<string, OperationEntry>();
  for (const [path, item] of Object.entries(isDict(doc.paths) ? doc.paths : {})) {
    if (!isDict(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isDict(operation)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      operations.set(key, { key, method, path, operation, pathItem: item });
    }
  }
  return operations;
}

/**
 * Every local `$ref` target reachable from `roots` (each with where it sits), transitively.
 * Places are tracked only to name a `$ref` that does not resolve: the walk runs without them
 * (copying a path per node was most of its cost on a whole API), recursively, and again with a
 * stack and places on an error (or a document too deep to recurse).
 */
function reachableRefs(doc: Dict, roots: Located[], documentName: string): Set<string> {
  const seen = new Set<string>();
  try {
    for (const root of roots) collectRefs(doc, root.node, seen);
    return seen;
  } catch (error) {
    if (!(error instanceof DriftInputError || error instanceof RangeError)) throw error;
  }
  try {
    return walkRefs(doc, roots, documentName, false);
  } catch (error) {
    if (!(error instanceof DriftInputError)) throw error;
    return walkRefs(doc, roots, documentName, true);
  }
}

/** The walk without places: recursive, allocating nothing per node. */
function collectRefs(doc: Dict, node: Json | undefined, seen: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(doc, item, seen);
    return;
  }
  if (!isDict(node)) return;
  const ref = node.$ref;
  if (typeof ref === 'string' && !seen.has(ref)) {
    seen.add(ref);
    collectRefs(doc, follow(doc, { $ref: ref }, [], 'document').node, seen);
  }
  for (const key in node) if (key !== '$ref') collectRefs(doc, node[key], seen);
}

function walkRefs(doc: Dict, roots: Located[], documentName: string, places: boolean): Set<string> {
  const seen = new Set<string>();
  const stack: Located[] = [...roots];
  const none: string[] = [];
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    if (Array.isArray(node))
      node.forEach((item, index) =>
        stack.push({ node: item, at: places ? [...at, String(index)] : none }),
      );
    else if (isDict(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string' && !seen.has(ref)) {
        seen.add(ref);
        const target = follow(doc, { $ref: ref }, at, documentName);
        stack.push(target);
      }
      for (const key in node)
        if (key !== '$ref') stack.push({ node: node[key], at: places ? [...at, key] : none });
    }
  }
  return seen;
}

function sortedObject(entries: [string, Json][]): Dict {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Restricts a document to the operations in `keys` (`GET /path`): the top-level fields the
 * pipeline's join keeps, those operations (with their path items' shared fields), the tags
 * they use, and only the components reachable from them and from their security
 * requirements. Used so that a server publishing the whole API fingerprints like our subset.
 * `documentName` names the document when a `$ref` does not resolve.
 */
export function restrictToOperations(
  doc: Dict,
  keys: Iterable<string>,
  documentName = 'document',
): Dict {
  const wanted = new Set(keys);
  const operations = [...listOperations(doc).values()].filter((entry) => wanted.has(entry.key));
  const restricted: Dict = {};
  for (const key of SHARED_TOP_LEVEL_FIELDS)
    if (doc[key] !== undefined) restricted[key] = doc[key]!;

  const usedTags = new Set(
    operations.flatMap((entry) =>
      Array.isArray(entry.operation.tags) ? entry.operation.tags.map(String) : [],
    ),
  );
  const tags = (Array.isArray(doc.tags) ? doc.tags : []).filter(
    (tag) => isDict(tag) && usedTags.has(String(tag.name)),
  );
  if (tags.length > 0) restricted.tags = tags;

  const paths = new Map<string, Dict>();
  for (const entry of operations) {
    let item = paths.get(entry.path);
    if (item === undefined) {
      // Copied as entries: assigned, a field `__proto__` would become the item's prototype, and
      // an operation under it (`{ "__proto__": { "post": ... } }`) one that the copy inherits.
      item = Object.fromEntries(
        Object.entries(entry.pathItem).filter(
          ([field]) => !(HTTP_METHODS as readonly string[]).includes(field),
        ),
      );
      paths.set(entry.path, item);
    }
    item[entry.method] = entry.operation;
  }
  restricted.paths = sortedObject([...paths]);

  const roots: Located[] = [...paths].map(([route, item]) => ({
    node: item,
    at: ['paths', route],
  }));
  const components = isDict(doc.components) ? doc.components : {};
  const kept = new Map<string, Map<string, Json>>();
  for (const ref of reachableRefs(doc, roots, documentName)) {
    const [top, section, name] = refSegments(ref);
    if (top !== 'components' || !section || !name) continue;
    const entries = own(components, section);
    const entry = isDict(entries) ? own(entries, name) : undefined;
    if (entry === undefined) continue;
    const keptSection = kept.get(section) ?? new Map<string, Json>();
    keptSection.set(name, entry);
    kept.set(section, keptSection);
  }
  const schemes = isDict(components.securitySchemes) ? components.securitySchemes : {};
  const requirements = [doc.security, ...operations.map((entry) => entry.operation.security)];
  for (const requirement of requirements.flatMap((r) => (Array.isArray(r) ? r : []))) {
    for (const name of isDict(requirement) ? Object.keys(requirement) : []) {
      const scheme = own(schemes, name);
      if (scheme === undefined) continue;
      const section = kept.get('securitySchemes') ?? new Map<string, Json>();
      section.set(name, scheme);
      kept.set('securitySchemes', section);
    }
  }
  if (kept.size > 0) {
    restricted.components = sortedObject(
      [...kept].map(([section, entries]) => [section, sortedObject([...entries])]),
    );
  }
  return restricted;
}
