import { describe, expect, it } from 'vitest';
import type { ParameterRule } from '../../../generated/index.ts';
import { isCalendarDate } from '../../../src/client/policy/validate.ts';
import { validateParameters } from '../../../src/client/policy/validate-parameters.ts';

const DASHBOARD = 'GET /v1/analytics/integrations/dashboard';
const TIMEOUTS = 'GET /v1/analytics/tools/reliability/timeout-analysis';
const DATES = { start_date: '2024-01-01', end_date: '2024-01-31' };

describe('validateParameters against the generated rules', () => {
  it.each<[string, string, Record<string, unknown>, string[]]>([
    ['all valid', TIMEOUTS, { ...DATES, limit: 100, min_invocations: 1, tool_id: null }, []],
    ['dashboard valid', DASHBOARD, { ...DATES, granularity: 'week', slug: 'x' }, []],
    [
      'limit above the maximum',
      TIMEOUTS,
      { ...DATES, limit: 500 },
      ['limit: 500 is above the maximum 100'],
    ],
    [
      'limit below the minimum',
      TIMEOUTS,
      { ...DATES, limit: 0 },
      ['limit: 0 is below the minimum 1'],
    ],
    [
      'limit not an integer',
      TIMEOUTS,
      { ...DATES, limit: 2.5 },
      ['limit: 2.5 is not of type integer'],
    ],
    [
      'limit as a string',
      TIMEOUTS,
      { ...DATES, limit: '5' },
      ['limit: "5" is not of type integer'],
    ],
    [
      'granularity outside the pattern',
      DASHBOARD,
      { ...DATES, granularity: 'month' },
      ['granularity: "month" does not match ^(minute|hour|day|week)$'],
    ],
    [
      'a date that is a word',
      DASHBOARD,
      { ...DATES, start_date: 'January' },
      ['start_date: "January" is not a date (YYYY-MM-DD)'],
    ],
    [
      'a date that does not exist',
      DASHBOARD,
      { ...DATES, end_date: '2023-02-29' },
      ['end_date: "2023-02-29" is not a date (YYYY-MM-DD)'],
    ],
    ['a missing required date', DASHBOARD, { start_date: '2024-01-01' }, ['end_date: is required']],
    [
      'null where null is not allowed',
      TIMEOUTS,
      { ...DATES, limit: null },
      ['limit: must not be null'],
    ],
    [
      'every problem at once',
      TIMEOUTS,
      { start_date: 'January', limit: 500, min_invocations: 0 },
      [
        'min_invocations: 0 is below the minimum 1',
        'limit: 500 is above the maximum 100',
        'start_date: "January" is not a date (YYYY-MM-DD)',
        'end_date: is required',
      ],
    ],
  ])('%s', (_name, operation, query, want) => {
    const problems = validateParameters(operation, { query });
    expect(problems.map((p) => `${p.name}: ${p.message}`)).toEqual(want);
    expect(problems.every((p) => p.in === 'query')).toBe(true);
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'an operation named %s (a name of Object.prototype) is unknown: no problems, no TypeError',
    (name) => {
      expect(validateParameters(name, { query: { a: 1 } }, {})).toEqual([]);
    },
  );

  it('reports required parameters when params are missing entirely', () => {
    expect(validateParameters(DASHBOARD, undefined).map((p) => p.name)).toEqual([
      'start_date',
      'end_date',
    ]);
  });

  it('reports a query name the operation does not declare (a typo TypeScript lets through)', () => {
    expect(validateParameters(TIMEOUTS, { query: { ...DATES, limt: 5 } })).toEqual([
      {
        in: 'query',
        name: 'limt',
        message:
          'is not a parameter of this operation (known: tool_id, revision_id, min_invocations, limit, start_date, end_date)',
      },
    ]);
  });

  it('ignores undefined values and leaves headers free', () => {
    expect(
      validateParameters(TIMEOUTS, {
        query: { ...DATES, limit: undefined },
        header: { 'x-any': '1' },
      }),
    ).toEqual([]);
  });

  it('passes operations the rules do not know', () => {
    expect(validateParameters('GET /v1/unknown', { query: { limit: 'x' } })).toEqual([]);
  });
});

describe('validateParameters with hand-written rules', () => {
  const rules: Record<string, ParameterRule[]> = {
    'GET /things/{id}': [
      { name: 'id', in: 'path', required: true, types: ['string'], minLength: 3, maxLength: 5 },
      { name: 'kind', in: 'query', required: false, enum: ['a', 'b'] },
      { name: 'x-secret', in: 'header', required: false, types: ['string'], pattern: '^[a-z]+$' },
      {
        name: 'ids',
        in: 'query',
        required: false,
        types: ['array'],
        items: { types: ['integer'], exclusiveMinimum: 0 },
      },
      { name: 'at', in: 'query', required: false, types: ['string'], format: 'date-time' },
      { name: 'day', in: 'query', required: false, types: ['string'], format: 'date' },
      { name: 'owner', in: 'query', required: false, types: ['null', 'string'], format: 'uuid' },
    ],
  };
  it.each<[string, Record<string, Record<string, unknown>>, string[]]>([
    ['a short path parameter', { path: { id: 'ab' } }, ['id: "ab" is shorter than 3 characters']],
    [
      'a long path parameter',
      { path: { id: 'abcdef' } },
      ['id: "abcdef" is longer than 5 characters'],
    ],
    [
      'a value outside the enum',
      { path: { id: 'abc' }, query: { kind: 'c' } },
      ['kind: "c" is not one of "a", "b"'],
    ],
    [
      'a header value (not quoted, it may be secret)',
      { path: { id: 'abc' }, header: { 'x-secret': 'S3CRET' } },
      ['x-secret: the value does not match ^[a-z]+$'],
    ],
    [
      'a bad array item',
      { path: { id: 'abc' }, query: { ids: [1, 0] } },
      ['ids: item 1: 0 must be above 0'],
    ],
    [
      'a bad date-time',
      { path: { id: 'abc' }, query: { at: '2024-01-31 12:00' } },
      ['at: "2024-01-31 12:00" is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)'],
    ],
    ['a good date-time', { path: { id: 'abc' }, query: { at: '2024-01-31T12:00:00Z' } }, []],
    [
      'an empty path parameter (it would send the request to another route)',
      { path: { id: '' } },
      ['id: is empty: a path parameter needs a value'],
    ],
    [
      'a Date for a date-time',
      { path: { id: 'abc' }, query: { at: new Date('2024-01-31T12:00:00Z') } },
      ['at: is a Date object: pass a string, date.toISOString()'],
    ],
    [
      'a Date for a date',
      { path: { id: 'abc' }, query: { day: new Date('2024-01-31T12:00:00Z') } },
      ['day: is a Date object: pass a YYYY-MM-DD string, date.toISOString().slice(0, 10)'],
    ],
    [
      'a string that is not a UUID',
      { path: { id: 'abc' }, query: { owner: '3f0e6a9c-1b2d-4c5e-8f70-9a1b2c3d4e5' } },
      ['owner: "3f0e6a9c-1b2d-4c5e-8f70-9a1b2c3d4e5" is not a UUID (8-4-4-4-12 hex digits)'],
    ],
    [
      'a UUID in upper case, and null where null is allowed',
      { path: { id: 'abc' }, query: { owner: '3F0E6A9C-1B2D-4C5E-8F70-9A1B2C3D4E5F' } },
      [],
    ],
    ['null for a nullable uuid', { path: { id: 'abc' }, query: { owner: null } }, []],
  ])('%s', (_name, params, want) => {
    const problems = validateParameters('GET /things/{id}', params, rules);
    expect(problems.map((p) => `${p.name}: ${p.message}`)).toEqual(want);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2023-02-29', false],
    ['2024-04-31', false],
    ['2024-12-31', true],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-0a-01', false],
    ['+024-01-01', false],
    ['2024/01/01', false],
    ['2024-13-01', false],
    ['2024-1-1', false],
    ['2024-01-01T00:00:00Z', false],
    ['', false],
  ])('%s -> %s', (text, want) => {
    expect(isCalendarDate(text)).toBe(want);
  });
});
