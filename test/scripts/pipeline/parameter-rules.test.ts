import { describe, expect, it } from 'vitest';
import {
  operationShapes,
  parameterRules,
  schemaChecks,
} from '../../../scripts/pipeline/parameter-rules.ts';

describe('schemaChecks', () => {
  const doc = { components: { schemas: { Limit: { type: 'integer', minimum: 1, maximum: 100 } } } };
  const table: [string, { given: unknown; want: object }][] = [
    [
      'a plain type with bounds',
      {
        given: { type: 'integer', minimum: 1, maximum: 100 },
        want: { types: ['integer'], minimum: 1, maximum: 100 },
      },
    ],
    [
      'a nullable string (anyOf with null)',
      {
        given: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] },
        want: { types: ['null', 'string'], maxLength: 5 },
      },
    ],
    [
      'a pattern and a default',
      {
        given: { type: 'string', pattern: '^(a|b)$', default: 'a' },
        want: { types: ['string'], pattern: '^(a|b)$' },
      },
    ],
    [
      'a format',
      { given: { type: 'string', format: 'date' }, want: { types: ['string'], format: 'date' } },
    ],
    [
      'an enum',
      {
        given: { type: 'string', enum: ['x', 'y'] },
        want: { types: ['string'], enum: ['x', 'y'] },
      },
    ],
    [
      'a $ref',
      {
        given: { $ref: '#/components/schemas/Limit' },
        want: { types: ['integer'], minimum: 1, maximum: 100 },
      },
    ],
    [
      'an array of bounded items',
      {
        given: { type: 'array', items: { type: 'integer', minimum: 0 } },
        want: { types: ['array'], items: { types: ['integer'], minimum: 0 } },
      },
    ],
    [
      'a type list (3.1)',
      { given: { type: ['string', 'null'] }, want: { types: ['null', 'string'] } },
    ],
  ];
  it.each(table)('%s', (_name, { given, want }) => expect(schemaChecks(doc, given)).toEqual(want));
});

describe('parameterRules', () => {
  it('merges path-level and operation parameters (the operation wins) and marks path parameters required', () => {
    const doc = {
      paths: {
        '/things/{id}': {
          parameters: [
            { name: 'id', in: 'path', schema: { type: 'string' } },
            { name: 'q', in: 'query', schema: { type: 'string' } },
          ],
          get: {
            operationId: 'getThing',
            parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'integer' } }],
            responses: {},
          },
        },
      },
    };
    expect(parameterRules(doc)).toEqual({
      'GET /things/{id}': [
        { name: 'id', in: 'path', required: true, types: ['string'] },
        { name: 'q', in: 'query', required: true, types: ['integer'] },
      ],
    });
  });
});

describe('operationShapes', () => {
  it('finds the first 2xx JSON response and what parameters there are', () => {
    const doc = {
      paths: {
        '/t': {
          post: {
            operationId: 'createT',
            requestBody: { content: { 'application/json': { schema: {} } } },
            responses: {
              '201': { content: { 'application/json': { schema: {} } } },
              '200': { description: 'no body' },
            },
          },
        },
      },
    };
    expect(operationShapes(doc)).toEqual([
      {
        operationId: 'createT',
        method: 'post',
        path: '/t',
        hasQuery: false,
        hasPath: false,
        hasBody: true,
        success: { status: '201', mediaType: 'application/json' },
      },
    ]);
  });
});
