/**
 * Friendly type names for the generated types: one alias per component schema, named after its
 * `title`, plus request/response aliases per operation. Pure and deterministic.
 */
import type { Succession } from './rekeyed.ts';
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

/** An alias still to be named: what it stands for and the name it would like. */
interface Candidate {
  /** What the alias names, stable across releases: `schema:<key>`, `operation:<id>:<part>`. */
  key: string;
  preferred: string;
  target: string;
  doc: string;
}

function schemaCandidates(schemas: Record<string, { title?: unknown }>): Candidate[] {
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
  return order.map((key) => ({
    key: `schema:${key}`,
    preferred: preferred.get(key)!,
    target: `components["schemas"][${quote(key)}]`,
    doc: `\`${key}\`${schemas[key]?.title ? ` (title "${String(schemas[key]?.title)}")` : ''}`,
  }));
}

/** Names `candidates` in order, with a fresh registry. */
function claimAll(candidates: readonly Candidate[], registry: NameRegistry): TypeAlias[] {
  return candidates.map(({ preferred, target, doc }) => ({
    name: registry.claim(preferred),
    target,
    doc,
  }));
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
  return claimAll(schemaCandidates(schemas), registry).sort((a, b) => (a.name < b.name ? -1 : 1));
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

/**
 * The function name in a FastAPI default operationId (`{name}{path, \W as _}_{method}`):
 * `send_message_v1_ask_feather_sessions__session_id__messages_post` -> `send_message`.
 */
export function fastApiFunctionName(
  op: Pick<OperationShape, 'operationId' | 'method' | 'path'>,
): string | undefined {
  const tail = `${op.path.replace(/\W/g, '_')}_${op.method.toLowerCase()}`;
  if (!op.operationId.endsWith(tail) || op.operationId.length === tail.length) return undefined;
  return op.operationId.slice(0, -tail.length);
}

/** The first path segment after a version segment (`/v1/ask-feather/...` -> `ask-feather`). */
function pathArea(route: string): string {
  const segments = route.split('/').filter((s) => s && !s.startsWith('{'));
  return (/^v\d+$/.test(segments[0] ?? '') ? segments[1] : segments[0]) ?? '';
}

/**
 * Alias base of each operation: its operationId in PascalCase, or for a FastAPI default id the
 * function name (`SendMessage`). FastAPI ids whose function names clash with another operation's
 * base are qualified by their path's area (`AskFeatherSendMessage`), and by the whole id when that
 * still clashes.
 */
export function operationBases(operations: readonly OperationShape[]): Map<string, string> {
  const first = new Map(
    operations.map((op) => {
      const name = fastApiFunctionName(op);
      return [
        op.operationId,
        { op, fastApi: name !== undefined, base: pascalCase(name ?? op.operationId) },
      ];
    }),
  );
  const count = (bases: Iterable<string>): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const base of bases) counts.set(base, (counts.get(base) ?? 0) + 1);
    return counts;
  };
  const firstCounts = count([...first.values()].map((e) => e.base));
  const second = new Map(
    [...first].map(([id, e]) => [
      id,
      e.fastApi && firstCounts.get(e.base)! > 1
        ? { ...e, base: pascalCase(pathArea(e.op.path)) + e.base }
        : e,
    ]),
  );
  const secondCounts = count([...second.values()].map((e) => e.base));
  return new Map(
    [...second].map(([id, e]) => [
      id,
      e.fastApi && secondCounts.get(e.base)! > 1 ? pascalCase(id) : e.base,
    ]),
  );
}

function operationCandidates(operations: readonly OperationShape[]): Candidate[] {
  const bases = operationBases(operations);
  const candidates: Candidate[] = [];
  for (const op of [...operations].sort((a, b) => (a.operationId < b.operationId ? -1 : 1))) {
    const base = bases.get(op.operationId)!;
    const at = `operations[${quote(op.operationId)}]`;
    const key = `operation:${op.operationId}`;
    const where = `${op.method.toUpperCase()} ${op.path}`;
    if (op.hasQuery)
      candidates.push({
        key: `${key}:query`,
        preferred: `${base}Query`,
        target: `${at}["parameters"]["query"]`,
        doc: `Query parameters of ${where}`,
      });
    if (op.hasPath)
      candidates.push({
        key: `${key}:path`,
        preferred: `${base}PathParams`,
        target: `${at}["parameters"]["path"]`,
        doc: `Path parameters of ${where}`,
      });
    if (op.hasBody)
      candidates.push({
        key: `${key}:body`,
        preferred: `${base}Body`,
        target: `NonNullable<${at}["requestBody"]>["content"]["application/json"]`,
        doc: `Request body of ${where}`,
      });
    if (op.success) {
      candidates.push({
        key: `${key}:response`,
        preferred: `${base}Response`,
        target: `${at}["responses"][${op.success.status}]["content"][${quote(op.success.mediaType)}]`,
        doc: `${op.success.status} response body of ${where}`,
      });
    }
  }
  return candidates;
}

/** `GetIntegrationDashboard` -> `getIntegrationDashboard` (a leading acronym goes lower whole). */
export function camelCase(pascal: string): string {
  const acronym = /^[A-Z]+(?=[A-Z][a-z]|[0-9]|$)/.exec(pascal)?.[0] ?? pascal[0] ?? '';
  return acronym.toLowerCase() + pascal.slice(acronym.length);
}

/**
 * Words a function cannot be named (`delete`, `import`, ...), and names that would shadow what
 * every object has (`constructor`, `toString`, `__proto__`): such a name gets `Operation`.
 */
