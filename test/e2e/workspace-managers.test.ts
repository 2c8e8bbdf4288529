/**
 * The package in a pnpm and in a yarn 4 (Plug'n'Play) workspace, each manager in its default mode
 * at a pinned version, set up as docs/workspaces.md says (pnpm's root `pnpm-workspace.yaml` is
 * read from that page): install exits 0, `build`, `generate` and `check` run from the root
 * (`pnpm --filter`, `yarn workspace`), generate leaves generated/ as committed, and a sibling app
 * that imports the package type-checks. test/e2e/workspace.test.ts does the same for npm.
 *
 * The managers come from the npm registry (the npm packages `pnpm` and `@yarnpkg/cli-dist`), kept
 * in the temp dir between runs; where they cannot be installed the tests are skipped with the
 * reason, unless FEATHER_REQUIRE_MANAGERS is set, as .ci/run sets it. Installs use the registry
 * (neither reads npm's cache) and each manager's own store, warm after the first run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, snapshotDir } from '../helpers/workspace.ts';

const PACKAGE_NAME = '@featherhq/api-client';
const APP_NAME = 'feather-app';
/** Not sources: left out of the copy (the install and the build make their own). */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp', 'docs']);

interface Manager {
  name: 'pnpm' | 'yarn';
  /** The npm package that ships the manager, at the version tested. */
  npmPackage: string;
  version: string;
  /** The package's script `script` run from the workspace root. */
  runInPackage(script: string): string[];
  /** A bin of the app's dependencies run in the app, from the root. */
  execInApp(bin: string, args: string[]): string[];
}

const MANAGERS: Manager[] = [
  {
    name: 'pnpm',
    npmPackage: 'pnpm',
    version: '12.23.0',
    runInPackage: (script) => ['--filter', PACKAGE_NAME, 'run', script],
    execInApp: (bin, args) => ['--filter', APP_NAME, 'exec', bin, ...args],
  },
  {
    name: 'yarn',
    npmPackage: '@yarnpkg/cli-dist',
    version: '4.18.1',
    runInPackage: (script) => ['workspace', PACKAGE_NAME, 'run', script],
    execInApp: (bin, args) => ['workspace', APP_NAME, bin, ...args],
  },
];

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command with the environment less the `npm_*` variables of an `npm test` running us. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_|yarn_|berry_)/i.test(name)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

function npm(args: string[], cwd: string): Promise<Run> {
  const execpath = process.env['npm_execpath'];
  return execpath && /npm-cli\.js$/.test(execpath)
    ? run(process.execPath, [execpath, ...args], cwd)
    : run('npm', args, cwd);
}

/** Where the managers are kept between runs: one folder per pinned version. */
const MANAGERS_DIR = path.join(tmpdir(), 'feather-package-managers');

/**
 * The manager's command (its bin), installed from the npm registry into MANAGERS_DIR when not there
 * yet; or why it could not be.
 */
async function installManager(manager: Manager): Promise<{ cli: string } | { missing: string }> {
  const dir = path.join(MANAGERS_DIR, `${manager.name}@${manager.version}`);
  const cli = path.join(dir, 'node_modules', '.bin', manager.name);
  if (existsSync(cli)) return { cli };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "private": true }\n');
  const spec = `${manager.npmPackage}@${manager.version}`;
  const installed = await npm(
    ['install', '--no-audit', '--no-fund', '--no-package-lock', spec],
    dir,
  );
  if (installed.code === 0 && existsSync(cli)) return { cli };
  const last = installed.output.trim().split('\n').at(-1) ?? '';
  return { missing: `could not install ${spec} from the npm registry (${last.slice(0, 120)})` };
}

const installs = await Promise.all(MANAGERS.map(installManager));

/** docs/workspaces.md's root `pnpm-workspace.yaml`, as the page shows it. */
async function documentedPnpmWorkspace(): Promise<string> {
  const page = await readFile(path.join(REPO_ROOT, 'docs', 'workspaces.md'), 'utf8');
  const block = /^```yaml pnpm-workspace\.yaml\n([\s\S]*?)^```$/m.exec(page);
  if (!block) throw new Error('docs/workspaces.md: no ```yaml pnpm-workspace.yaml block');
  return block[1]!;
}

/** The sibling app: imports the client and reads a typed field of a typed call. */
const APP_MAIN = `import { createFeatherClient, unwrap } from '${PACKAGE_NAME}';

const feather = createFeatherClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
export async function firstTool(): Promise<string | undefined> {
  const rows = await unwrap(
    feather.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2025-01-01', end_date: '2025-01-31', limit: 10 } },
    }),
  );
  return rows[0]?.tool_name;
}
`;
const APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    types: ['node'],
    noEmit: true,
  },
  include: ['main.ts'],
};

/** A ceiling, not a speed check: `check` packs, builds and type-checks (minutes when busy). */
const STEP_TIMEOUT_MS = 900_000;

