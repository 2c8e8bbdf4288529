/** `npm run ingest` as a command: arguments, progress, report and exit codes. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCommand, parseIngestArgs } from '../../../scripts/commands/ingest.ts';
import { commandExitCode } from '../../../scripts/lib/cli.ts';
import { wholeApiMissing } from '../../helpers/feather-api.ts';
import { startDocSite, type DocSite } from '../../helpers/doc-site.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
/** Spawning tsx on a busy 2-core machine can take a while. */
const SPAWN_TIMEOUT_MS = 180_000;
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'commands', 'ingest.ts');

async function ingestCli(
  cwd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [SCRIPT, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('parseIngestArgs', () => {
  it('reads a source, repeatable filters and options', () => {
    expect(
      parseIngestArgs([
        '--',
        '--index',
        'https://doc.featherhq.com/llms.txt',
        '--tag',
        'analytics',
        '--tag',
        'billing',
        '--operation',
        'get*',
        '--path',
        '/v1/',
        '--prune',
        '--concurrency',
        '4',
        '--allow-origin',
        'https://cdn.featherhq.com/some/path',
        '--allow-origin',
        'http://127.0.0.1:8080',
      ]),
    ).toEqual({
      source: { kind: 'index', index: 'https://doc.featherhq.com/llms.txt' },
      selection: { tags: ['analytics', 'billing'], operations: ['get*'], paths: ['/v1/'] },
      prune: true,
      concurrency: 4,
      allowOrigins: ['https://cdn.featherhq.com', 'http://127.0.0.1:8080'],
    });
    expect(parseIngestArgs(['a.md', 'b.md']).source).toEqual({
      kind: 'pages',
      pages: ['a.md', 'b.md'],
    });
  });
  const bad: [string[], RegExp][] = [
    [[], /give pages, --index or --openapi \(one of them\)/],
    [['--index', 'a', '--openapi', 'b'], /one of them/],
    [['page.md', '--index', 'a'], /one of them/],
    [['page.md', '--tag', 'x'], /work on a whole source/],
    [['page.md', '--prune'], /work on a whole source/],
    [
      ['--openapi', 'a.json', '--concurrency', '0'],
      /--concurrency must be a whole number >= 1, got 0/,
    ],
    [['--openapi', 'a.json', '--tags', 'x'], /Unknown option '--tags'/],
    [
      ['--openapi', 'a.json', '--allow-origin', 'doc.featherhq.com'],
      /--allow-origin must be an http\(s\) origin such as https:\/\/doc\.featherhq\.com, got "doc\.featherhq\.com"/,
    ],
    [['--openapi', 'a.json', '--allow-origin', 'file:///etc'], /--allow-origin must be an http/],
  ];
  it.each(bad)('refuses %j', (argv, want) => {
    expect(() => parseIngestArgs(argv)).toThrow(want);
  });
});

describe('ingest --operation with an id that is not in the source', () => {
  const document = path.join(REPO_ROOT, 'test', 'fixtures', 'ingest', 'three-operations.yaml');

  it('exits 2 naming the source file and the nearest operation ids, writing nothing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'feather-ingest-misspelt-'));
    try {
      let stderr = '';
      const code = await commandExitCode(
        () =>
          ingestCommand(['--openapi', document, '--operation', 'getIntegrationDashbord'], {
            root,
          }),
        (text) => (stderr += text),
      );
      expect(code).toBe(2);
      expect(stderr).toBe(
        `error: ${document}: --operation getIntegrationDashbord matched no operation of the source ` +
          '(did you mean getIntegrationDashboard?); nothing was written\n',
      );
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

const missing = wholeApiMissing();

describe.skipIf(missing)(
  `ingest as a command, from a loopback doc site${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let site: DocSite;
    let root: string;
    beforeAll(async () => {
      site = await startDocSite('1.87.0', {}, (page) => page.tag === 'analytics');
      root = await mkdtemp(path.join(tmpdir(), 'feather-ingest-cli-'));
    });
    afterAll(async () => {
      await site?.close();
      await rm(root, { recursive: true, force: true });
    });

    it(
      'prints sparse progress in a log, the changes and a summary; a re-run changes nothing',
      async () => {
        const first = await ingestCli(root, ['--index', site.indexUrl]);
        expect(first.code).toBe(0);
        const total = site.pages.length + site.guides.length;
        expect(first.stderr.split('\n').filter((line) => line.startsWith('pages '))).toEqual(
          [1, 2, 3, 4].map((q) => `pages ${Math.ceil((total * q) / 4)}/${total}`),
        );
        expect(first.stdout.trim().split('\n').at(-1)).toBe(
          `ingest: ${site.pages.length} operations from ${site.indexUrl}, ${site.pages.length} selected: ` +
            `${site.pages.length} added, 0 updated, 0 unchanged, 0 failed; 3 pages without an OpenAPI block skipped`,
        );
        expect((await readdir(path.join(root, 'spec'))).sort()).toEqual(
          site.pages.map((p) => `${p.operationId}.yaml`).sort(),
        );

        const again = await ingestCli(root, ['--index', site.indexUrl]);
        expect(again.code).toBe(0);
        expect(again.stdout).toContain(
          `: 0 added, 0 updated, ${site.pages.length} unchanged, 0 failed`,
        );
      },
      SPAWN_TIMEOUT_MS,
    );

    it(
      'exits 1 naming a page that failed, and 2 on bad usage',
      async () => {
        const broken = site.pages[0]!;
        site.behaviour = {
          latencyMs: 0,
          fault: (pathname) => (pathname === broken.pathname ? 404 : undefined),
        };
        const failed = await ingestCli(root, ['--index', site.indexUrl]);
        site.behaviour = { latencyMs: 0 };
        expect(failed.code).toBe(1);
        expect(failed.stderr).toContain(
          `failed: ${site.url}${broken.pathname}: HTTP 404 when fetching`,
        );

        const usage = await ingestCli(root, ['--index', site.indexUrl, 'page.md']);
        expect(usage.code).toBe(2);
        expect(usage.stderr).toMatch(
          /^error: give pages, --index or --openapi \(one of them\)\nusage: npm run ingest/,
        );
      },
      SPAWN_TIMEOUT_MS,
    );

    it('updates one progress line in place on a terminal', async () => {
      let progress = '';
      const out: string[] = [];
      const code = await ingestCommand(['--index', site.indexUrl, '--tag', 'analytics'], {
        root,
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        progress: { isTTY: true, write: (text) => (progress += text) },
      });
      expect(code).toBe(0);
      const total = site.pages.length + site.guides.length;
      expect(progress.split('\r\x1b[2K').filter(Boolean)).toEqual(
        Array.from({ length: total }, (_, i) => `pages ${i + 1}/${total}`).map((line, i) =>
          i === total - 1 ? `${line}\n` : line,
        ),
      );
      expect(out.at(-1)).toMatch(/0 added, 0 updated, \d+ unchanged, 0 failed/);
    });
  },
);

describe('ingestCommand on a page with control and bidi characters', () => {
  it('writes its failure line escaped: no raw C1 control or U+202E reaches the terminal', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'feather-ingest-hostile-'));
    try {
      await mkdir(path.join(root, 'spec'));
      const page = await readFile(
        path.join(REPO_ROOT, 'test', 'fixtures', 'feather-docs', 'getIntegrationDashboard.md'),
        'utf8',
      );
      // YAML double-quoted escapes: CSI (U+009B, an escape introducer), NEL and RLO.
      const hostile = page.replace(
        'operationId: getIntegrationDashboard',
        'operationId: "get\\u009b31m\\u0085\\u202eX"',
      );
      await writeFile(path.join(root, 'page.md'), hostile);
      const lines: string[] = [];
      const code = await ingestCommand([path.join(root, 'page.md')], {
        root,
        out: (line) => lines.push(line),
        err: (line) => lines.push(line),
        progress: { isTTY: false, write: () => true },
      });
      expect(code).toBe(1);
      const failure = lines.find((line) => line.startsWith('failed:'));
      expect(failure).toContain('file-safe operationId, found ["get\\u009b31m\\u0085\\u202eX"]');
      expect(lines.join('\n')).not.toMatch(/[\u0080-\u009f\u202e]/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
