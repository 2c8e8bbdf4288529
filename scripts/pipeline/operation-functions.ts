/**
 * `generated/functions.ts`: one operation function per operation (src/client/operation.ts), named under
 * the name lock (scripts/pipeline/aliases.ts), each with its operation's summary, description
 * and `@deprecated` as JSDoc and its own parameter rules inline, so that a bundler keeps only
 * the functions an app imports and their rules. Pure: joined document in, text out.
 */
import type { OperationFunctionName } from './aliases.ts';
import type { Dict } from '../../common/json.ts';
import { eachOperation, resolve } from './refs.ts';
import { isPlainIdentifier, stringLiteral } from './ts-text.ts';

/** The lines of a multi-line JSDoc body: `*\/` cannot close it, no line break survives inside a line. */
function docLines(text: string): string[] {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\*\//g, '*\\/').trimEnd());
}

/** The JSDoc of one operation function. */
function functionDoc(operation: Dict, method: string, route: string): string {
  const lines: string[] = [];
  const add = (text: unknown): void => {
    if (typeof text !== 'string' || text.trim() === '') return;
    if (lines.length > 0) lines.push('');
    lines.push(...docLines(text.trim()));
  };
  add(operation.summary);
  add(operation.description);
  add(`\`${method.toUpperCase()} ${route}\``);
  if (operation.deprecated === true) lines.push('@deprecated');
  return `/**\n${lines.map((line) => (line ? ` * ${line}` : ' *')).join('\n')}\n */\n`;
}

/** The statuses whose bodies openapi-fetch types as `data` (its `OkStatus`) and as `error` (`ErrorStatus`). */
const OK_STATUSES = new Set(['200', '201', '202', '203', '204', '206', '207', '2XX']);
const ERROR_STATUSES = new Set([
  ...'500 501 502 503 504 505 506 507 508 510 511 5XX'.split(' '),
  ...'400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 418'.split(' '),
  ...'420 421 422 423 424 425 426 427 428 429 430 431 444 450 451 497 498 499 4XX'.split(' '),
  'default',
]);

/** The media types of a content map, in order. */
function mediaTypes(doc: Dict, holder: unknown): string[] {
  const content = (resolve(doc, holder) as Dict | undefined)?.content;
  return content && typeof content === 'object' ? Object.keys(content) : [];
}

/** A union's text, `never` when empty. */
function union(members: readonly string[]): string {
  return members.length === 0 ? 'never' : [...new Set(members)].join(' | ');
}

/**
 * The body types of the responses whose status is in `statuses`, indexed from `operation`'s type
 * in generated/schema.ts, as openapi-fetch's `SuccessResponse` / `ErrorResponse` find them (every
 * media type; a response without content gives its `content`, `undefined`).
 */
function responseBodies(
  doc: Dict,
  responses: unknown,
  statuses: ReadonlySet<string>,
  operation: string,
): string {
  const members: string[] = [];
  for (const [status, response] of Object.entries((resolve(doc, responses) as Dict) ?? {})) {
    if (!statuses.has(status)) continue;
    const key = /^\d+$/.test(status) ? status : stringLiteral(status);
    const content = `${operation}["responses"][${key}]["content"]`;
    const media = mediaTypes(doc, response);
    if (media.length === 0) members.push(content);
    else members.push(...media.map((type) => `${content}[${stringLiteral(type)}]`));
  }
  return union(members);
}

/**
 * An operation's init (`params` required when a parameter is, `body` as the request body
 * declares it; `| undefined` when nothing is required), indexed from its type in
 * generated/schema.ts: written out, so that the checker relates a call's init to one object type.
 */
function operationInit(doc: Dict, operation: Dict, rules: readonly object[]): string {
  const type = `operations[${stringLiteral(String(operation.operationId))}]`;
  const paramsRequired = rules.some((rule) => (rule as { required?: unknown }).required === true);
  const requestBody = resolve(doc, operation.requestBody) as Dict | undefined;
  const bodyMedia = mediaTypes(doc, requestBody);
  const bodyRequired = requestBody !== undefined && requestBody.required === true;
  const body =
    requestBody === undefined || bodyMedia.length === 0
      ? 'body?: never'
      : bodyRequired
        ? `body: ${union(bodyMedia.map((m) => `${type}["requestBody"]["content"][${stringLiteral(m)}]`))}`
        : `body?: ${union(bodyMedia.map((m) => `NonNullable<${type}["requestBody"]>["content"][${stringLiteral(m)}]`))}`;
  return (
    `{ params${paramsRequired ? '' : '?'}: ${type}["parameters"]; ${body} }` +
    (paramsRequired || bodyRequired ? '' : ' | undefined')
  );
}

