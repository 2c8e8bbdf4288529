/**
 * The package as a monorepo dependency, the way the README tells a new user to set it up: an npm
 * workspace with this repository as packages/api-client and a sibling app that depends on it by
 * name. Installed from the workspace root, offline, from the local npm cache (`npm ci` filled
 * it; the root lockfile is this package's own, hoisted, so nothing needs the registry); then
 * `build`, `generate` and `check` run with `-w` from the root, and the sibling compiles and runs
 * against a loopback server.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, snapshotDir } from '../helpers/workspace.ts';

const PACKAGE_NAME = '@featherhq/api-client';
const APP_NAME = 'feather-app';
const API_KEY = 'workspace-proof-secret-9c2e';
/** Not sources: left out of the copy (the install and the build make their own). */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp', 'docs']);

interface PackageLock {
  lockfileVersion: number;
  packages: Record<string, Record<string, unknown>>;
}

/**
 * The workspace root's lockfile, from this package's own: the same dependency tree (npm hoists
 * it to the root as it is hoisted here), the package as workspace member `packages/api-client`,
 * and the app beside it. With it `npm install --offline` needs only the cached tarballs.
 */
function workspaceLockfile(
  own: PackageLock,
  app: { name: string; dependencies: Record<string, string> },
): PackageLock {
  const { '': self, ...installed } = own.packages;
  return {
    lockfileVersion: own.lockfileVersion,
    packages: {
      '': { name: 'feather-workspace', workspaces: ['packages/*'] },
      [`node_modules/${PACKAGE_NAME}`]: { resolved: 'packages/api-client', link: true },
      [`node_modules/${app.name}`]: { resolved: 'packages/app', link: true },
      'packages/api-client': self ?? {},
      'packages/app': app,
      ...installed,
    },
  };
}

interface Run {
  code: number | null;
  output: string;
  stdout: string;
}

/** Runs a command, collecting stdout alone and stdout with stderr in order. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output, stdout }));
  });
}

/** npm in `cwd`, with none of the `npm_*` variables of the `npm test` that may be running us. */
function npm(args: string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
  );
  const execpath = process.env['npm_execpath'];
  const [command, prefix] =
    execpath && /npm-cli\.js$/.test(execpath)
      ? [process.execPath, [execpath]]
      : ['npm', [] as string[]];
  return run(command, [...prefix, ...args], { cwd, env });
}

/** The sibling app: one typed call through the client, printed as JSON. */
const APP_MAIN = `import { createFeatherClient, SPEC_FINGERPRINT, unwrap } from '${PACKAGE_NAME}';

const feather = createFeatherClient({ baseUrl: process.argv[2], maxRetries: 0, logLevel: 'off' });
const rows = await unwrap(
  feather.GET('/v1/analytics/tools/reliability/timeout-analysis', {
    params: { query: { start_date: '2025-01-01', end_date: '2025-01-31', limit: 10 } },
  }),
);
const first: string | undefined = rows[0]?.tool_name;
console.log(JSON.stringify({ rows: rows.length, first, version: SPEC_FINGERPRINT.version }));
`;
const APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    types: ['node'],
    outDir: 'out',
  },
  include: ['main.ts'],
};

let root: string;
let pkg: string;
let app: string;
let installed: Run;
let server: Server;
let baseUrl: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'feather-workspace-'));
  pkg = path.join(root, 'packages', 'api-client');
  app = path.join(root, 'packages', 'app');
  await cp(REPO_ROOT, pkg, {
    recursive: true,
    filter: (source) =>
      !NOT_COPIED.has(path.relative(REPO_ROOT, source).split(path.sep)[0] ?? '') &&
      !source.endsWith('.tgz'),
  });
  const appManifest = {
    name: APP_NAME,
    private: true,
    type: 'module',
    dependencies: { [PACKAGE_NAME]: '*' },
  };
  await mkdir(app, { recursive: true });
  await writeFile(path.join(app, 'package.json'), `${JSON.stringify(appManifest, null, 2)}\n`);
  await writeFile(path.join(app, 'main.ts'), APP_MAIN);
  await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify(APP_TSCONFIG, null, 2));
  const rootManifest = { name: 'feather-workspace', private: true, workspaces: ['packages/*'] };
  await writeFile(path.join(root, 'package.json'), `${JSON.stringify(rootManifest, null, 2)}\n`);
  const own = JSON.parse(
    await readFile(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'),
  ) as PackageLock;
  const lock = workspaceLockfile(own, {
    name: APP_NAME,
    dependencies: appManifest.dependencies,
  });
  await writeFile(path.join(root, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

  installed = await npm(['install', '--offline', '--no-audit', '--no-fund'], root);

  const sample = await readFile(
    path.join(REPO_ROOT, 'examples', 'sample-responses', 'timeout-analysis.json'),
  );
  server = createServer((request, response) => {
    seen.push(request.headers['x-api-key'] as string | undefined);
    const ok = request.url?.startsWith('/v1/analytics/tools/reliability/timeout-analysis?');
    response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    response.end(ok ? sample : '{"error":"not_found","message":"no such route"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (root) await rm(root, { recursive: true, force: true });
});

/** Compiles the app with the workspace's TypeScript and runs it against the loopback server. */
async function runApp(): Promise<Run> {
  const compiled = await npm(['exec', '--offline', '-w', APP_NAME, '--', 'tsc', '-p', '.'], root);
  if (compiled.code !== 0) return compiled;
  return run(process.execPath, [path.join('out', 'main.js'), baseUrl], {
    cwd: app,
    env: { ...process.env, FEATHER_API_KEY: API_KEY },
  });
}

/** A ceiling, not a speed check: `check` alone packs, builds and type-checks (minutes on a busy 2-core machine). */
const WORKSPACE_TIMEOUT_MS = 900_000;

describe('an npm workspace with the package as packages/api-client and a sibling app', () => {
  it('installs from the root, offline, with the tools hoisted to the root', () => {
    expect(installed.code, installed.output).toBe(0);
    expect(existsSync(path.join(root, 'node_modules', 'typescript', 'package.json'))).toBe(true);
    expect(existsSync(path.join(pkg, 'node_modules', 'typescript'))).toBe(false);
  });

  it(
    'builds the package on install (prepare), so the sibling imports and runs it at once',
    async () => {
      expect(existsSync(path.join(pkg, 'dist', 'src', 'index.js'))).toBe(true);
      const ran = await runApp();
      expect(ran.code, ran.output).toBe(0);
      expect(JSON.parse(ran.stdout)).toEqual({
        rows: 4,
        first: 'crm_lookup',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
      expect(seen.at(-1)).toBe(API_KEY);
    },
    WORKSPACE_TIMEOUT_MS,
  );

  it(
    'runs build, generate and check with -w from the root, leaving generated/ as it was',
    async () => {
      const before = await snapshotDir(path.join(pkg, 'generated'));
      for (const script of ['build', 'generate', 'check']) {
        const ran = await npm(['run', script, '-w', PACKAGE_NAME], root);
        expect(ran.code, `npm run ${script} -w ${PACKAGE_NAME}:\n${ran.output}`).toBe(0);
        if (script === 'generate') expect(ran.output).toContain('generated/ is current');
      }
      expect(await snapshotDir(path.join(pkg, 'generated'))).toEqual(before);
      const ran = await runApp();
      expect(ran.code, ran.output).toBe(0);
    },
    WORKSPACE_TIMEOUT_MS,
  );
});
