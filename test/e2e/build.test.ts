import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  build,
  prepareCommand,
  relativeTsSpecifiers,
  rewriteDeclarationSpecifiers,
} from '../../scripts/commands/build.ts';
import { PipelineError } from '../../scripts/lib/errors.ts';
import { packageManifestPath } from '../../scripts/lib/packages.ts';
import { isEmptyModule, removableModules, trimDist } from '../../scripts/build/dist-trim.ts';
import { makeWholeApiTree, wholeApiMissing, type WholeApiTree } from '../helpers/feather-api.ts';
import { REPO_ROOT, snapshotDir } from '../helpers/workspace.ts';

describe('rewriteDeclarationSpecifiers', () => {
  it.each([
    ['export from', "export * from './schema.ts';", "export * from './schema.js';"],
    [
      'type export',
      "export type * from '../generated/index.ts';",
      "export type * from '../generated/index.js';",
    ],
    [
      'named import',
      'import type { paths } from "../generated/index.ts";',
      'import type { paths } from "../generated/index.js";',
    ],
    [
      'import type()',
      "type A = import('./errors.ts').APIError;",
      "type A = import('./errors.js').APIError;",
    ],
    [
      'a package name stays',
      "import type { Client } from 'openapi-fetch';",
      "import type { Client } from 'openapi-fetch';",
    ],
    [
      'a .d.ts specifier stays',
      "import type { X } from './x.d.ts';",
      "import type { X } from './x.d.ts';",
    ],
    ['already .js stays', "export * from './a.js';", "export * from './a.js';"],
    [
      'a .ts in a string that is no import stays',
      "declare const file = './a.ts';",
      "declare const file = './a.ts';",
    ],
  ])('%s', (_name, given, want) => {
    expect(rewriteDeclarationSpecifiers(given)).toBe(want);
  });

  it('rewrites every specifier in a file, leaving none for relativeTsSpecifiers to find', () => {
    const text = "export * from './a.ts';\nexport { b } from './b.ts';\nimport('./c.ts');\n";
    expect(relativeTsSpecifiers(text)).toEqual(['./a.ts', './b.ts', './c.ts']);
    expect(relativeTsSpecifiers(rewriteDeclarationSpecifiers(text))).toEqual([]);
  });
});

describe('isEmptyModule', () => {
  it.each([
    [
      'a types-only module as tsc emits it',
      '// header\nexport {};\n//# sourceMappingURL=a.js.map',
      true,
    ],
    ['only comments', '/** doc */\n// line\n', true],
    ['a constant', 'export const A = 1;\n', false],
    ['a re-export', "export * from './a.js';\n", false],
    ['a side effect', "console.log('x');\nexport {};\n", false],
  ])('%s: %s', (_name, js, want) => {
    expect(isEmptyModule(js)).toBe(want);
  });
});

describe('removableModules', () => {
  it('removes empty modules nobody imports, keeps empty ones that are imported', () => {
    const files = new Map([
      ['src/index.js', "export * from './b.js';\nexport { c } from '../generated/index.js';\n"],
      ['src/b.js', "import './empty-but-imported.js';\nexport const b = 1;\n"],
      ['src/empty-but-imported.js', 'export {};\n'],
      ['generated/index.js', "export * from './parameters.js';\n"],
      ['generated/parameters.js', 'export const c = 1;\n'],
      ['generated/schema.js', '// Generated\nexport {};\n//# sourceMappingURL=schema.js.map\n'],
      ['generated/aliases.js', 'export {};\n'],
    ]);
    expect(removableModules(files)).toEqual(['generated/aliases.js', 'generated/schema.js']);
  });
});

