/**
 * Checks request parameters against the spec before anything is sent, using the constraint
 * table that `npm run generate` compiles from the spec (generated/parameters.ts). Every problem
 * is reported, not just the first. Operations or parameters the table does not know pass.
 */
import { PARAMETER_RULES, type ParameterRule } from '../generated/index.ts';
import type { ParameterProblem } from './errors.ts';

/** The constraints a value is checked against (a rule without its name and place). */
type Constraints = Omit<ParameterRule, 'name' | 'in' | 'required'>;

/** openapi-fetch's `params` object: one record per parameter location. */
export type RequestParams = Partial<Record<ParameterRule['in'], Record<string, unknown>>>;

const compiledPatterns = new Map<string, RegExp>();
/**
 * Places where a name the spec does not declare is a mistake (a typo such as `limt` compiles:
 * openapi-fetch infers its init type). Headers and cookies are left free.
 */
const CHECKED_FOR_UNKNOWN = ['path', 'query'] as const;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The problems with `params` for `operation` (`"GET /v1/..."`, the spec's path template):
 * missing required parameters, wrong types, enum, pattern, `format: date`/`date-time`,
 * minimum/maximum, length and array item constraints, and query or path names the operation does
 * not declare. An empty list means valid.
 */
export function validateParameters(
  operation: string,
  params: RequestParams | undefined,
  rules: Readonly<Record<string, readonly ParameterRule[]>> = PARAMETER_RULES,
): ParameterProblem[] {
  const operationRules = rules[operation];
  if (!operationRules) return [];
  const problems: ParameterProblem[] = [];
  for (const place of CHECKED_FOR_UNKNOWN) {
    for (const [name, value] of Object.entries(params?.[place] ?? {})) {
      if (
        value !== undefined &&
        !operationRules.some((rule) => rule.in === place && rule.name === name)
      ) {
        const known = operationRules.filter((rule) => rule.in === place).map((rule) => rule.name);
        problems.push({
          in: place,
          name,
          message: `is not a parameter of this operation (${known.length ? `known: ${known.join(', ')}` : 'it takes none'})`,
        });
      }
    }
  }
  for (const rule of operationRules) {
    const value = params?.[rule.in]?.[rule.name];
    if (value === undefined) {
      if (rule.required) problems.push(problem(rule, 'is required'));
      continue;
    }
    const message = checkValue(value, rule, rule.in === 'query' || rule.in === 'path');
    if (message !== undefined) problems.push(problem(rule, message));
  }
  return problems;
}

/** What is wrong with `value` under `constraints`, or `undefined`. Header and cookie values are not quoted. */
function checkValue(value: unknown, constraints: Constraints, quote: boolean): string | undefined {
  const shown = quote ? show(value) : 'the value';
  const { types } = constraints;
  if (value === null) {
    return types && !types.includes('null') ? 'must not be null' : undefined;
  }
  if (types && !types.some((type) => hasType(value, type))) {
    return `${shown} is not of type ${types.filter((type) => type !== 'null').join(' or ')}`;
  }
  if (constraints.enum && !constraints.enum.includes(value)) {
    return `${shown} is not one of ${constraints.enum.map(show).join(', ')}`;
  }
  if (typeof value === 'string') return checkString(value, constraints, shown);
  if (typeof value === 'number') return checkNumber(value, constraints, shown);
  if (Array.isArray(value) && constraints.items) {
    for (const [index, item] of value.entries()) {
      const message = checkValue(item, constraints.items, quote);
      if (message !== undefined) return `item ${index}: ${message}`;
    }
  }
  return undefined;
}

function checkString(value: string, c: Constraints, shown: string): string | undefined {
  if (c.minLength !== undefined && value.length < c.minLength) {
    return `${shown} is shorter than ${c.minLength} characters`;
  }
  if (c.maxLength !== undefined && value.length > c.maxLength) {
    return `${shown} is longer than ${c.maxLength} characters`;
  }
  if (c.pattern !== undefined && !compilePattern(c.pattern).test(value)) {
    return `${shown} does not match ${c.pattern}`;
  }
  if (c.format === 'date' && !isCalendarDate(value)) {
    return `${shown} is not a date (YYYY-MM-DD)`;
  }
  if (c.format === 'date-time' && !(DATE_TIME_RE.test(value) && !Number.isNaN(Date.parse(value)))) {
    return `${shown} is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)`;
  }
  return undefined;
}

function checkNumber(value: number, c: Constraints, shown: string): string | undefined {
  if (c.minimum !== undefined && value < c.minimum)
    return `${shown} is below the minimum ${c.minimum}`;
  if (c.maximum !== undefined && value > c.maximum)
    return `${shown} is above the maximum ${c.maximum}`;
  if (c.exclusiveMinimum !== undefined && value <= c.exclusiveMinimum) {
    return `${shown} must be above ${c.exclusiveMinimum}`;
  }
  if (c.exclusiveMaximum !== undefined && value >= c.exclusiveMaximum) {
    return `${shown} must be below ${c.exclusiveMaximum}`;
  }
  return undefined;
}

/** True for `YYYY-MM-DD` naming a day that exists (no 2024-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE_RE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function compilePattern(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'u');
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

function problem(rule: ParameterRule, message: string): ParameterProblem {
  return { in: rule.in, name: rule.name, message };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
