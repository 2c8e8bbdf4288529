import { describe, expect, it } from 'vitest';
import { joinDocuments, originOf } from '../../../scripts/pipeline/join.ts';
import { brokenLocalRefs } from '../../../scripts/pipeline/join/collect-refs.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import type { SpecSource } from '../../../scripts/lib/spec-files.ts';

const info = { title: 'Feather API', version: '1.0.0' };

function source(file: string, doc: Record<string, unknown>): SpecSource {
  return { file, text: JSON.stringify(doc, null, 2), doc: { openapi: '3.1.0', info, ...doc } };
}

function operation(
  operationId: string,
  schemaRef = '#/components/schemas/Row',
): Record<string, unknown> {
  return {
    operationId,
    responses: {
      '200': {
        description: 'ok',
        content: { 'application/json': { schema: { $ref: schemaRef } } },
      },
    },
  };
}

const row = { type: 'object', properties: { id: { type: 'string' } } };

describe('joinDocuments', () => {
  it('merges identical shared components and keeps each operation', () => {
    const joined = joinDocuments([
      source('spec/b.yaml', {
        paths: { '/b': { get: operation('getB') } },
        components: { schemas: { Row: row, B: { type: 'string' } } },
      }),
      source('spec/a.yaml', {
        paths: { '/a': { get: operation('getA') } },
        components: { schemas: { Row: structuredClone(row) } },
      }),
    ]);
    expect(Object.keys(joined.doc.paths as object)).toEqual(['/a', '/b']);
    expect(Object.keys((joined.doc.components as { schemas: object }).schemas)).toEqual([
      'B',
      'Row',
    ]);
    expect(joined.operationCount).toBe(2);
    expect(joined.schemaCount).toBe(2);
    expect(joined.doc.info).toEqual(info);
  });

  it('treats key order as the same content', () => {
    const reordered = { properties: { id: { type: 'string' } }, type: 'object' };
    expect(() =>
      joinDocuments([
        source('spec/a.yaml', {
          paths: { '/a': { get: operation('getA') } },
          components: { schemas: { Row: row } },
        }),
        source('spec/b.yaml', {
          paths: { '/b': { get: operation('getB') } },
          components: { schemas: { Row: reordered } },
        }),
      ]),
    ).not.toThrow();
  });

  it('joins two methods of one path from two documents', () => {
    const joined = joinDocuments([
      source('spec/a.yaml', {
        paths: { '/things': { get: operation('listThings') } },
        components: { schemas: { Row: row } },
      }),
      source('spec/b.yaml', {
        paths: { '/things': { post: operation('createThing') } },
        components: { schemas: { Row: row } },
      }),
    ]);
    expect(Object.keys((joined.doc.paths as Record<string, object>)['/things']!)).toEqual([
      'get',
      'post',
    ]);
    expect(originOf(joined.origins, '#/paths/~1things/post/responses', 'x')).toBe('spec/b.yaml');
    expect(originOf(joined.origins, '#/components/schemas/Row/type', 'x')).toBe('spec/a.yaml');
  });

  const failures: [string, { given: SpecSource[]; want: RegExp }][] = [
    [
      'documents that disagree on info',
      {
        given: [
          source('spec/a.yaml', { paths: {} }),
          {
            ...source('spec/b.yaml', { paths: {} }),
            doc: { openapi: '3.1.0', info: { ...info, version: '2.0.0' }, paths: {} },
          },
        ],
        want: /spec\/a\.yaml \(#\/info\) and spec\/b\.yaml \(#\/info\): documents disagree on 'info'/,
      },
    ],
    [
      'a tag declared twice differently',
      {
        given: [
          source('spec/a.yaml', { tags: [{ name: 'analytics', description: 'one' }], paths: {} }),
          source('spec/b.yaml', { tags: [{ name: 'analytics', description: 'two' }], paths: {} }),
        ],
        want: /tag 'analytics' is declared differently/,
      },
    ],
    [
      'different path-level parameters for one path',
      {
        given: [
          source('spec/a.yaml', {
            paths: { '/t': { parameters: [{ name: 'x', in: 'query' }], get: operation('a') } },
            components: { schemas: { Row: row } },
          }),
          source('spec/b.yaml', {
            paths: { '/t': { parameters: [{ name: 'y', in: 'query' }], post: operation('b') } },
            components: { schemas: { Row: row } },
          }),
        ],
        want: /path item '\/t' has a different 'parameters' in two documents/,
      },
    ],
    [
      'an external $ref',
      {
        given: [
          source('spec/a.yaml', {
            paths: { '/a': { get: operation('getA', './other.yaml#/Row') } },
          }),
        ],
        want: /\$ref '\.\/other\.yaml#\/Row' external references are not supported/,
      },
    ],
  ];
  it.each(failures)('rejects %s', (_name, { given, want }) => {
    expect(() => joinDocuments(given)).toThrow(PipelineError);
    expect(() => joinDocuments(given)).toThrow(want);
  });

  it('reports all problems of a run together', () => {
    const error = (() => {
      try {
        joinDocuments([
          source('spec/a.yaml', {
            paths: { '/a': { get: operation('same', '#/components/schemas/Missing') } },
          }),
          source('spec/b.yaml', {
            paths: { '/b': { get: operation('same') } },
            components: { schemas: { Row: row } },
          }),
        ]);
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('joinDocuments did not throw');
    })();
    expect(error.message).toMatch(/Missing' does not resolve/);
    expect(error.message).toMatch(/operationId 'same' is used twice/);
  });
});

describe('brokenLocalRefs', () => {
  it('resolves escaped pointer segments', () => {
    const doc = { paths: { '/a/b': { get: {} } }, x: { $ref: '#/paths/~1a~1b/get' } };
    expect(brokenLocalRefs(doc)).toEqual([]);
  });
  it('names the pointer of a broken one', () => {
    expect(brokenLocalRefs({ list: [{ $ref: '#/nowhere' }] })).toEqual([
      {
        pointer: '#/list/0/$ref',
        ref: '#/nowhere',
        reason: 'does not resolve inside this document',
      },
    ]);
  });
});
