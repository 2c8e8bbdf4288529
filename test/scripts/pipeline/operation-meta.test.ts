import { describe, expect, it } from 'vitest';
import { operationMeta } from '../../../scripts/pipeline/operation-meta.ts';

/** A document with one GET at `/things`, its parameters and its 200 body schema. */
function docWith(parameters: object[], body: object, extra: object = {}): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    paths: {
      '/things': {
        get: {
          parameters,
          responses: { 200: { content: { 'application/json': { schema: body } } } },
        },
      },
      ...extra,
    },
    components: {
      schemas: {
        Thing: { type: 'object', properties: { id: { type: 'string' } } },
        Page: {
          type: 'object',
          properties: { revisions: { type: 'array' }, next_cursor: { type: 'string' } },
        },
      },
    },
  };
}
const cursor = {
  name: 'cursor',
  in: 'query',
  schema: { anyOf: [{ type: 'string' }, { type: 'null' }] },
};
const things = { type: 'array', items: { $ref: '#/components/schemas/Thing' } };
const nullableCursor = { anyOf: [{ type: 'string' }, { type: 'null' }] };

describe('operationMeta: pagination', () => {
  it.each<[string, object[], object, object | undefined]>([
    [
      'items, next_cursor, has_more',
      [cursor],
      {
        type: 'object',
        properties: { items: things, next_cursor: nullableCursor, has_more: { type: 'boolean' } },
      },
      { cursor: 'cursor', nextCursor: 'next_cursor', hasMore: 'has_more', items: 'items' },
    ],
    [
      'another array name, no has_more',
      [cursor],
      { type: 'object', properties: { facts: things, next_cursor: nullableCursor } },
      { cursor: 'cursor', nextCursor: 'next_cursor', items: 'facts' },
    ],
    [
      'a start_cursor parameter',
      [{ name: 'start_cursor', in: 'query', schema: { type: 'string' } }],
      { type: 'object', properties: { items: things, next_cursor: nullableCursor } },
      { cursor: 'start_cursor', nextCursor: 'next_cursor', items: 'items' },
    ],
    [
      'a nullable array',
      [cursor],
      {
        type: 'object',
        properties: { steps: { anyOf: [things, { type: 'null' }] }, next_cursor: nullableCursor },
      },
      { cursor: 'cursor', nextCursor: 'next_cursor', items: 'steps' },
    ],
    [
      'no cursor parameter',
      [{ name: 'limit', in: 'query', schema: { type: 'integer' } }],
      { type: 'object', properties: { items: things, next_cursor: nullableCursor } },
      undefined,
    ],
    [
      'a cursor header, not a query parameter',
      [{ ...cursor, in: 'header' }],
      { type: 'object', properties: { items: things, next_cursor: nullableCursor } },
      undefined,
    ],
    [
      'no next_cursor in the response',
      [cursor],
      { type: 'object', properties: { items: things } },
      undefined,
    ],
    [
      'a $ref response body',
      [cursor],
      { $ref: '#/components/schemas/Page' },
      { cursor: 'cursor', nextCursor: 'next_cursor', items: 'revisions' },
    ],
  ])('%s', (_name, parameters, body, want) => {
    const meta = operationMeta(docWith(parameters, body));
    expect(meta.pagination['/things']).toEqual(want);
  });

  it('skips, and lists, a page with several arrays none named items', () => {
    const meta = operationMeta(
      docWith([cursor], {
        type: 'object',
        properties: { session: things, turns: things, next_cursor: nullableCursor },
      }),
    );
    expect(meta.pagination).toEqual({});
    expect(meta.skipped).toEqual(['GET /things']);
  });
});

describe('operationMeta: idempotency_key bodies', () => {
  it('lists each operation whose JSON body declares idempotency_key, through $ref and allOf', () => {
    const body = (schema: object) => ({
      requestBody: { content: { 'application/json': { schema } } },
      responses: { 201: { description: 'ok' } },
    });
    const doc = docWith(
      [],
      { type: 'object' },
      {
        '/sms': {
          post: body({
            type: 'object',
            properties: { to: { type: 'string' }, idempotency_key: nullableCursor },
          }),
        },
        '/calls': {
          post: body({
            allOf: [{ type: 'object', properties: { idempotency_key: { type: 'string' } } }],
          }),
        },
        '/plain': { post: body({ type: 'object', properties: { to: { type: 'string' } } }) },
      },
    );
    expect(operationMeta(doc).idempotencyKeyBody).toEqual(['POST /calls', 'POST /sms']);
  });
});
