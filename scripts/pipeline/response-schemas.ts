/**
 * The JSON Schema of every JSON response of every operation, for response validation at run
 * time (src/client/policy/response-schema.ts) and the testing kit (src/testing/): `"GET /path"` -> status
 * -> schema, with the component schemas those reach (and only those). Pure: document in, table out.
 */
import { isDict, type Dict } from '../../common/json.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const COMPONENT_REF = '#/components/schemas/';

/** What `generated/response-schemas.ts` holds. */
export interface ResponseSchemaTable {
  /** `"GET /path"` -> status (`"200"`, `"4XX"`, `"default"`) -> the JSON body's schema. */
  operations: Record<string, Record<string, unknown>>;
  /** The component schemas the response schemas reach through `$ref`. */
  components: { schemas: Record<string, unknown> };
}

/** Every `#/components/schemas/X` ref in `value`, as `X`. */
function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (isDict(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(COMPONENT_REF)) {
        found.add(
          decodeURIComponent(inner.slice(COMPONENT_REF.length))
            .replace(/~1/g, '/')
            .replace(/~0/g, '~'),
        );
      } else refsIn(inner, found);
    }
  }
}

/** The response schema table of a joined OpenAPI document. */
export function responseSchemas(doc: Dict): ResponseSchemaTable {
  const operations: Record<string, Record<string, unknown>> = {};
  const reached = new Set<string>();
  for (const [route, item] of Object.entries(isDict(doc.paths) ? doc.paths : {})) {
    if (!isDict(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isDict(operation) || !isDict(operation.responses)) continue;
      const byStatus: [string, unknown][] = [];
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = isDict(response) && isDict(response.content) ? response.content : {};
        const json = content['application/json'];
        if (!isDict(json) || json.schema === undefined) continue;
        byStatus.push([status, json.schema]);
        refsIn(json.schema, reached);
      }
      operations[`${method.toUpperCase()} ${route}`] = Object.fromEntries(byStatus);
    }
  }
  const all =
    isDict(doc.components) && isDict(doc.components.schemas) ? doc.components.schemas : {};
  // A Map, not an object: a schema named `__proto__` (a valid component name) assigned into an
  // object would become its prototype and leave the table, and its $refs unresolved.
  const schemas = new Map<string, unknown>();
  const queue = [...reached];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (schemas.has(name) || !Object.hasOwn(all, name)) continue;
    schemas.set(name, all[name]);
    const inner = new Set<string>();
    refsIn(all[name], inner);
    queue.push(...inner);
  }
  const sorted = Object.fromEntries([...schemas].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { operations, components: { schemas: sorted } };
}
