/**
 * Ingest at the size of the API: a loopback doc site built from the shared whole API (index,
 * one page per operation, guides, the whole openapi.json), ingested into temp repository roots.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { canonicalJson } from '../../../common/canonical.ts';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { joinDocuments } from '../../../scripts/pipeline/join.ts';
import { readSpecFile } from '../../../scripts/lib/spec-files.ts';
import { listSpecFiles } from '../../../scripts/lib/spec-list.ts';
import { splitDocument } from '../../../scripts/lib/split-document.ts';
import { yamlOf } from '../../../scripts/ingest/plan.ts';
import {
  exitCodeOf,
  formatReport,
  ingest,
  type IngestReport,
} from '../../../scripts/ingest/run.ts';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { startDocSite, type DocSite } from '../../helpers/doc-site.ts';
import { seedTree } from '../../helpers/seed.ts';
import { REPO_ROOT, snapshotDir } from '../../helpers/workspace.ts';

const missing = wholeApiMissing();
const LONG = 240_000;

type Dict = Record<string, unknown>;
const route = (op: { method: string; path: string }): string =>
  `${op.method.toUpperCase()} ${op.path}`;

describe.skipIf(missing)(
  `ingest of the whole published API from a loopback doc site${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let site: DocSite;
    let whole87: Dict;
    const roots: string[] = [];
    const newRoot = async (): Promise<string> => {
      const root = await mkdtemp(path.join(tmpdir(), 'feather-ingest-api-'));
      roots.push(root);
      await cp(path.join(REPO_ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
      return root;
    };
    const specOf = async (root: string): Promise<Dict[]> =>
      Promise.all(
        (await listSpecFiles('spec', root)).map(
          async (file) => (await readSpecFile(file, root)).doc,
        ),
      );

    beforeAll(async () => {
      site = await startDocSite('1.87.0');
      // Build every page now, so the timed run measures ingest, not the site.
      for (const page of site.pages) page.markdown();
      whole87 = JSON.parse(await readFile(wholeApiFile('1.87.0'), 'utf8')) as Dict;
    }, LONG);
    afterAll(async () => {
      await site?.close();
      for (const root of roots) await rm(root, { recursive: true, force: true });
    });

    it(
      'takes every page of the index at 100 ms a page in seconds, skips the guides, and writes nothing on a re-run',
      async () => {
        const root = await newRoot();
        site.behaviour = { latencyMs: 100 };
        site.resetCounters();
        const started = performance.now();
        const report = await ingest({ kind: 'index', index: site.indexUrl }, { root });
        const elapsedMs = performance.now() - started;
        const pages = site.pages.length;
        console.log(
          `ingest --index: ${pages} pages at 100 ms each in ${(elapsedMs / 1000).toFixed(1)} s ` +
            `(one at a time: at least ${((pages * 100) / 1000).toFixed(1)} s); ${site.maxInFlight} requests in flight at most`,
        );
        expect(report.failed.map((e) => e.message)).toEqual([]);
        expect(report.added).toHaveLength(pages);
        expect(report.skipped.map((url) => new URL(url).pathname).sort()).toEqual(
          [...site.guides].sort(),
        );
        // bounded: several at once, never more than the default 16
        expect(site.maxInFlight).toBeGreaterThan(1);
        expect(site.maxInFlight).toBeLessThanOrEqual(16);
        // every file is its page's block, byte for byte
        for (const [i, page] of site.pages.entries()) {
          const file = path.join(root, 'spec', `${page.operationId}.yaml`);
          const written = await readFile(file, 'utf8');
          expect(page.markdown()).toContain(` ${page.path}\n${written}\`\`\`\`\n`);
          if (i % 25 === 0) expect(canonicalJson(parse(written))).toBe(canonicalJson(page.doc));
        }

        site.behaviour = { latencyMs: 0 };
        const before = await snapshotDir(path.join(root, 'spec'));
        const mtimes = await Promise.all(
          Object.keys(before).map(async (f) => (await stat(path.join(root, 'spec', f))).mtimeMs),
        );
        const again = await ingest({ kind: 'index', index: site.indexUrl }, { root });
        expect([again.added, again.updated, again.failed]).toEqual([[], [], []]);
        expect(again.unchanged).toHaveLength(pages);
        expect(await snapshotDir(path.join(root, 'spec'))).toEqual(before);
        expect(
          await Promise.all(
            Object.keys(before).map(async (f) => (await stat(path.join(root, 'spec', f))).mtimeMs),
          ),
        ).toEqual(mtimes);
      },
      LONG,
    );

    it(
      'retries transient failures, names a page that fails, and still lands the others',
      async () => {
        const root = await newRoot();
        const [p503, p429, pReset, p500, p404] = site.pages.slice(100, 105).map((p) => p.pathname);
        site.behaviour = {
          latencyMs: 0,
          fault: (pathname, hit) => {
            if (pathname === '/llms.txt' && hit === 1) return 503;
            if (hit === 1 && pathname === p503) return 503;
            if (hit === 1 && pathname === p429) return 429;
            if (hit === 1 && pathname === pReset) return 'reset';
            if (hit <= 2 && pathname === p500) return 500;
            if (pathname === p404) return 404;
            return undefined;
          },
        };
        site.resetCounters();
        const report = await ingest(
          { kind: 'index', index: site.indexUrl },
          { root, read: { retryBaseDelayMs: 10 } },
        );
        site.behaviour = { latencyMs: 0 };
        expect(report.retries).toBe(6);
        expect(report.failed.map((e) => e.message)).toEqual([
          `${site.url}${p404}: HTTP 404 when fetching`,
        ]);
        expect(exitCodeOf(report)).toBe(1);
        const files = await readdir(path.join(root, 'spec'));
        expect(files).toHaveLength(site.pages.length - 1);
        const failedId = site.pages.find((p) => p.pathname === p404)!.operationId;
        expect(files).not.toContain(`${failedId}.yaml`);
        // with a page missing, absence proves nothing: no gone operations, no filter check
        expect(report.gone).toEqual([]);
        expect(formatReport(report, false).at(-1)!.text).toMatch(
          /: \d+ added, 0 updated, 0 unchanged, 1 failed; 3 pages without an OpenAPI block skipped, 6 retries$/,
        );
      },
      LONG,
    );

    it(
      '--openapi writes one page-shaped document per operation that joins to the same API',
      async () => {
        const root = await newRoot();
        const report = await ingest({ kind: 'openapi', document: site.openapiUrl }, { root });
        const split = splitDocument(whole87);
        expect(report.failed).toEqual([]);
        expect(report.added).toEqual(split.map((p) => `spec/${p.operationId}.yaml`).sort());
        for (const page of split.slice(0, 25)) {
          expect(await readFile(path.join(root, 'spec', `${page.operationId}.yaml`), 'utf8')).toBe(
            yamlOf(page.doc),
          );
        }
        const files = await listSpecFiles('spec', root);
        const joined = joinDocuments(await Promise.all(files.map((f) => readSpecFile(f, root))));
        const fromSplit = joinDocuments(
          split.map((p) => ({ file: `${p.operationId}.json`, text: '', doc: p.doc })),
        );
        expect(canonicalJson(joined.doc)).toBe(canonicalJson(fromSplit.doc));
        expect(canonicalJson(joined.doc.paths)).toBe(canonicalJson(whole87.paths));
        expect(joined.operationCount).toBe(split.length);
      },
      LONG,
    );

    it(
      'selects with --tag, --operation and --path, and refuses a filter that matches nothing',
      async () => {
        const root = await newRoot();
        const split = splitDocument(whole87);
        const tagsOf = (p: (typeof split)[number]): string[] =>
          (whole87.paths as Record<string, Record<string, { tags?: string[] }>>)[p.path]![p.method]!
            .tags ?? [];
        const want = split
          .filter((p) => tagsOf(p).includes('analytics') || tagsOf(p).includes('billing'))
          .filter((p) => p.operationId.startsWith('get') || p.operationId.startsWith('list'))
          .filter((p) => p.path.startsWith('/v1/'));
        expect(want.length).toBeGreaterThan(1);
        const report = await ingest(
          { kind: 'openapi', document: site.openapiUrl },
          {
            root,
            selection: {
              tags: ['analytics', 'billing'],
              operations: ['get*', 'list*'],
              paths: ['/v1/'],
            },
          },
        );
        expect(report.operations).toBe(split.length);
        expect(report.selected).toBe(want.length);
        expect(report.added).toEqual(want.map((p) => `spec/${p.operationId}.yaml`).sort());

        const before = await snapshotDir(path.join(root, 'spec'));
        await expect(
          ingest(
            { kind: 'openapi', document: site.openapiUrl },
            { root, selection: { tags: ['analytcs'], operations: [], paths: [] } },
          ),
        ).rejects.toThrow(
          /--tag analytcs matched no operation of the source \(its tags: .*analytics/,
        );
        expect(await snapshotDir(path.join(root, 'spec'))).toEqual(before);
      },
      LONG,
    );

    it(
      'over a spec/ of 1.21.0: refused without --prune; with it one release of 1.87.0, the gone operations removed, and generate passes',
      async () => {
        const root = await newRoot();
        const first = await ingest({ kind: 'openapi', document: wholeApiFile('1.21.0') }, { root });
        expect(first.failed).toEqual([]);
        const whole21 = JSON.parse(await readFile(wholeApiFile('1.21.0'), 'utf8')) as Dict;
        const ops21 = splitDocument(whole21);
        const ops87 = splitDocument(whole87);
        const ids87 = new Set(ops87.map((p) => p.operationId));
        const routes87 = new Set(ops87.map(route));
        const gone = ops21.filter((p) => !ids87.has(p.operationId) && !routes87.has(route(p)));
        expect(gone.length).toBeGreaterThan(0);

        const before = await snapshotDir(path.join(root, 'spec'));
        const refused = await ingest({ kind: 'index', index: site.indexUrl }, { root });
        expect(refused.refused?.message).toMatch(
          new RegExp(
            `^spec/ would hold more than one release after this run \\(1\\.87\\.0: ${ops87.length} documents; 1\\.21\\.0: ${gone.length} documents \\(spec/.*, and ${gone.length - 5} more\\)\\); nothing was written: --prune removes the ${gone.length} operations gone from the source$`,
          ),
        );
        expect(exitCodeOf(refused)).toBe(2);
        expect(await snapshotDir(path.join(root, 'spec'))).toEqual(before);

        const pruned = await ingest({ kind: 'index', index: site.indexUrl }, { root, prune: true });
        console.log(
          formatReport(pruned, true)
            .map((line) => line.text)
            .join('\n'),
        );
        expect(pruned.failed).toEqual([]);
        expect(pruned.gone.map((d) => d.operations[0]!.operationId).sort()).toEqual(
          gone.map((p) => p.operationId).sort(),
        );
        expect(pruned.removed).toHaveLength(gone.length);
        expect(pruned.added.length + pruned.updated.length + pruned.unchanged.length).toBe(
          ops87.length,
        );
        expect(pruned.added).toHaveLength(ops87.length - (ops21.length - gone.length));
        const docs = await specOf(root);
        expect(docs).toHaveLength(ops87.length);
        expect(new Set(docs.map((d) => (d.info as { version: string }).version))).toEqual(
          new Set(['1.87.0']),
        );

        const result = await generate(
          { root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' },
          true,
        );
        expect(result.skipped).toBe(false);
        expect(result.build?.files.has('openapi.json')).toBe(true);
        const joined = JSON.parse(
          await readFile(path.join(root, 'generated', 'openapi.json'), 'utf8'),
        ) as Dict;
        expect(canonicalJson(joined.paths)).toBe(canonicalJson(whole87.paths));
      },
      LONG,
    );

    it(
      'refuses a page of 1.87.0 named on its own over a spec/ of 1.21.0, writing nothing',
      async () => {
        const root = await newRoot();
        await mkdir(path.join(root, 'spec'));
        for (const seed of ['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis'])
          await cp(
            path.join((await seedTree()).specDir, `${seed}.yaml`),
            path.join(root, 'spec', `${seed}.yaml`),
          );
        const before = await snapshotDir(path.join(root, 'spec'));
        const page = site.pages.find((p) => p.operationId === 'getIntegrationDashboard')!;
        const report = await ingest(
          { kind: 'pages', pages: [`${site.url}${page.pathname}`] },
          { root },
        );
        expect(report.refused?.message).toMatch(
          /1\.87\.0: 1 document; 1\.21\.0: 1 document \(spec\/getToolReliabilityTimeoutAnalysis\.yaml\)\); nothing was written: ingest the whole release with --index or --openapi/,
        );
        expect(exitCodeOf(report)).toBe(2);
        expect(await snapshotDir(path.join(root, 'spec'))).toEqual(before);
      },
      LONG,
    );
  },
);
