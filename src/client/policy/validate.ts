/**
 * Checks request parameters against the spec before anything is sent, using the constraint
 * table that `npm run generate` compiles from the spec (generated/parameters.ts). Every problem
 * is reported, not just the first. Operations or parameters the table does not know pass. The
 * checks find breaches (which rule, which value); their messages are worded by
 * policy/validation-messages.ts, imported only when a call breaks one (docs/performance.md).
 */
import type { ParameterRule } from '../../../common/parameter-rule.ts';

/** The constraints a value is checked against (a rule without its name and place). */
export type Constraints = Omit<ParameterRule, 'name' | 'in' | 'required'>;

/** openapi-fetch's `params` object: one record per parameter location. */
export type RequestParams = Partial<Record<ParameterRule['in'], Record<string, unknown>>>;

/** What a value breaks: one of its constraints, by name (a `Date` where a string is due: `date-object`). */
export type BrokenConstraint =
  | 'date-object'
  | 'null'
  | 'types'
  | 'enum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'date'
  | 'uuid'
  | 'date-time'
  | 'minimum'
  | 'maximum'
  | 'exclusiveMinimum'
  | 'exclusiveMaximum';

/** A value that breaks `broken` of `constraints`, at item `items[0]` (of item `items[1]`...) when in an array. */
export interface ValueBreach {
  broken: BrokenConstraint;
  value: unknown;
  constraints: Constraints;
  /** Array indexes from the parameter's value down to the item that breaks it. */
  items: number[];
}

/** A path value that would send the request elsewhere. */
export type UnsafePathValue = 'empty' | 'dot' | 'lone-surrogate';

/** One parameter that breaks the rules, before its message is worded. */
export type ParameterBreach = { in: string; name: string } & (
  | { kind: 'unknown'; known: ReadonlySet<string> }
  | { kind: 'required' }
  | { kind: 'unsafe'; unsafe: UnsafePathValue; value: unknown }
  | {
      kind: 'value';
      breach: ValueBreach;
      /** Values are quoted in messages only for query and path (a header or cookie may hold a secret). */
      quote: boolean;
    }
);

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
 * The breaches of `params` under one operation's `rules` (an operation function's own, or those
 * the client looked up: src/client/policy/operation-facts.ts): missing required parameters, wrong
 * types, enum, pattern, `format: date`/`date-time`/`uuid`, minimum/maximum, length and array item
 * constraints, unsafe path values, and query or path names the operation does not declare. An
 * empty list means valid.
 */
export function operationBreaches(
  operationRules: readonly ParameterRule[],
  params: RequestParams | undefined,
): ParameterBreach[] {
  const breaches: ParameterBreach[] = [];
  for (const place of CHECKED_FOR_UNKNOWN) {
    const given = params?.[place];
    if (given === undefined) continue;
    const known = declaredNames(operationRules, place);
    for (const name in given) {
      if (given[name] !== undefined && !known.has(name)) {
        breaches.push({ in: place, name, kind: 'unknown', known });
      }
    }
  }
  for (const rule of operationRules) {
    // Own properties only: a parameter named `constructor` or `toString` is not Object's.
    const given = params?.[rule.in];
    const value =
      given !== undefined && Object.hasOwn(given, rule.name) ? given[rule.name] : undefined;
    // No object per rule that passes: this runs for every parameter of every request.
    if (value === undefined) {
      if (rule.required) breaches.push({ in: rule.in, name: rule.name, kind: 'required' });
      continue;
    }
    // An empty or dot segment sends the request to another route (`/kbs//documents`).
    const unsafe = rule.in === 'path' ? unsafePathValue(value) : undefined;
    if (unsafe !== undefined) {
      breaches.push({ in: rule.in, name: rule.name, kind: 'unsafe', unsafe, value });
      continue;
    }
    const breach = checkValue(value, rule);
    if (breach !== undefined) {
      breaches.push({
        in: rule.in,
        name: rule.name,
        kind: 'value',
        breach,
        quote: rule.in === 'query' || rule.in === 'path',
      });
    }
  }
  return breaches;
}

