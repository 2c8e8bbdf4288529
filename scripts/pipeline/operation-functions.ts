/**
 * `generated/functions.ts`: one operation function per operation (src/client/operation.ts), named under
 * the name lock (scripts/pipeline/aliases.ts), each with its operation's summary, description
 * and `@deprecated` as JSDoc and its own parameter rules inline, so that a bundler keeps only
 * the functions an app imports and their rules. Pure: joined document in, text out.
 */
import type { OperationFunctionName } from './aliases.ts';
import type { Dict } from '../../common/json.ts';
import { eachOperation } from './refs.ts';
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
    declarations.push(
      `${functionDoc(operation, method, route)}export const ${name} = /* @__PURE__ */ operationFunction<${stringLiteral(route)}, ${stringLiteral(method)}>(${args.join(', ')});\n`,
    );
  }
  return `${header}
import { operationFunction } from "../src/client/operation.ts";

${declarations.join('\n')}`;
}
