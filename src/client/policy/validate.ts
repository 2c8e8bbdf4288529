/**
 * Checks request parameters against the spec before anything is sent, using the constraint
 * table that `npm run generate` compiles from the spec (generated/parameters.ts). Every problem
 * is reported, not just the first. Operations or parameters the table does not know pass.
 */
import { PARAMETER_RULES, type ParameterRule } from '../../../generated/index.ts';
import type { ParameterProblem } from '../errors.ts';

/** The constraints a value is checked against (a rule without its name and place). */
type Constraints = Omit<ParameterRule, 'name' | 'in' | 'required'>;

/** openapi-fetch's `params` object: one record per parameter location. */
export type RequestParams = Partial<Record<ParameterRule['in'], Record<string, unknown>>>;

const compiledPatterns = new Map<string, RegExp>();
const namesByRules = new WeakMap<readonly ParameterRule[], Map<string, ReadonlySet<string>>>();
/**
 * Places where a name the spec does not declare is a mistake (a typo such as `limt` compiles:
 * openapi-fetch infers its init type). Headers and cookies are left free.
 */
const CHECKED_FOR_UNKNOWN = ['path', 'query'] as const;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

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
  return operationRules ? checkParameters(operationRules, params) : [];
}

function checkParameters(
  operationRules: readonly ParameterRule[],
  params: RequestParams | undefined,
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  for (const place of CHECKED_FOR_UNKNOWN) {
    const given = params?.[place];
    if (given === undefined) continue;
    const known = declaredNames(operationRules, place);
    for (const name in given) {
      if (given[name] !== undefined && !known.has(name)) {
        problems.push({
          in: place,
          name,
          message: `is not a parameter of this operation (${known.size ? `known: ${[...known].join(', ')}` : 'it takes none'})`,
        });
      }
    }
  }
  for (const rule of operationRules) {
    // Own properties only: a parameter named `constructor` or `toString` is not Object's.
    const given = params?.[rule.in];
    const value =
      given !== undefined && Object.hasOwn(given, rule.name) ? given[rule.name] : undefined;
    if (value === undefined) {
      if (rule.required) problems.push(problem(rule, 'is required'));
      continue;
    }
    // An empty or dot segment sends the request to another route (`/kbs//documents`).
    const unsafe = rule.in === 'path' ? unsafePathValue(value) : undefined;
    if (unsafe !== undefined) {
      problems.push(problem(rule, unsafe));
      continue;
    }
    const message = checkValue(value, rule, rule.in === 'query' || rule.in === 'path');
    if (message !== undefined) problems.push(problem(rule, message));
  }
  return problems;
}

/** Lone surrogates: `encodeURIComponent` throws a URIError on them. */
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Path values that would send the request elsewhere, checked whatever `validate` says (with
 * `validate`, among the other checks): `..` or
 * `.` (fetch resolves the dot segment: `/v1/email/events/..` is `/v1/email`), an empty value
 * (`/kbs//documents`), a string with a lone surrogate (no URL can hold it). One problem for each;
 * an empty list when all are safe.
 */
export function unsafePathProblems(params: RequestParams | undefined): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const values = params?.path;
  if (values === undefined || values === null) return problems;
  for (const name of Object.keys(values)) {
    const message = unsafePathValue(values[name]);
    if (message !== undefined) problems.push({ in: 'path', name, message });
  }
  return problems;
}

function unsafePathValue(value: unknown): string | undefined {
  const segment = Array.isArray(value) ? value.join(',') : value;
  if (segment === '') return 'is empty: a path parameter needs a value';
  if (segment === '.' || segment === '..') {
    return `is ${JSON.stringify(segment)}: a dot segment would send the request to another route`;
  }
  if (typeof segment === 'string' && LONE_SURROGATE_RE.test(segment)) return LONE_SURROGATE;
  return undefined;
}

const LONE_SURROGATE = 'holds a lone surrogate (not well-formed UTF-16): no URL can carry it';

/**
 * The problems behind a URIError of openapi-fetch's serializers: the query values and names
 * with a lone surrogate (path values are checked before). Looked for only once one was thrown.
 */
export function loneSurrogateProblems(params: RequestParams | undefined): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const query = params?.query ?? {};
  for (const name of Object.keys(query)) {
    const value = query[name];
    const texts = [name, ...(Array.isArray(value) ? value : [value])];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) texts.push(key, item);
    }
    if (texts.some((text) => typeof text === 'string' && LONE_SURROGATE_RE.test(text))) {
      problems.push({ in: 'query', name, message: LONE_SURROGATE });
    }
  }
  return problems;
}

/**
 * The problems with `params` under one operation's `rules` (an operation function's own, or
 * those the client looked up: src/client/policy/operation-facts.ts); an empty list means valid.
 */
export function operationProblems(
  rules: readonly ParameterRule[],
  params: RequestParams | undefined,
): ParameterProblem[] {
  return checkParameters(rules, params);
}

/**
 * Rejects with a `FeatherValidationError` for `operation` (`"GET /v1/..."`) listing `problems`.
 * The error classes are imported then (src/client/errors.ts), not with the client.
 */
