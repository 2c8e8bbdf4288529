/**
 * Local `$ref`s of a joined document, followed as the generator's steps need them. Own
 * properties only: `#/components/schemas/constructor` must not find Object.prototype's.
 */
import { HTTP_METHODS } from '../../common/canonical.ts';
import { isDict, type Dict } from '../../common/json.ts';

/** What the local pointer `ref` (`#/components/schemas/A`) names in `doc`, or undefined. */
export function refTarget(doc: Dict, ref: string): unknown {
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    node = isDict(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
  }
  return node;
}

/** `node`, or what its `$ref` chain leads to (at most 32 hops; a longer chain stays a ref). */
export function resolve(doc: Dict, node: unknown, depth = 0): unknown {
  if (!isDict(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/') || depth > 32)
    return node;
  return resolve(doc, refTarget(doc, node.$ref), depth + 1);
}

/** One operation of a document, with its parameters as written (path-level first, unresolved). */
export interface OperationEntry {
  route: string;
  method: (typeof HTTP_METHODS)[number];
  operation: Dict;
  parameters: unknown[];
}

/** Every operation of `doc`, path by path (in key order when `sorted`), method by method. */
export function* eachOperation(doc: Dict, sorted = true): Generator<OperationEntry> {
  const entries = Object.entries(isDict(doc.paths) ? doc.paths : {});
  for (const [route, rawItem] of sorted ? entries.sort() : entries) {
    const item = resolve(doc, rawItem);
    if (!isDict(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isDict(operation)) continue;
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      yield { route, method, operation, parameters: [...shared, ...own] };
    }
  }
}
