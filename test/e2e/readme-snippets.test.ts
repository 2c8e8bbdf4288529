/**
 * Every ```ts snippet in the README and in docs/*.md compiles against the package's sources, as
 * a user would paste it: each one its own module importing `@featherhq/api-client` (mapped to src/index.ts),
 * with only the names it leaves undeclared (`vault`) declared in a prelude. One tsc run checks
 * them all, under the repository's strict tsconfig. docs/drift.md's shell lines that write a
 * JSON report to a file are run, in a copy of the package.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../../scripts/lib/child.ts';
import { packageBin, packageManifestPath } from '../../scripts/lib/packages.ts';
import { makeWholeApiTree, wholeApiMissing, type WholeApiTree } from '../helpers/feather-api.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

interface Snippet {
  /** Line of the README where the snippet's code starts (1-based). */
  line: number;
  code: string;
  /**
   * ```ts whole-api: the snippet calls operations of the whole published API, which the shipped
   * spec/ does not hold, so it is compiled against a client generated from the whole API.
   */
  wholeApi?: true;
}

/** The ```ts / ```typescript blocks of a markdown text, with the line each one's code starts at. */
function markdownSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  let open: Snippet | undefined;
  lines.forEach((text, index) => {
    if (open === undefined) {
      const fence = /^```(ts|typescript)(\s+whole-api)?\s*$/.exec(text);
      if (fence)
        open = { line: index + 2, code: '', ...(fence[2] ? { wholeApi: true as const } : {}) };
    } else if (/^```\s*$/.test(text)) {
      snippets.push(open);
      open = undefined;
    } else {
      open.code += `${text}\n`;
    }
  });
  return snippets;
}

/** The README and every docs/*.md, by path from the repository root. */
async function documentationFiles(): Promise<string[]> {
  const docs = (await readdir(path.join(REPO_ROOT, 'docs'))).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.sort().map((name) => `docs/${name}`)];
}

/** Every ts snippet of the README and docs/*.md, each labelled with its file. */
async function documentationSnippets(): Promise<(Snippet & { label: string })[]> {
  const all: (Snippet & { label: string })[] = [];
  for (const file of await documentationFiles()) {
    const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
    all.push(...markdownSnippets(text).map((snippet) => ({ ...snippet, label: file })));
  }
  return all;
}

/** Names the README's snippets use without declaring them: what a reader supplies. */
const PRELUDE = `// Names the README's snippets leave to the reader.
declare const vault: { read(name: string): Promise<string> };
declare const feather: import('@featherhq/api-client').FeatherClient;
`;

/** `<file>(line,col): error TSxxxx: ...` lines of `tsc --pretty false`. */
const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/;

/** Compiles each snippet as its own module in one tsc run; problems as `<label>:<line>:<col> ...`. */
async function compileSnippets(
  dir: string,
  snippets: readonly (Snippet & { label: string })[],
  sourceRoot = REPO_ROOT,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(dir, 'prelude.d.ts'), PRELUDE);
  const byFile = new Map<string, Snippet & { label: string }>();
  for (const [index, snippet] of snippets.entries()) {
    const file = `snippet-${index}.ts`;
    byFile.set(file, snippet);
    await writeFile(path.join(dir, file), `${snippet.code}\nexport {};\n`);
  }
  const tsconfig = {
    extends: path.join(REPO_ROOT, 'tsconfig.json'),
    compilerOptions: {
      noEmit: true,
      paths: {
        '@featherhq/api-client': [path.join(sourceRoot, 'src', 'index.ts')],
        '@featherhq/api-client/operations': [path.join(sourceRoot, 'src', 'operations.ts')],
        '@featherhq/api-client/testing': [path.join(sourceRoot, 'src', 'testing', 'index.ts')],
        '@featherhq/api-client/testing/msw': [path.join(sourceRoot, 'src', 'testing', 'msw.ts')],
      },
    },
    include: ['*.ts'],
    exclude: [],
  };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = packageBin('typescript', 'tsc');
  const { output } = await runNode([tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: dir,
  });
  const problems: string[] = [];
  for (const text of output.split('\n').filter((line) => line.trim() !== '')) {
    const match = DIAGNOSTIC.exec(text);
    const snippet = match ? byFile.get(path.basename(match[1]!)) : undefined;
    if (!match || !snippet) {
      if (!/^\s/.test(text)) problems.push(text);
      continue;
    }
    problems.push(
      `${snippet.label}:${snippet.line + Number(match[2]) - 1}:${match[3]} ${match[4]}`,
    );
  }
  return problems;
}

describe('markdownSnippets', () => {
  it('finds ts and typescript blocks with the line their code starts on, and nothing else', () => {
    const markdown = [
      '# Title', // 1
      '```sh', // 2
      'npm test', // 3
      '```', // 4
      '```ts', // 5
      'const a = 1;', // 6
      '```', // 7
      '```typescript', // 8
      'const b = 2;', // 9
      'const c = 3;', // 10
      '```', // 11
    ].join('\n');
    expect(markdownSnippets(markdown)).toEqual([
      { line: 6, code: 'const a = 1;\n' },
      { line: 9, code: 'const b = 2;\nconst c = 3;\n' },
    ]);
  });
});

