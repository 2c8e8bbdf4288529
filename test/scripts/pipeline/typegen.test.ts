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