const RESERVED_WORDS = new Set([
  ...'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity'.split(
    ' ',
  ),
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Function.prototype),
]);

/** One operation function per operation, named by its alias base in camelCase. */
function functionCandidates(operations: readonly OperationShape[]): Candidate[] {
  const bases = operationBases(operations);
  return [...operations]
    .sort((a, b) => (a.operationId < b.operationId ? -1 : 1))
    .map((op) => ({
      key: `operation:${op.operationId}:function`,
      preferred: ((name) => (RESERVED_WORDS.has(name) ? `${name}Operation` : name))(
        camelCase(bases.get(op.operationId)!),
      ),
      target: op.operationId,
      doc: `${op.method.toUpperCase()} ${op.path}`,
    }));
}

/** Published names: alias name -> what it names (a candidate key, `schema:<key>` ...). */
export type NameLock = Record<string, string>;

/** An operation function's name and the operation it calls. */
export interface OperationFunctionName {
  name: string;
  operationId: string;
}

export interface LockedAliases {
  /** Schema aliases by name, then operation aliases. */
  aliases: TypeAlias[];
  /** The operation functions (generated/functions.ts), in operationId order. */
  functions: OperationFunctionName[];
  /** The lock after this run: every name before it (less those removed) plus the new ones. */
  lock: NameLock;
  /** Locked names whose target is gone from the spec, and what each named. */
  gone: { name: string; key: string }[];
  /** Locked names kept on the successor of their re-keyed target (see rekeyed.ts). */
  followed: { name: string; from: string; to: string }[];
}

/** Finds the successors of gone lock keys (`lockKeySuccessors` with the previous document). */
export type FollowKeys = (keys: readonly string[]) => ReadonlyMap<string, Succession>;

/**
 * The aliases still to be named, schemas and operations: naming twice (with and without a lock,
 * as the drift report does) reads the spec once.
 */
export interface AliasCandidates {
  schemaSide: readonly Candidate[];
  operationSide: readonly Candidate[];
  functionSide: readonly Candidate[];
}

export function aliasCandidates(
  schemas: Record<string, { title?: unknown }>,
  operations: readonly OperationShape[],
): AliasCandidates {
  return {
    schemaSide: schemaCandidates(schemas),
    operationSide: operationCandidates(operations),
    functionSide: functionCandidates(operations),
  };
}

/**
 * Names every alias, keeping each locked name on what it names: a locked name is never given to
 * anything else, and a new alias that would collide with one is qualified or numbered instead.
 * A locked name whose target is gone follows its target's one successor when `follow` finds it
 * (upstream re-keyed it: see rekeyed.ts), and is returned in `followed`. The others are
 * returned in `gone` and left out of `lock`; whether that is allowed is the caller's decision
 * (see scripts/pipeline/pipeline.ts).
 */
export function lockedAliases(
  schemas: Record<string, { title?: unknown }>,
  operations: readonly OperationShape[],
  previous: Readonly<NameLock>,
  options: { candidates?: AliasCandidates; follow?: FollowKeys } = {},
): LockedAliases {
  const { schemaSide, operationSide, functionSide } =
    options.candidates ?? aliasCandidates(schemas, operations);
  const byKey = new Map([...schemaSide, ...operationSide, ...functionSide].map((c) => [c.key, c]));
  const registry = new NameRegistry();
  const nameOf = new Map<string, string>();
  const gone: { name: string; key: string }[] = [];
  const followed: { name: string; from: string; to: string }[] = [];
  const entries = Object.entries(previous).sort(([a], [b]) => (a < b ? -1 : 1));
  const present = new Set(entries.filter(([, key]) => byKey.has(key)).map(([, key]) => key));
  const missing = entries.filter(([, key]) => !byKey.has(key)).map(([, key]) => key);
  const successors = missing.length > 0 && options.follow ? options.follow(missing) : new Map();
  // A successor that another locked name already names, or that two gone keys share, is no one's.
  const claims = new Map<string, number>();
  for (const key of missing) {
    const next = successors.get(key)?.key;
    if (next !== undefined) claims.set(next, (claims.get(next) ?? 0) + 1);
  }
  for (const [name, key] of entries) {
    const next: string | undefined = byKey.has(key) ? undefined : successors.get(key)?.key;
    const target =
      next !== undefined && byKey.has(next) && !present.has(next) && claims.get(next) === 1
        ? next
        : key;
    if (!byKey.has(target) || nameOf.has(target)) {
      gone.push({ name, key });
      continue;
    }
    if (target !== key) followed.push({ name, from: key, to: target });
    registry.claim(name);
    nameOf.set(target, name);
  }
  const named = (candidates: readonly Candidate[]): (TypeAlias & { key: string })[] =>
    candidates.map((c) => ({
      name: nameOf.get(c.key) ?? registry.claim(c.preferred),
      target: c.target,
      doc: c.doc,
      key: c.key,
    }));
  const schemaNamed = named(schemaSide).sort((a, b) => (a.name < b.name ? -1 : 1));
  const all = [...schemaNamed, ...named(operationSide)];
  const functions = named(functionSide);
  const lock = Object.fromEntries(
    [...all, ...functions]
      .map((alias) => [alias.name, alias.key] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    aliases: all.map(({ name, target, doc }) => ({ name, target, doc })),
    functions: functions.map(({ name, target }) => ({ name, operationId: target })),
    lock,
    gone,
    followed,
  };
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
