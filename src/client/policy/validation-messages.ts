/**
 * The words for the breaches policy/validate.ts finds: each parameter's message, as
 * `FeatherValidationError` and `validateParameters` give it. Imported when a call breaks a rule,
 * not with the client (docs/performance.md).
 */
import type { ParameterProblem } from '../errors.ts';
import type { ParameterBreach, UnsafePathValue, ValueBreach } from './validate.ts';

/** Each breach as a problem: its place, name and message. */
export function parameterProblems(breaches: readonly ParameterBreach[]): ParameterProblem[] {
  return breaches.map((breach) => ({
    in: breach.in,
    name: breach.name,
    message: breachMessage(breach),
  }));
}

function breachMessage(breach: ParameterBreach): string {
  switch (breach.kind) {
    case 'unknown': {
      const { known } = breach;
      return `is not a parameter of this operation (${known.size ? `known: ${[...known].join(', ')}` : 'it takes none'})`;
    }
    case 'required':
      return 'is required';
    case 'unsafe':
      return unsafeMessage(breach.unsafe, breach.value);
    case 'value':
      return (
        breach.breach.items.map((index) => `item ${index}: `).join('') +
        valueMessage(breach.breach, breach.quote)
      );
  }
}

function unsafeMessage(unsafe: UnsafePathValue, value: unknown): string {
  if (unsafe === 'empty') return 'is empty: a path parameter needs a value';
  if (unsafe === 'dot') {
    const segment = Array.isArray(value) ? value.join(',') : value;
    return `is ${JSON.stringify(segment)}: a dot segment would send the request to another route`;
  }
  return 'holds a lone surrogate (not well-formed UTF-16): no URL can carry it';
}

/**
 * What is wrong with the value. Values are quoted only when `quote` (query and path values; a
 * header or cookie may hold a secret).
 */
function valueMessage({ broken, value, constraints: c }: ValueBreach, quote: boolean): string {
  const shown = quote ? jsonPreview(value) : 'the value';
  switch (broken) {
    case 'date-object':
      // A `Date` object where the spec takes a string: say which string to pass.
      return c.format === 'date'
        ? 'is a Date object: pass a YYYY-MM-DD string, date.toISOString().slice(0, 10)'
        : 'is a Date object: pass a string, date.toISOString()';
    case 'null':
      return 'must not be null';
    case 'types':
      return `${shown} is not of type ${c.types!.filter((type) => type !== 'null').join(' or ')}`;
    case 'enum':
      return `${shown} is not one of ${c.enum!.map(jsonPreview).join(', ')}`;
    case 'minLength':
      return `${shown} is shorter than ${c.minLength} characters`;
    case 'maxLength':
      return `${shown} is longer than ${c.maxLength} characters`;
    case 'pattern':
      return `${shown} does not match ${c.pattern}`;
    case 'date':
      return `${shown} is not a date (YYYY-MM-DD)`;
    case 'uuid':
      return `${shown} is not a UUID (8-4-4-4-12 hex digits)`;
    case 'date-time':
      return `${shown} is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)`;
    case 'minimum':
      return `${shown} is below the minimum ${c.minimum}`;
    case 'maximum':
      return `${shown} is above the maximum ${c.maximum}`;
    case 'exclusiveMinimum':
      return `${shown} must be above ${c.exclusiveMinimum}`;
    case 'exclusiveMaximum':
      return `${shown} must be below ${c.exclusiveMaximum}`;
  }
}

/** `value` as JSON, cut to 60 characters. */
function jsonPreview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
