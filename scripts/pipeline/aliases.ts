/**
 * Friendly type names for the generated types: one alias per component schema, named after its
 * `title`, plus request/response aliases per operation. Pure and deterministic.
 */
import { commentText, isPlainIdentifier, stringLiteral } from './ts-text.ts';

/** Names the generated module already exports; an alias never takes one of them. */
export const RESERVED_NAMES = new Set(['paths', 'components', 'operations', 'webhooks', '$defs']);

export interface TypeAlias {
  name: string;
  /** The TypeScript type expression the alias stands for. */
  target: string;
  /** One-line doc comment. */
  doc: string;
}

/** `"Response Gettool reliability"` / `"src__x__DashboardRow"` -> `ResponseGettoolReliability`. */
export function pascalCase(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  if (joined === '') return 'Unnamed';
  return /^[0-9]/.test(joined) ? `T${joined}` : joined;
}

/** The last `__`-separated segment of a namespaced component key. */
function keyTail(key: string): string {
  const parts = key.split('__').filter(Boolean);
  return parts[parts.length - 1] ?? key;
}

/** Key segments before the tail, minus the generic `schemas` segment. */
function keyQualifiers(key: string): string[] {
  return key
    .split('__')
    .filter(Boolean)
    .slice(0, -1)
    .filter((segment) => segment.toLowerCase() !== 'schemas');
}

function quote(text: string): string {
  return stringLiteral(text);
}

/** Hands out names, numbering a repeat (`Name2`, `Name3`) so that nothing is silently overwritten. */
class NameRegistry {
  private readonly taken = new Set<string>(RESERVED_NAMES);

  claim(preferred: string): string {
    let name = preferred;
    for (let n = 2; this.taken.has(name); n++) name = `${preferred}${n}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * Aliases for component schemas. A title used by one schema gives its name as is; when several
 * schemas share a title, each is qualified by the parts of its key that differ
 * (`src__analytics__integrations__schemas__Row` -> `IntegrationsRow`), and a clash that remains
 * is numbered in key order.
 */
export function schemaAliases(
  schemas: Record<string, { title?: unknown }>,
  registry = new NameRegistry(),
): TypeAlias[] {
  const keys = Object.keys(schemas).sort();
  const baseOf = new Map(
    keys.map((key) => {
      const title = schemas[key]?.title;
      return [key, pascalCase(typeof title === 'string' && title.trim() ? title : keyTail(key))];
    }),
  );
  const groups = new Map<string, string[]>();
  for (const key of keys)
    groups.set(baseOf.get(key)!, [...(groups.get(baseOf.get(key)!) ?? []), key]);

  const preferred = new Map<string, string>();
  for (const [base, members] of groups) {
    if (members.length === 1) {
      preferred.set(members[0]!, base);
      continue;
    }
    const qualifiers = members.map(keyQualifiers);
    let common = 0;
    while (qualifiers.every((q) => q.length > common && q[common] === qualifiers[0]![common]))
      common++;
    members.forEach((key, index) => {
      preferred.set(
        key,
        pascalCase(qualifiers[index]!.slice(common).join(' ')).replace(/^Unnamed$/, '') + base,
      );
    });
  }
  // Unambiguous names are claimed first, so that a qualified name never pushes one of them aside.
  const order = [...keys].sort(
    (a, b) =>
      Number(groups.get(baseOf.get(a)!)!.length > 1) -
      Number(groups.get(baseOf.get(b)!)!.length > 1),
  );
  const aliases = order.map((key) => ({
    name: registry.claim(preferred.get(key)!),
    target: `components["schemas"][${quote(key)}]`,
    doc: `\`${key}\`${schemas[key]?.title ? ` (title "${String(schemas[key]?.title)}")` : ''}`,
  }));
  return aliases.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export interface OperationShape {
  operationId: string;
  method: string;
  path: string;
  hasQuery: boolean;
  hasPath: boolean;
  hasBody: boolean;
  /** First 2xx status with JSON content, and its media type. */
  success?: { status: string; mediaType: string };
}

/** Per-operation aliases: `<Op>Query`, `<Op>PathParams`, `<Op>Body`, `<Op>Response`. */
export function operationAliases(
  operations: readonly OperationShape[],
  registry = new NameRegistry(),
): TypeAlias[] {
  const aliases: TypeAlias[] = [];
  for (const op of [...operations].sort((a, b) => (a.operationId < b.operationId ? -1 : 1))) {
    const base = pascalCase(op.operationId);
    const at = `operations[${quote(op.operationId)}]`;
    const where = `${op.method.toUpperCase()} ${op.path}`;
    if (op.hasQuery)
      aliases.push({
        name: registry.claim(`${base}Query`),
        target: `${at}["parameters"]["query"]`,
        doc: `Query parameters of ${where}`,
      });
    if (op.hasPath)
      aliases.push({
        name: registry.claim(`${base}PathParams`),
        target: `${at}["parameters"]["path"]`,
        doc: `Path parameters of ${where}`,
      });
    if (op.hasBody)
      aliases.push({
        name: registry.claim(`${base}Body`),
        target: `NonNullable<${at}["requestBody"]>["content"]["application/json"]`,
        doc: `Request body of ${where}`,
      });
    if (op.success) {
      aliases.push({
        name: registry.claim(`${base}Response`),
        target: `${at}["responses"][${op.success.status}]["content"][${quote(op.success.mediaType)}]`,
        doc: `${op.success.status} response body of ${where}`,
      });
    }
  }
  return aliases;
}

/** Schema aliases and operation aliases with one shared set of names (schemas first). */
export function allAliases(
  schemas: Record<string, { title?: unknown }>,
  operations: readonly OperationShape[],
): TypeAlias[] {
  const registry = new NameRegistry();
  return [...schemaAliases(schemas, registry), ...operationAliases(operations, registry)];
}

/**
 * TypeScript source of the aliases, one documented `export type` each. The doc text comes from
 * the spec, so it is escaped; a name that is not a plain identifier is refused (pascalCase only
 * makes plain ones, so this guards the renderer, not the input).
 */
export function renderAliases(aliases: readonly TypeAlias[]): string {
  return aliases
    .map((alias) => {
      if (!isPlainIdentifier(alias.name))
        throw new Error(`alias name ${stringLiteral(alias.name)} is not a plain identifier`);
      return `/** ${commentText(alias.doc)} */\nexport type ${alias.name} = ${alias.target};\n`;
    })
    .join('');
}
