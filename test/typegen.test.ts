import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathTypes, pathTypesViaOpenapiTS } from '../scripts/pipeline/typegen.ts';
import { REPO_ROOT } from './helpers/workspace.ts';

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