describe('the README and docs/', () => {
  let dir: string;
  let snippets: (Snippet & { label: string })[];
  let problems: string[];

  beforeAll(async () => {
    snippets = await documentationSnippets();
    // A snippet that must fail, checked in the same run: proves a broken snippet is reported.
    const broken = { label: 'broken', line: 10, code: "const n: number = 'not a number';\n" };
    await mkdir(path.join(REPO_ROOT, '.tmp'), { recursive: true });
    dir = await mkdtemp(path.join(REPO_ROOT, '.tmp', 'readme-snippets-'));
    problems = await compileSnippets(dir, [...snippets.filter((s) => !s.wholeApi), broken]);
  }, 120_000);
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('has ts snippets to check, in the README and in docs/', () => {
    expect(snippets.filter((s) => s.label === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(snippets.filter((s) => s.label.startsWith('docs/')).length).toBeGreaterThanOrEqual(2);
  });

  it('compiles every ts snippet under the strict tsconfig, against src/', () => {
    expect(problems.filter((problem) => !problem.startsWith('broken:'))).toEqual([]);
  });

  it('reports a snippet that does not compile, at its line', () => {
    expect(problems.filter((problem) => problem.startsWith('broken:'))).toEqual([
      expect.stringMatching(
        /^broken:10:7 TS2322: Type 'string' is not assignable to type 'number'/,
      ),
    ]);
  });
});

const missing = wholeApiMissing();

describe.skipIf(missing)(
  `the whole-API snippets of the README and docs/${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let tree: WholeApiTree | undefined;
    let dir: string;
    let snippets: (Snippet & { label: string })[];
    let problems: string[];

    beforeAll(async () => {
      snippets = (await documentationSnippets()).filter((s) => s.wholeApi);
      tree = await makeWholeApiTree('1.87.0');
      await mkdir(path.join(REPO_ROOT, '.tmp'), { recursive: true });
      // Under the repository, so that the sources find its node_modules.
      dir = await mkdtemp(path.join(REPO_ROOT, '.tmp', 'readme-whole-api-'));
      for (const entry of ['common', 'src'])
        await cp(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
      await cp(path.join(tree.root, 'generated'), path.join(dir, 'generated'), { recursive: true });
      problems = await compileSnippets(path.join(dir, 'snippets'), snippets, dir);
    }, 240_000);
    afterAll(async () => {
      await tree?.remove();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('compile against a client generated from the whole API (1.87.0)', () => {
      expect(snippets.length).toBeGreaterThanOrEqual(1);
      expect(problems).toEqual([]);
    });
  },
);

/** The command lines of the ```sh blocks of a markdown text (no comments, no blank lines). */
function shellLines(markdown: string): string[] {
  const lines: string[] = [];
  let open = false;
  for (const text of markdown.split('\n')) {
    if (/^```/.test(text)) open = !open && /^```sh\s*$/.test(text);
    else if (open && text.trim() !== '' && !text.trimStart().startsWith('#')) lines.push(text);
  }
  return lines;
}

describe('docs/drift.md: the commands that write a JSON report to a file', () => {
  const exec = promisify(execFile);
  /** What npm needs to run `drift` in a copy of the package, node_modules linked. */
  const COPIED = ['package.json', 'feather.config.json', 'redocly.yaml', 'tsconfig.json'];
  const COPIED_DIRS = ['scripts', 'common', 'src', 'generated', 'spec'];
  let root: string;
  let lines: string[];
  /** Runs a line in the copy's root through sh, with no npm setting from the test's own npm. */
  const sh = (line: string) =>
    exec('sh', ['-c', line], {
      cwd: root,
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
    });

  beforeAll(async () => {
    const text = await readFile(path.join(REPO_ROOT, 'docs', 'drift.md'), 'utf8');
    lines = shellLines(text).filter((line) => line.includes('drift.json'));
    root = await mkdtemp(path.join(tmpdir(), 'feather-drift-json-'));
    for (const entry of [...COPIED, ...COPIED_DIRS])
      await cp(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
    const nodeModules = path.dirname(path.dirname(packageManifestPath('typescript')));
    await symlink(nodeModules, path.join(root, 'node_modules'), 'dir');
    // The other side: the pinned API itself, so that the report is the same every run.
    await cp(path.join(REPO_ROOT, 'generated', 'openapi.json'), path.join(root, 'openapi.json'));
  });
  afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

  it('each writes the JSON report alone to drift.json', { timeout: 240_000 }, async () => {
    expect(lines.map((line) => line.replace(/ --.*/, ''))).toEqual([
      'npm run -s drift',
      'npm run drift',
    ]);
    for (const line of lines) {
      await rm(path.join(root, 'drift.json'), { force: true });
      await sh(line);
      const report = JSON.parse(await readFile(path.join(root, 'drift.json'), 'utf8')) as {
        changes: unknown[];
      };
      expect(report.changes, line).toEqual([]);
    }
  });

  it(
    "redirected without -s, the file starts with npm's banner, not JSON",
    { timeout: 240_000 },
    async () => {
      const redirected = lines.find((line) => line.includes('>'))!;
      await sh(redirected.replace('npm run -s ', 'npm run '));
      expect(await readFile(path.join(root, 'drift.json'), 'utf8')).toMatch(
        /^\s*> @featherhq\/api-client@[\d.]+ drift\n/,
      );
    },
  );
});
