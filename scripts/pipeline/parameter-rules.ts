/**
 * Compiles each operation's parameter constraints into a small table that the client checks
 * before sending (see src/client/policy/validate.ts). Pure: joined document in, JSON-able table out.
 */
import type { ParameterRule } from '../../common/parameter-rule.ts';
import type { OperationShape } from './aliases.ts';
import { isDict, type Dict } from '../../common/json.ts';
import { eachOperation, resolve } from './refs.ts';

export type { ParameterRule };

const NUMERIC_KEYS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
] as const;

/** The checks a schema implies, flattening `anyOf`/`oneOf` alternatives of plain types. */
export function schemaChecks(
  doc: Dict,
  raw: unknown,
): Omit<ParameterRule, 'name' | 'in' | 'required'> {
  const schema = resolve(doc, raw);
  if (!isDict(schema)) return {};
  const alternatives = (
    Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : []
  )
    .map((item) => resolve(doc, item))
    .filter(isDict);
  const rule: Omit<ParameterRule, 'name' | 'in' | 'required'> = {};
  const types = new Set<string>();
  const addTypes = (node: Dict): void => {
    if (typeof node.type === 'string') types.add(node.type);
    if (Array.isArray(node.type)) node.type.forEach((type) => types.add(String(type)));
    if (node.nullable === true) types.add('null');
  };
  addTypes(schema);
  // Constraints of the non-null alternative apply (`anyOf: [{type: string, pattern}, {type: null}]`).
  const nonNull = alternatives.filter((alt) => alt.type !== 'null');
  alternatives.forEach(addTypes);
  const source = nonNull.length === 1 ? { ...nonNull[0], ...schema } : schema;
  if (types.size > 0) rule.types = [...types].sort();
  if (Array.isArray(source.enum)) rule.enum = source.enum;
  if (typeof source.pattern === 'string') rule.pattern = source.pattern;
  if (typeof source.format === 'string') rule.format = source.format;
  for (const key of NUMERIC_KEYS) {
    if (typeof source[key] === 'number') rule[key] = source[key] as number;
  }
  if (source.items !== undefined) rule.items = schemaChecks(doc, source.items);
  return rule;
}

/** `{ "GET /path": ParameterRule[] }` for every operation with parameters, keys sorted. */
export function parameterRules(doc: Dict): Record<string, ParameterRule[]> {
  const table: Record<string, ParameterRule[]> = {};
  for (const { route, method, parameters } of eachOperation(doc)) {
    const byKey = new Map<string, ParameterRule>();
    for (const raw of parameters) {
      const parameter = resolve(doc, raw);
      if (!isDict(parameter) || typeof parameter.name !== 'string') continue;
      const where = parameter.in as ParameterRule['in'];
      byKey.set(`${where}:${parameter.name}`, {
        name: parameter.name,
        in: where,
        required: parameter.required === true || where === 'path',
        ...schemaChecks(doc, parameter.schema),
      });
    }
    if (byKey.size > 0) table[`${method.toUpperCase()} ${route}`] = [...byKey.values()];
  }
  return table;
}

/** The shape of each operation, for the operation aliases. */
export function operationShapes(doc: Dict): OperationShape[] {
  const shapes: OperationShape[] = [];
  for (const { route, method, operation, parameters: raw } of eachOperation(doc, false)) {
    if (typeof operation.operationId !== 'string') continue;
    const parameters = raw.map((p) => resolve(doc, p)).filter(isDict);
    const responses = isDict(operation.responses) ? operation.responses : {};
    let success: OperationShape['success'];
    for (const status of Object.keys(responses)
      .filter((s) => /^2\d\d$/.test(s))
      .sort()) {
      const response = resolve(doc, responses[status]);
      const content = isDict(response) && isDict(response.content) ? response.content : {};
      const mediaType = Object.keys(content).find((type) => /json/.test(type));
      if (mediaType) {
        success = { status, mediaType };
        break;
      }
    }
    const body = resolve(doc, operation.requestBody);
    shapes.push({
      operationId: operation.operationId,
      method,
      path: route,
      hasQuery: parameters.some((p) => p.in === 'query'),
      hasPath: parameters.some((p) => p.in === 'path'),
      hasBody: isDict(body) && isDict(body.content) && 'application/json' in body.content,
      ...(success ? { success } : {}),
    });
  }
  return shapes;
}