describe('trimDist', () => {
  it("drops type-only JS, generated modules' maps, and minifies JSON to the same value", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'feather-trim-'));
    try {
      const spec = { openapi: '3.1.0', paths: { '/a': { get: { summary: 'é' } } } };
      const files: Record<string, string> = {
        'src/index.js':
          "export * from '../generated/index.js';\n//# sourceMappingURL=index.js.map\n",
        'src/index.js.map': '{}',
        'src/index.d.ts': 'export {};',
        'generated/index.js':
          "export * from './parameters.js';\n//# sourceMappingURL=index.js.map\n",
        'generated/index.js.map': '{}',
        'generated/parameters.js': 'export const P = 1;\n//# sourceMappingURL=parameters.js.map\n',
        'generated/parameters.js.map': '{}',
        'generated/schema.js': 'export {};\n//# sourceMappingURL=schema.js.map\n',
        'generated/schema.js.map': '{}',
        'generated/schema.d.ts': 'export interface paths {}',
        'generated/openapi.json': JSON.stringify(spec, null, 4),
      };
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), text);
      }
      const { removed } = await trimDist(dir);
      expect(removed).toEqual([
        'generated/index.js.map',
        'generated/parameters.js.map',
        'generated/schema.js',
        'generated/schema.js.map',
      ]);
      const left = Object.keys(await snapshotDir(dir)).sort();
      expect(left).toEqual([
        'generated/index.js',
        'generated/openapi.json',
        'generated/parameters.js',
        'generated/schema.d.ts',
        'src/index.d.ts',
        'src/index.js',
        'src/index.js.map',
      ]);
      expect(await readFile(path.join(dir, 'generated/parameters.js'), 'utf8')).toBe(
        'export const P = 1;\n',
      );
      const json = await readFile(path.join(dir, 'generated/openapi.json'), 'utf8');
      expect(json).toBe(JSON.stringify(spec));
      expect(await readFile(path.join(dir, 'src/index.js'), 'utf8')).toContain('sourceMappingURL');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The node_modules holding our tools (this repo's, or a workspace root's where hoisted). */
const NODE_MODULES = path.dirname(path.dirname(packageManifestPath('typescript')));
const apiMissing = wholeApiMissing();

describe.skipIf(apiMissing)(
  `npm run build on the whole published API (1.87.0)${apiMissing ? ` (skipped: ${apiMissing})` : ''}`,
  () => {
    let tree: WholeApiTree;
    beforeAll(async () => {
      tree = await makeWholeApiTree('1.87.0');
      for (const entry of ['common', 'src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
        await cp(path.join(REPO_ROOT, entry), path.join(tree.root, entry), { recursive: true });
      await symlink(NODE_MODULES, path.join(tree.root, 'node_modules'));
      await build(tree.root);
    }, 240_000);
    afterAll(() => tree?.remove());

    it('ships declarations for the type-only modules and no JavaScript or map for them', async () => {
      const dist = Object.keys(await snapshotDir(path.join(tree.root, 'dist')));
      expect(dist).toEqual(
        expect.arrayContaining(['generated/schema.d.ts', 'generated/aliases.d.ts']),
      );
      for (const file of ['schema.js', 'schema.js.map', 'aliases.js', 'aliases.js.map'])
        expect(dist).not.toContain(`generated/${file}`);
      expect(dist.filter((file) => file.startsWith('generated/') && file.endsWith('.map'))).toEqual(
        [],
      );
    });

    it('ships the pinned spec minified, the same value that generated/openapi.json holds', async () => {
      const shipped = await readFile(path.join(tree.root, 'dist/generated/openapi.json'), 'utf8');
      const pinned = await readFile(path.join(tree.root, 'generated/openapi.json'), 'utf8');
      expect(JSON.parse(shipped)).toEqual(JSON.parse(pinned));
      expect(shipped).toBe(JSON.stringify(JSON.parse(pinned)));
    });
  },
);

describe('prepare (npm install builds dist/)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-prepare-'));
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
      await cp(path.join(REPO_ROOT, file), path.join(root, file));
    await symlink(NODE_MODULES, path.join(root, 'node_modules'));
    await mkdir(path.join(root, 'src', 'testing'), { recursive: true });
    // The other entry points tsconfig.build.json names (./operations, the testing kit's subpaths).
    for (const entry of ['operations.ts', 'testing/index.ts', 'testing/msw.ts'])
      await writeFile(path.join(root, 'src', entry), 'export {};\n');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('builds once, then leaves dist/ alone while the sources are the same', async () => {
    await writeFile(path.join(root, 'src', 'index.ts'), 'export const answer = 42;\n');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await prepareCommand(root)).toBe(0);
      expect(await prepareCommand(root)).toBe(0);
      await writeFile(path.join(root, 'src', 'index.ts'), 'export const answer = 43;\n');
      expect(await prepareCommand(root)).toBe(0);
      expect(log.mock.calls.map(([line]) => String(line).split(' (')[0])).toEqual([
        'prepare: built dist/',
        'prepare: dist/ is current',
        'prepare: built dist/',
      ]);
    } finally {
      log.mockRestore();
    }
    expect(await readFile(path.join(root, 'dist', 'src', 'index.js'), 'utf8')).toContain('43');
  });

  it('fails naming the command to run when the build fails', async () => {
    await writeFile(path.join(root, 'src', 'index.ts'), 'export const = ;\n');
    const error = await prepareCommand(root).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PipelineError);
    const message = (error as Error).message;
    expect(message).toContain('npm run build -w @featherhq/api-client');
    expect(message).toContain('src/index.ts(1,');
  });
});
