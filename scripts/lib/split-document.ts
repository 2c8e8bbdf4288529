/**
 * One OpenAPI document per operation, shaped as Feather's documentation pages embed it: the
 * top-level fields (`openapi`, `info`, `servers`, `security: []`), one path with one method, and
 * the components that operation reaches (`$ref`s followed transitively), plus every security
 * scheme. Pure: a parsed whole document in, parsed page documents out.
 */
import { HTTP_METHODS } from '../../common/canonical.ts';
import { isDict, type Dict } from '../../common/json.ts';

export interface OperationDocument {
  operationId: string;
  method: string;
  path: string;
  /** The operation's first tag, as the doc site files pages under (`analytics`). */
  tag: string | undefined;
  doc: Dict;
}

/** `#/components/schemas/A~1B` -> `['schemas', 'A/B']` (undefined for other references). */
function componentOf(ref: string): [string, string] | undefined {
  const match = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const decode = (s: string): string =>
    decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~');
  return [decode(match[1]!), decode(match[2]!)];
}

/** Every component (`section`, `name`) that `start` reaches through `$ref`s, transitively. */
export function reachableComponents(doc: Dict, start: unknown): Map<string, Set<string>> {
  const components = isDict(doc.components) ? doc.components : {};
  const found = new Map<string, Set<string>>();
  const stack: unknown[] = [start];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (!isDict(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const target = componentOf(value);
        if (!target) continue;
        const [section, name] = target;
        const names = found.get(section) ?? new Set<string>();
        found.set(section, names);
        if (names.has(name)) continue;
        names.add(name);
        const entries = components[section];
        if (isDict(entries) && Object.hasOwn(entries, name)) stack.push(entries[name]);
      } else if (typeof value === 'object' && value !== null) {
        stack.push(value);
      }
    }
  }
  return found;
}

/** The page-shaped document of every operation in `whole`, in path then method order. */
export function splitDocument(whole: Dict): OperationDocument[] {
  const components = isDict(whole.components) ? whole.components : {};
  const out: OperationDocument[] = [];
  for (const [route, rawItem] of Object.entries(isDict(whole.paths) ? whole.paths : {})) {
    if (!isDict(rawItem)) continue;
    const shared = Object.fromEntries(
      Object.entries(rawItem).filter(([key]) => !(HTTP_METHODS as readonly string[]).includes(key)),
    );
    for (const method of HTTP_METHODS) {
      const operation = rawItem[method];
      if (!isDict(operation) || typeof operation.operationId !== 'string') continue;
      const item = { ...shared, [method]: operation };
      const reached = reachableComponents(whole, item);
      const pageComponents: Dict = {};
      for (const section of Object.keys(components).sort()) {
        const entries = components[section];
        if (!isDict(entries)) continue;
        const names =
          section === 'securitySchemes'
            ? Object.keys(entries)
            : [...(reached.get(section) ?? [])].filter((name) => Object.hasOwn(entries, name));
        if (names.length === 0) continue;
        pageComponents[section] = Object.fromEntries(
          names.sort().map((name) => [name, entries[name]]),
        );
      }
      const doc: Dict = {
        openapi: whole.openapi,
        info: whole.info,
        ...(whole.servers !== undefined ? { servers: whole.servers } : {}),
        security: whole.security ?? [],
        paths: { [route]: item },
        ...(Object.keys(pageComponents).length > 0 ? { components: pageComponents } : {}),
      };
      const tags = Array.isArray(operation.tags) ? operation.tags : [];
      out.push({
        operationId: operation.operationId,
        method,
        path: route,
        tag: typeof tags[0] === 'string' ? tags[0] : undefined,
        doc,
      });
    }
  }
  return out;
}