for (const [index, manager] of MANAGERS.entries()) {
  const install = installs[index]!;
  const missing = 'missing' in install ? install.missing : undefined;
  if (missing && process.env['FEATHER_REQUIRE_MANAGERS'])
    throw new Error(`FEATHER_REQUIRE_MANAGERS is set but ${missing}`);
  const label = `${manager.name} ${manager.version}`;

  describe.skipIf(missing)(
    `a ${label} workspace with the package and a sibling app${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      let root: string;
      let pkg: string;
      let installed: Run;
      let built: Run | undefined;
      /** generated/ as copied from the checkout, before the install and any build. */
      let committed: Record<string, string>;
      const cli = 'cli' in install ? install.cli : '';
      const manage = (args: string[]): Promise<Run> => run(cli, args, root);

      beforeAll(async () => {
        root = await mkdtemp(path.join(tmpdir(), `feather-${manager.name}-workspace-`));
        pkg = path.join(root, 'packages', 'api-client');
        const app = path.join(root, 'packages', 'app');
        await cp(REPO_ROOT, pkg, {
          recursive: true,
          filter: (source) =>
            !NOT_COPIED.has(path.relative(REPO_ROOT, source).split(path.sep)[0] ?? '') &&
            !source.endsWith('.tgz'),
        });
        committed = await snapshotDir(path.join(pkg, 'generated'));
        await mkdir(app, { recursive: true });
        const appManifest = {
          name: APP_NAME,
          private: true,
          type: 'module',
          dependencies: { [PACKAGE_NAME]: 'workspace:*' },
          devDependencies: { typescript: '5.9.3', '@types/node': '20.19.43' },
        };
        await writeFile(path.join(app, 'package.json'), `${JSON.stringify(appManifest)}\n`);
        await writeFile(path.join(app, 'main.ts'), APP_MAIN);
        await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify(APP_TSCONFIG));
        const rootManifest: Record<string, unknown> = { name: 'feather-workspace', private: true };
        if (manager.name === 'pnpm') {
          await writeFile(path.join(root, 'pnpm-workspace.yaml'), await documentedPnpmWorkspace());
        } else {
          rootManifest['workspaces'] = ['packages/*'];
          // An empty lockfile marks the workspace root: yarn would otherwise look further up.
          await writeFile(path.join(root, 'yarn.lock'), '');
        }
        await writeFile(path.join(root, 'package.json'), `${JSON.stringify(rootManifest)}\n`);
        const started = performance.now();
        // A first install writes the lockfile; under CI=true yarn refuses to by default
        // (enableImmutableInstalls), as it should once a lockfile is committed.
        installed = await manage(
          manager.name === 'yarn' ? ['install', '--no-immutable'] : ['install'],
        );
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`${label} install: exit ${installed.code} in ${seconds} s`);
        // Yarn runs no workspace's `prepare` on install: docs/workspaces.md says to build once,
        // with the command the first step below runs (it takes this run rather than build again).
        if (manager.name === 'yarn' && installed.code === 0)
          built = await manage(manager.runInPackage('build'));
      }, STEP_TIMEOUT_MS);

      afterAll(async () => {
        if (root) await rm(root, { recursive: true, force: true });
      });

      it('installs from the root in its default mode, exit 0', () => {
        expect(installed.code, installed.output).toBe(0);
        if (manager.name === 'yarn') {
          expect(existsSync(path.join(root, '.pnp.cjs'))).toBe(true);
          expect(existsSync(path.join(root, 'node_modules', 'typescript'))).toBe(false);
        }
      });

      it(
        'runs build, generate and check from the root, leaving generated/ as committed',
        async () => {
          expect(installed.code, installed.output).toBe(0);
          for (const script of ['build', 'generate', 'check']) {
            const ran =
              script === 'build' && built ? built : await manage(manager.runInPackage(script));
            expect(ran.code, `${label} ${script}:\n${ran.output}`).toBe(0);
            if (script === 'generate') expect(ran.output).toContain('generated/ is current');
          }
          expect(await snapshotDir(path.join(pkg, 'generated'))).toEqual(committed);
        },
        STEP_TIMEOUT_MS,
      );

      it(
        'type-checks a sibling app that imports the package',
        async () => {
          if (built) expect(built.code, built.output).toBe(0);
          expect(existsSync(path.join(pkg, 'dist', 'src', 'index.d.ts'))).toBe(true);
          const ran = await manage(manager.execInApp('tsc', ['-p', '.']));
          expect(ran.code, ran.output).toBe(0);
          const wrong = APP_MAIN.replace('rows[0]?.tool_name', 'rows[0]?.no_such_field');
          await writeFile(path.join(root, 'packages', 'app', 'main.ts'), wrong);
          const rejected = await manage(manager.execInApp('tsc', ['-p', '.']));
          await writeFile(path.join(root, 'packages', 'app', 'main.ts'), APP_MAIN);
          expect(rejected.output).toContain("Property 'no_such_field' does not exist");
        },
        STEP_TIMEOUT_MS,
      );

      it(
        "drift --consumers from the root names the app's read of a property removed upstream",
        async () => {
          const doc = JSON.parse(
            await readFile(path.join(pkg, 'generated', 'openapi.json'), 'utf8'),
          ) as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
          delete doc.components.schemas['TimeoutAnalysisRow']!.properties['tool_name'];
          const upstream = path.join(root, 'upstream.json');
          await writeFile(upstream, JSON.stringify(doc));
          const ran = await manage([
            ...manager.runInPackage('drift'),
            '--against',
            upstream,
            '--fail-on',
            'consumers',
          ]);
          expect(ran.code, ran.output).toBe(1);
          const line = APP_MAIN.split('\n').findIndex((text) => text.includes('tool_name')) + 1;
          expect(ran.output).toContain(`packages/app/main.ts:${line}:`);
          expect(ran.output).toContain(
            'GET /v1/analytics/tools/reliability/timeout-analysis: response 200 (application/json)[].tool_name removed',
          );
        },
        STEP_TIMEOUT_MS,
      );
    },
  );
}