export async function rejectInvalid(
  operation: string,
  problems: readonly ParameterProblem[],
): Promise<never> {
  const { FeatherValidationError } = await import('../errors.ts');
  throw new FeatherValidationError(operation, problems);
}

/**
 * What is wrong with `value` under `constraints`, or `undefined`. Values are quoted in messages
 * only when `quote` (query and path values; a header or cookie may hold a secret).
 */
function checkValue(value: unknown, constraints: Constraints, quote: boolean): string | undefined {
  const { types } = constraints;
  if (value instanceof Date) return dateMessage(value, constraints.format);
  if (value === null) {
    return types && !types.includes('null') ? 'must not be null' : undefined;
  }
  if (types && !hasAnyType(value, types)) {
    return `${valueInMessage(value, quote)} is not of type ${types.filter((type) => type !== 'null').join(' or ')}`;
  }
  if (constraints.enum && !constraints.enum.includes(value)) {
    return `${valueInMessage(value, quote)} is not one of ${constraints.enum.map(jsonPreview).join(', ')}`;
  }
  if (typeof value === 'string') return checkString(value, constraints, quote);
  if (typeof value === 'number') return checkNumber(value, constraints, quote);
  if (Array.isArray(value) && constraints.items) {
    for (const [index, item] of value.entries()) {
      const message = checkValue(item, constraints.items, quote);
      if (message !== undefined) return `item ${index}: ${message}`;
    }
  }
  return undefined;
}

function checkString(value: string, c: Constraints, quote: boolean): string | undefined {
  if (c.minLength !== undefined && value.length < c.minLength) {
    return `${valueInMessage(value, quote)} is shorter than ${c.minLength} characters`;
  }
  if (c.maxLength !== undefined && value.length > c.maxLength) {
    return `${valueInMessage(value, quote)} is longer than ${c.maxLength} characters`;
  }
  if (c.pattern !== undefined && !compilePattern(c.pattern).test(value)) {
    return `${valueInMessage(value, quote)} does not match ${c.pattern}`;
  }
  if (c.format === 'date' && !isCalendarDate(value)) {
    return `${valueInMessage(value, quote)} is not a date (YYYY-MM-DD)`;
  }
  if (c.format === 'uuid' && !UUID_RE.test(value)) {
    return `${valueInMessage(value, quote)} is not a UUID (8-4-4-4-12 hex digits)`;
  }
  if (c.format === 'date-time' && !(DATE_TIME_RE.test(value) && !Number.isNaN(Date.parse(value)))) {
    return `${valueInMessage(value, quote)} is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)`;
  }
  return undefined;
}

/** A `Date` object where the spec takes a string: say which string to pass. */
function dateMessage(value: Date, format: string | undefined): string {
  return format === 'date'
    ? 'is a Date object: pass a YYYY-MM-DD string, date.toISOString().slice(0, 10)'
    : 'is a Date object: pass a string, date.toISOString()';
}

function checkNumber(value: number, c: Constraints, quote: boolean): string | undefined {
  if (c.minimum !== undefined && value < c.minimum) {
    return `${valueInMessage(value, quote)} is below the minimum ${c.minimum}`;
  }
  if (c.maximum !== undefined && value > c.maximum) {
    return `${valueInMessage(value, quote)} is above the maximum ${c.maximum}`;
  }
  if (c.exclusiveMinimum !== undefined && value <= c.exclusiveMinimum) {
    return `${valueInMessage(value, quote)} must be above ${c.exclusiveMinimum}`;
  }
  if (c.exclusiveMaximum !== undefined && value >= c.exclusiveMaximum) {
    return `${valueInMessage(value, quote)} must be below ${c.exclusiveMaximum}`;
  }
  return undefined;
}

/**
 * True for `YYYY-MM-DD` naming a day that exists (no 2023-02-29). Reads the characters
 * directly: it runs for every date parameter of every request.
 */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) {
    return false;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!);
}

const DASH = 0x2d;
const ZERO = 0x30;

/** The number written by the ASCII digits `text[start..end)`, or -1 if one is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A plain loop: this runs on every request, and a closure per call showed in measurements. */
function hasAnyType(value: unknown, types: readonly string[]): boolean {
  for (const type of types) if (hasType(value, type)) return true;
  return false;
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

/** The names `rules` declare in `place`, computed once per rule list. */
function declaredNames(rules: readonly ParameterRule[], place: string): ReadonlySet<string> {
  let byPlace = namesByRules.get(rules);
  if (!byPlace) {
    byPlace = new Map();
    namesByRules.set(rules, byPlace);
  }
  let names = byPlace.get(place);
  if (!names) {
    names = new Set(rules.filter((rule) => rule.in === place).map((rule) => rule.name));
    byPlace.set(place, names);
  }
  return names;
}

/** `value` as a message shows it: quoted when `quote`, else only "the value" (it may be a secret). */
function valueInMessage(value: unknown, quote: boolean): string {
  return quote ? jsonPreview(value) : 'the value';
}

/** `value` as JSON, cut to 60 characters. */
function jsonPreview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
