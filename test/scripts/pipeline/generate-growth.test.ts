/**
 * spec/ grows: the project's own checks must survive it. A temp copy of the project (src/,
 * scripts/, examples/, test/; spec/ and generated/ with its name lock from the seed package,
 * test/helpers/seed.ts, whatever the checkout's spec/ holds) gets operations of the real
 * 1.21.0 API added as ingest writes them (one page document each), is regenerated, and must
 * then pass `check` and type-check as a whole, with every published name where it was.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { checkGenerated } from '../../../scripts/commands/check.ts';
import { runNode } from '../../../scripts/lib/child.ts';
import { splitDocument } from '../../../scripts/lib/split-document.ts';
import type { PipelinePaths } from '../../../scripts/pipeline/pipeline.ts';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { seedTree } from '../../helpers/seed.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

/** Pages added: the analytics area (the other `DashboardEnvelope`s), a POST with defaults, FastAPI ids. */
const ADDED_PATHS = /^\/v1\/(analytics\/|knowledge-base\/search$|ask-feather\/)/;

const missing = wholeApiMissing();

describe.skipIf(missing)(
  `spec/ grown by ingest: check and tsc stay green${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let root: string;
    let paths: PipelinePaths;
    let added: string[];
    const read = (file: string): Promise<string> => readFile(path.join(root, file), 'utf8');

    beforeAll(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'feather-growth-'));
      const seed = await seedTree();
      await cp(seed.specDir, path.join(root, 'spec'), { recursive: true });
      await cp(seed.generatedDir, path.join(root, 'generated'), { recursive: true });
      for (const entry of ['common', 'src', 'scripts', 'examples', 'test'])
        await cp(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
      for (const file of ['redocly.yaml', 'tsconfig.json', 'package.json'])
        await cp(path.join(REPO_ROOT, file), path.join(root, file));
      await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      const whole = JSON.parse(await readFile(wholeApiFile('1.21.0'), 'utf8')) as Record<
        string,
        unknown
      >;
      const seeds = seed.openapiText;
      const pages = splitDocument(whole).filter(
        (page) => ADDED_PATHS.test(page.path) && !seeds.includes(`"${page.operationId}"`),
      );
      added = pages.map((page) => page.operationId);
      for (const page of pages)
        await writeFile(
          path.join(root, 'spec', `${page.operationId}.json`),
          `${JSON.stringify(page.doc, null, 2)}\n`,
        );
      paths = { root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' };
      await generate(paths);
    }, 240_000);
    afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

    it('adds operations, and keeps every published alias with its name and target', async () => {
      expect(added.length).toBeGreaterThan(10);
      expect(added).toContain('getPolicyDashboard');
      const { generatedDir } = await seedTree();
      const before = await readFile(path.join(generatedDir, 'aliases.ts'), 'utf8');
      const after = await read('generated/aliases.ts');
      const declarations = before.split('\n').filter((line) => line.startsWith('export type '));
      expect(declarations.length).toBeGreaterThan(0);
      for (const line of declarations) expect(after.split('\n')).toContain(line);
      const lockBefore = JSON.parse(
        await readFile(path.join(generatedDir, 'names.lock.json'), 'utf8'),
      ).names as Record<string, string>;
      const lockAfter = JSON.parse(await read('generated/names.lock.json')).names;
      expect(lockAfter).toMatchObject(lockBefore);
      // The newly colliding title is the one qualified.
      expect(lockAfter.PolicyDashboardEnvelope).toBe(
        'schema:src__analytics__policy__schemas__DashboardEnvelope',
      );
    });

    it('passes check once regenerated', async () => {
      expect((await checkGenerated(paths)).stale).toEqual([]);
    }, 120_000);

    it('type-checks the whole grown project, and a search sent with only its required fields', async () => {
      await writeFile(
        path.join(root, 'examples', 'grown-consumer.ts'),
        [
          "import { createFeatherClient, type SearchKnowledgeBaseBody } from '../src/index.ts';",
          "const body: SearchKnowledgeBaseBody = { query: 'refund policy', kb_ids: ['kb_1'] };",
          "const client = createFeatherClient({ apiKey: 'key' });",
          "export const search = () => client.POST('/v1/knowledge-base/search', { body });",
          '',
        ].join('\n'),
      );
      const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const { code, output } = await runNode(
        [tsc, '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false'],
        { cwd: root },
      );
      expect(output).toBe('');
      expect(code).toBe(0);
    }, 300_000);
  },
);