/**
 * An operation function's type: `OperationFn` over its own init (`operationInit`), data and
 * error types, so that a call infers nothing.
 */
function functionType(
  doc: Dict,
  operation: Dict,
  method: string,
  route: string,
  rules: readonly object[],
): string {
  const type = `operations[${stringLiteral(String(operation.operationId))}]`;
  return `OperationFn<${[
    stringLiteral(method.toUpperCase()),
    stringLiteral(route),
    operationInit(doc, operation, rules),
    responseBodies(doc, operation.responses, OK_STATUSES, type),
    responseBodies(doc, operation.responses, ERROR_STATUSES, type),
  ].join(', ')}>`;
}

/** The methods of openapi-fetch's client, lower-case as `paths` has them. */
const CLIENT_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * `generated/inits.ts`: `OperationInits`, each operation's init (`operationInit`) by method and
 * path, which the path style's first signature (`FeatherMethod`, src/client/client.ts) indexes
 * instead of computing openapi-fetch's `MaybeOptionalInit` over `paths` (docs/performance.md,
 * "Completion in the editor"). `rules` is the parameter table (`"GET /path"` -> rules). An
 * operation without an `operationId` has no entry: its calls take the second signature.
 */
export function renderOperationInits(
  doc: Dict,
  rules: Readonly<Record<string, readonly object[]>>,
  header: string,
): string {
  const byMethod = new Map<string, string[]>(CLIENT_METHODS.map((method) => [method, []]));
  for (const { route, method, operation } of eachOperation(doc)) {
    if (typeof operation.operationId !== 'string') continue;
    byMethod
      .get(method)
      ?.push(
        `    ${stringLiteral(route)}: ${operationInit(doc, operation, rules[`${method.toUpperCase()} ${route}`] ?? [])};\n`,
      );
  }
  const members = [...byMethod].map(([method, lines]) => `  ${method}: {\n${lines.join('')}  };\n`);
  return `${header}
import type { operations } from "./schema.ts";

/** Each operation's init (\`params\`, \`body\`) by method and path. */
export interface OperationInits {
${members.join('')}}
`;
}

/**
 * The module's text. `functions` are the lock's names (operationId -> name), `rules` the
 * parameter table (`"GET /path"` -> rules), `keyedBody` the operations whose body declares
 * `idempotency_key`.
 */
export function renderOperationFunctions(
  doc: Dict,
  functions: readonly OperationFunctionName[],
  rules: Readonly<Record<string, readonly object[]>>,
  keyedBody: readonly string[],
  header: string,
): string {
  const nameOf = new Map(functions.map((fn) => [fn.operationId, fn.name]));
  const keyed = new Set(keyedBody);
  const declarations: string[] = [];
  for (const { route, method, operation } of eachOperation(doc)) {
    const name =
      typeof operation.operationId === 'string' ? nameOf.get(operation.operationId) : undefined;
    if (name === undefined) continue;
    if (!isPlainIdentifier(name))
      throw new Error(`function name ${stringLiteral(name)} is not a plain identifier`);
    const key = `${method.toUpperCase()} ${route}`;
    const ruleList = `[${(rules[key] ?? []).map((rule) => JSON.stringify(rule)).join(', ')}]`;
    const args = [
      stringLiteral(method.toUpperCase()),
      stringLiteral(route),
      ruleList,
      ...(keyed.has(key) ? ['true'] : []),
    ];
    const type = functionType(doc, operation, method, route, rules[key] ?? []);
    declarations.push(
      `${functionDoc(operation, method, route)}export const ${name}: ${type} = /* @__PURE__ */ operationFunction<${stringLiteral(route)}, ${stringLiteral(method)}>(${args.join(', ')});\n`,
    );
  }
  return `${header}
import type { operations } from "./schema.ts";
import { operationFunction } from "../src/client/operation.ts";
import type { OperationFn } from "../src/client/operation-fn.ts";

${declarations.join('\n')}`;
}