/** Lone surrogates: `encodeURIComponent` throws a URIError on them. */
export const LONE_SURROGATE_RE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Path values that would send the request elsewhere, checked whatever `validate` says (with
 * `validate`, among the other checks): `..` or
 * `.` (fetch resolves the dot segment: `/v1/email/events/..` is `/v1/email`), an empty value
 * (`/kbs//documents`), a string with a lone surrogate (no URL can hold it). One breach for each;
 * an empty list when all are safe.
 */
export function unsafePathBreaches(params: RequestParams | undefined): ParameterBreach[] {
  const breaches: ParameterBreach[] = [];
  const values = params?.path;
  if (values === undefined || values === null) return breaches;
  for (const name of Object.keys(values)) {
    const value = values[name];
    const unsafe = unsafePathValue(value);
    if (unsafe !== undefined) breaches.push({ in: 'path', name, kind: 'unsafe', unsafe, value });
  }
  return breaches;
}

function unsafePathValue(value: unknown): UnsafePathValue | undefined {
  const segment = Array.isArray(value) ? value.join(',') : value;
  if (segment === '') return 'empty';
  if (segment === '.' || segment === '..') return 'dot';
  if (typeof segment === 'string' && LONE_SURROGATE_RE.test(segment)) return 'lone-surrogate';
  return undefined;
}

/** What `value` breaks of `constraints`, or `undefined`. */
function checkValue(value: unknown, constraints: Constraints): ValueBreach | undefined {
  const broken = brokenConstraint(value, constraints);
  // No closure per value: the breach is built only for a value that breaks a rule.
  if (broken !== undefined) return { broken, value, constraints, items: [] };
  if (Array.isArray(value) && constraints.items) {
    for (const [index, item] of value.entries()) {
      const found = checkValue(item, constraints.items);
      if (found !== undefined) {
        found.items.unshift(index);
        return found;
      }
    }
  }
  return undefined;
}

/** The first of `constraints` that `value` itself (not its items) breaks, or `undefined`. */
function brokenConstraint(value: unknown, constraints: Constraints): BrokenConstraint | undefined {
  const { types } = constraints;
  if (value instanceof Date) return 'date-object';
  if (value === null) return types && !types.includes('null') ? 'null' : undefined;
  if (types && !hasAnyType(value, types)) return 'types';
  if (constraints.enum && !constraints.enum.includes(value)) return 'enum';
  if (typeof value === 'string') return checkString(value, constraints);
  if (typeof value === 'number') return checkNumber(value, constraints);
  return undefined;
}

function checkString(value: string, c: Constraints): BrokenConstraint | undefined {
  if (c.minLength !== undefined && value.length < c.minLength) return 'minLength';
  if (c.maxLength !== undefined && value.length > c.maxLength) return 'maxLength';
  if (c.pattern !== undefined && !compilePattern(c.pattern).test(value)) return 'pattern';
  if (c.format === 'date' && !isCalendarDate(value)) return 'date';
  if (c.format === 'uuid' && !UUID_RE.test(value)) return 'uuid';
  if (c.format === 'date-time' && !(DATE_TIME_RE.test(value) && !Number.isNaN(Date.parse(value)))) {
    return 'date-time';
  }
  return undefined;
}

function checkNumber(value: number, c: Constraints): BrokenConstraint | undefined {
  if (c.minimum !== undefined && value < c.minimum) return 'minimum';
  if (c.maximum !== undefined && value > c.maximum) return 'maximum';
  if (c.exclusiveMinimum !== undefined && value <= c.exclusiveMinimum) return 'exclusiveMinimum';
  if (c.exclusiveMaximum !== undefined && value >= c.exclusiveMaximum) return 'exclusiveMaximum';
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
