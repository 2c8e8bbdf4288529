import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { canonicalJson } from '../../../common/canonical.ts';
import { extractOpenApi } from '../../../scripts/ingest/page.ts';
import { splitDocument } from '../../../scripts/lib/split-document.ts';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const missing = wholeApiMissing();

describe.skipIf(missing)(
  `splitDocument on the whole published API${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('gives one page per operation, and the seed pages exactly as Feather publishes them', async () => {
      const whole = JSON.parse(await readFile(wholeApiFile('1.21.0'), 'utf8')) as Record<
        string,
        unknown
      >;
      const pages = splitDocument(whole);
      expect(pages).toHaveLength(491);
      expect(new Set(pages.map((p) => p.operationId)).size).toBe(491);
      for (const id of ['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis']) {
        const page = path.join(REPO_ROOT, 'test', 'fixtures', 'feather-docs', `${id}.md`);
        const seed: unknown = parse(extractOpenApi(page, await readFile(page, 'utf8')).yaml);
        expect(canonicalJson(pages.find((p) => p.operationId === id)?.doc)).toBe(
          canonicalJson(seed),
        );
      }
    });
  },
);
