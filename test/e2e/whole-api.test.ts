import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeWholeApiTree,
  wholeApiFile,
  wholeApiMissing,
  type WholeApiTree,
} from '../helpers/feather-api.ts';

const missing = wholeApiMissing();

describe.skipIf(missing)(
  `generate on the whole published API${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let tree: WholeApiTree;
    beforeAll(async () => {
      tree = await makeWholeApiTree('1.87.0');
    });
    afterAll(() => tree?.remove());

    it('passes with the shipped redocly.yaml and types every operation of the document', async () => {
      const source = JSON.parse(await readFile(wholeApiFile('1.87.0'), 'utf8')) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      const operationIds = Object.values(source.paths).flatMap((item) =>
        Object.values(item).flatMap((op) =>
          op && typeof op === 'object' && op.operationId ? [op.operationId] : [],
        ),
      );
      expect(operationIds.length).toBeGreaterThan(600);
      const schema = await readFile(path.join(tree.root, 'generated', 'schema.ts'), 'utf8');
      const operations = schema.slice(schema.indexOf('export interface operations {'));
      const typed = new Set(
        [...operations.matchAll(/^ {4}"?([^":\s]+)"?: \{$/gm)].map((m) => m[1]),
      );
      expect(operationIds.filter((id) => !typed.has(id))).toEqual([]);
    });
  },
);
