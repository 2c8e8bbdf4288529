/** scripts/pipeline/response-schemas.ts: the table `generated/response-schemas.ts` holds. */
import { describe, expect, it } from 'vitest';
import { responseSchemas } from '../../../scripts/pipeline/response-schemas.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });

describe('responseSchemas', () => {
  const doc = {
    paths: {
      '/v1/things/{id}': {
        get: {
          responses: {
            '200': json(ref('Thing')),
            '204': { description: 'nothing' },
            '400': json(ref('ErrorResponse')),
            default: json({ type: 'object' }),
          },
        },
        parameters: [],
      },
      '/v1/stream': {
        get: { responses: { '200': { content: { 'text/event-stream': { schema: {} } } } } },
      },
    },
    components: {
      schemas: {
        Thing: { type: 'object', properties: { part: ref('Part') } },
        Part: { type: 'object', properties: { sub: ref('a~1b') } },
        'a/b': { type: 'string' },
        ErrorResponse: { type: 'object' },
        OnlyInRequests: { type: 'object' },
      },
    },
  };

  it("holds each operation's JSON responses by status, and no others", () => {
    expect(responseSchemas(doc).operations).toEqual({
      'GET /v1/things/{id}': {
        '200': ref('Thing'),
        '400': ref('ErrorResponse'),
        default: { type: 'object' },
      },
      'GET /v1/stream': {},
    });
  });

  it('keeps the components responses reach, through refs of refs (a JSON-pointer-escaped name too)', () => {
    expect(Object.keys(responseSchemas(doc).components.schemas)).toEqual([
      'ErrorResponse',
      'Part',
      'Thing',
      'a/b',
    ]);
  });

  it('ignores a ref to a component that does not exist', () => {
    const broken = { paths: { '/x': { get: { responses: { '200': json(ref('Gone')) } } } } };
    expect(responseSchemas(broken).components.schemas).toEqual({});
  });
});
