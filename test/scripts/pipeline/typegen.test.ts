import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathTypes } from '../../../scripts/pipeline/typegen.ts';
import { pathTypesViaOpenapiTS } from '../../helpers/typegen-reference.ts';
import { markRequestDefaults } from '../../../scripts/pipeline/request-defaults.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

describe('pathTypes', () => {
  it('prints exactly what openapi-typescript prints through its public entry point', async () => {
    const doc = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8'),
    );
    const fast = pathTypes(doc);
    expect(fast).toContain('export interface paths');
    expect(fast).toContain('getToolReliabilityTimeoutAnalysis: {');
    expect(fast).toBe(await pathTypesViaOpenapiTS(doc));
  });

  it('does not modify the document it is given', async () => {
    const doc = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8'),
    );
    const before = JSON.stringify(doc);
    pathTypes(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe('request bodies: a defaulted property is optional when sent, required when received', () => {
  const search = {
    type: 'object',
    required: ['query'],
    properties: {
      query: { type: 'string' },
      limit: { type: 'integer', default: 10 },
      options: {
        type: 'object',
        properties: { rerank: { type: 'boolean', default: true } },
      },
    },
  };
  const doc = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/search': {
        post: {
          operationId: 'search',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Search' } } },
          },
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Result' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Search: search,
        Result: { type: 'object', properties: { total: { type: 'integer', default: 0 } } },
      },
    },
  };

  it('types request-side schemas with `?` on defaulted properties, nested ones too', () => {
    const text = pathTypes(doc);
    expect(text).toMatch(/query: string;/);
    expect(text).toMatch(/limit\?: number;/);
    expect(text).toMatch(/rerank\?: boolean;/);
    expect(text).toMatch(/total: number;/);
  });

  it('marks only request-side schemas, in a copy', () => {
    const marked = markRequestDefaults(doc);
    expect(marked).toMatchObject({ schemas: 1, properties: 2 });
    expect(JSON.stringify(doc)).not.toContain('x-feather');
  });

  it('still prints what openapi-typescript prints through its public entry point', async () => {
    expect(pathTypes(doc)).toBe(await pathTypesViaOpenapiTS(doc));
  });
});

describe('a string whose pattern lists its values is typed as their union', () => {
  const query = (name: string, schema: Record<string, unknown>) => ({
    name,
    in: 'query',
    required: false,
    schema,
  });
  const doc = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/series': {
        get: {
          operationId: 'series',
          parameters: [
            query('granularity', { type: 'string', pattern: '^(minute|hour|day|week)$' }),
            query('sort', { type: 'string', pattern: '^(?:score:desc|seen_at:desc|score:desc)$' }),
            query('maybe', {
              anyOf: [{ type: 'string', pattern: '^(zep|mem0)$' }, { type: 'null' }],
            }),
            query('slug', { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }),
            query('dotted', { type: 'string', pattern: '^(a.b|c)$' }),
            query('unanchored', { type: 'string', pattern: '(a|b)$' }),
            query('quoted', { type: 'string', pattern: '^(a"b|c)$' }),
            query('either', { type: 'string', pattern: '^(a)$|^(b)$' }),
            query('listed', { type: 'string', enum: ['x', 'y'], pattern: '^(x|y|z)$' }),
            query('proto', { type: 'string', pattern: '^(__proto__|constructor)$' }),
          ],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Series' } },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Series: {
          type: 'object',
          required: ['unit'],
          properties: { unit: { type: 'string', pattern: '^(hour|day|month)$' } },
        },
      },
    },
  };

  it('types the values of ^(a|b)$ and ^(?:a|b)$, in parameters and fields, once each', () => {
    const text = pathTypes(doc);
    expect(text).toContain('granularity?: "minute" | "hour" | "day" | "week";');
    expect(text).toContain('sort?: "score:desc" | "seen_at:desc";');
    expect(text).toContain('maybe?: ("zep" | "mem0") | null;');
    expect(text).toContain('unit: "hour" | "day" | "month";');
    expect(text).toContain('proto?: "__proto__" | "constructor";');
  });

  it('leaves any other pattern a string, and an enum its enum', () => {
    const text = pathTypes(doc);
    for (const name of ['slug', 'dotted', 'unanchored', 'quoted', 'either']) {
      expect(text).toContain(`${name}?: string;`);
    }
    expect(text).toContain('listed?: "x" | "y";');
  });

  it('still prints what openapi-typescript prints through its public entry point', async () => {
    expect(pathTypes(doc)).toBe(await pathTypesViaOpenapiTS(doc));
  });
});
