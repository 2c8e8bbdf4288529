/**
 * The consumer proof: pack the package as `npm publish` would, install the tarball into a fresh
 * project (offline: its one dependency, openapi-fetch, is copied from our node_modules), type-check
 * a consumer under --strict with moduleResolution nodenext and bundler, and run it with plain
 * node against a loopback server. Packing happens in a copy of the repository, so the build
 * never touches the dist/ of the checkout.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lintTarball,
  packedManifestProblems,
  packTarball,
  run,
  runNpm,
  tarballProblems,
  type PackageManifest,
} from '../../scripts/commands/check-package.ts';
import { relativeTsSpecifiers } from '../../scripts/commands/build.ts';
import { MANIFEST_BEFORE_PACK, packedManifestText } from '../../scripts/build/packed-manifest.ts';
import { packageBin, packageManifestPath, packageVersion } from '../../scripts/lib/packages.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/workspace.ts';

const CONSUMER_FIXTURE = path.join(FIXTURES, 'consumer');
const SAMPLE_RESPONSES = path.join(REPO_ROOT, 'examples', 'sample-responses');
const TSC = packageBin('typescript', 'tsc');
/** The node_modules holding our tools (this repo's, or a workspace root's where hoisted). */
const NODE_MODULES = path.dirname(path.dirname(packageManifestPath('typescript')));
/** What the tarball needs at run time, and what the consumer's type check needs: copied, not fetched. */
const PREINSTALLED = [
  'openapi-fetch',
  'openapi-typescript-helpers',
  '@cfworker/json-schema',
  'eventsource-parser',
  '@types/node',
  'undici-types',
];
/** Never leaves this process except as the header the loopback server checks. */
const API_KEY = 'consumer-proof-secret-4b1d';
/** Left out of the copy that gets packed: not sources, or rebuilt there. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp', 'docs']);

let work: string;
let tarball: string;
let files: string[];
let consumer: string;
/** What `npm install <tarball>` printed in the fresh project. */
let installOutput: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'feather-package-'));
  const repo = path.join(work, 'repo');
  await cp(REPO_ROOT, repo, {
    recursive: true,
    filter: (source) =>
      !NOT_COPIED.has(path.relative(REPO_ROOT, source).split(path.sep)[0] ?? '') &&
      !source.endsWith('.tgz'),
  });
  await symlink(NODE_MODULES, path.join(repo, 'node_modules'), 'dir');
  ({ tarball, files } = await packTarball(work, repo));

  consumer = path.join(work, 'consumer');
  await cp(CONSUMER_FIXTURE, consumer, { recursive: true });
  for (const name of PREINSTALLED) {
    await mkdir(path.dirname(path.join(consumer, 'node_modules', name)), { recursive: true });
    await cp(path.dirname(packageManifestPath(name)), path.join(consumer, 'node_modules', name), {
      recursive: true,
    });
  }
  const manifest = {
    name: 'feather-consumer',
    private: true,
    type: 'module',
    devDependencies: { '@types/node': packageVersion('@types/node') },
  };
  await writeFile(path.join(consumer, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const installed = await runNpm(
    ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball],
    consumer,
  );
  if (installed.code !== 0) throw new Error(`npm install ${tarball} failed:\n${installed.output}`);
  installOutput = installed.output;
}, 180_000);

afterAll(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

describe('npm pack', () => {
  it('holds dist/ (ESM JS, .d.ts, source maps), package.json and README, and nothing else', async () => {
    const manifest = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'),
    ) as PackageManifest;
    expect(tarballProblems(files, manifest)).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/index.js.map',
        'dist/generated/schema.d.ts',
        'dist/generated/aliases.d.ts',
        'dist/generated/parameters.js',
      ]),
    );
  });

  it('passes publint (strict) and @arethetypeswrong/cli (ESM-only profile)', async () => {
    for (const lint of await lintTarball(tarball)) {
      expect(lint.ok, `${lint.tool}:\n${lint.output}`).toBe(true);
    }
  });
});

describe('the packed package.json', () => {
  it('has no scripts (they run scripts/, not shipped): installing it warns of none', async () => {
    const repoText = await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8');
    expect((JSON.parse(repoText) as { scripts?: Record<string, string> }).scripts?.prepare).toBe(
      'node scripts/commands/prepare.mjs',
    );
    const installed = await readFile(
      path.join(consumer, 'node_modules', '@featherhq', 'api-client', 'package.json'),
      'utf8',
    );
    expect(installed).toBe(packedManifestText(repoText));
    expect(JSON.parse(installed)).not.toHaveProperty('scripts');
    expect(installOutput).not.toMatch(/install-scripts|prepare/);
    expect(
      packedManifestProblems(JSON.parse(installed) as { scripts?: Record<string, string> }),
    ).toEqual([]);
  });

  it('check:package names the scripts a packed package.json keeps', () => {
    expect(
      packedManifestProblems({ scripts: { prepare: 'node scripts/x.mjs', test: 'vitest' } }),
    ).toEqual([
      'package.json in the tarball keeps scripts (prepare, test), which run files it does not ship (check prepack: scripts/build/packed-manifest.ts)',
    ]);
  });

  it('leaves the package.json that was packed as it was, and no copy of it', async () => {
    const repo = path.join(work, 'repo');
    expect(await readFile(path.join(repo, 'package.json'), 'utf8')).toBe(
      await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'),
    );
    await expect(readFile(path.join(repo, MANIFEST_BEFORE_PACK), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('tarballProblems', () => {
  const manifest: PackageManifest = {
    name: 'x',
    version: '1.0.0',
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
    dependencies: {
      '@cfworker/json-schema': '4.1.6',
      'eventsource-parser': '3.1.1',
      'openapi-fetch': '0.17.0',
      'openapi-typescript-helpers': '0.1.0',
    },
  };
  const good = [
    'package.json',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/src/index.js.map',
  ];

  it.each([
    ['a TypeScript source', [...good, 'src/index.ts'], 'src/index.ts: outside dist/'],
    ['a test file', [...good, 'dist/test/a.test.js'], 'dist/test/a.test.js: test or tooling'],
    ['a build cache', [...good, 'dist/tsconfig.tsbuildinfo'], 'not emitted JS'],
    [
      'a module without declarations',
      good.filter((f) => !f.endsWith('.d.ts')),
      'dist/src/index.js: no dist/src/index.d.ts',
    ],
    [
      'an exports target not packed',
      good.filter((f) => f !== 'dist/src/index.js'),
      'package.json points at dist/src/index.js',
    ],
  ])('names %s', (_name, list, problem) => {
    expect(tarballProblems(list, manifest).join('\n')).toContain(problem);
  });

  it('names a runtime dependency other than the four it has', () => {
    const withExtra = {
      ...manifest,
      dependencies: { ...manifest.dependencies, yaml: '2.9.1' },
    };
    expect(tarballProblems(good, withExtra)).toEqual([
      'runtime dependencies are [@cfworker/json-schema, eventsource-parser, openapi-fetch, openapi-typescript-helpers, yaml]; expected only [@cfworker/json-schema, eventsource-parser, openapi-fetch, openapi-typescript-helpers]',
    ]);
    expect(tarballProblems(good, manifest)).toEqual([]);
  });
});

interface SeenRequest {
  method: string;
  url: string;
  apiKey: string | undefined;
}

/** A loopback stand-in for the API: answers both operations with examples/sample-responses/. */
async function startApi(): Promise<{ server: Server; url: string; seen: SeenRequest[] }> {
  const timeouts = await readFile(path.join(SAMPLE_RESPONSES, 'timeout-analysis.json'));
  const dashboard = await readFile(path.join(SAMPLE_RESPONSES, 'dashboard.json'));
  const seen: SeenRequest[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const apiKey = request.headers['x-api-key'];
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    });
    const send = (status: number, body: Buffer | string): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      response.end(body);
    };
    if (apiKey !== API_KEY) return send(401, '{"error":"unauthorized","message":"bad API key"}');
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname === '/v1/analytics/tools/reliability/timeout-analysis') return send(200, timeouts);
    if (pathname === '/v1/analytics/integrations/dashboard') return send(200, dashboard);
    return send(404, '{"error":"not_found","message":"no such route"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

/**
 * The consumer emitted into out/ by `tsc -p tsconfig.nodenext.json`, for the tests that run it
 * with plain node: compiled once and shared (the same command on the same files; with spec/ grown
 * to the whole API it alone took over a minute on a loaded machine), or by whichever runs alone.
 */
let consumerBuild: ReturnType<typeof run> | undefined;
const buildConsumer = (): ReturnType<typeof run> =>
  (consumerBuild ??= run(process.execPath, [TSC, '-p', 'tsconfig.nodenext.json'], consumer));

describe('a fresh project that installed the tarball', () => {
  it('gets declarations whose relative imports name the .js files that exist', async () => {
    const dist = path.join(consumer, 'node_modules', '@featherhq', 'api-client', 'dist');
    const declarations = files.filter((file) => file.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(0);
    for (const file of declarations) {
      const text = await readFile(path.join(dist, '..', file), 'utf8');
      expect(relativeTsSpecifiers(text), file).toEqual([]);
    }
  });

  it('depends on nothing but openapi-fetch (and its helpers, for types), eventsource-parser and @cfworker/json-schema', async () => {
    const installed = JSON.parse(
      await readFile(
        path.join(consumer, 'node_modules', '@featherhq', 'api-client', 'package.json'),
        'utf8',
      ),
    ) as PackageManifest;
    expect(Object.keys(installed.dependencies ?? {}).sort()).toEqual([
      '@cfworker/json-schema',
      'eventsource-parser',
      'openapi-fetch',
      'openapi-typescript-helpers',
    ]);
    expect(installed.peerDependenciesMeta).toEqual({ msw: { optional: true } });
  });

  it('exports the operation functions from @featherhq/api-client/operations', async () => {
    const ran = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const ops = await import('@featherhq/api-client/operations'); console.log(typeof ops.getIntegrationDashboard, ops.getIntegrationDashboard.method, ops.getIntegrationDashboard.path)",
      ],
      consumer,
    );
    expect(ran.code, ran.output).toBe(0);
    expect(ran.stdout.trim()).toBe('function GET /v1/analytics/integrations/dashboard');
  });

  it.each([
    ['nodenext (a Node app, no DOM types)', 'tsconfig.nodenext.json'],
    ['bundler (a browser app, no Node types)', 'tsconfig.bundler.json'],
  ])('type-checks under --strict with moduleResolution %s', async (_name, config) => {
    const checked = await run(
      process.execPath,
      [TSC, '-p', config, '--noEmit', '--pretty', 'false'],
      consumer,
    );
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
  });

  it('runs with plain node against a loopback server, in both styles, with typed errors', async () => {
    const api = await startApi();
    try {
      const built = await buildConsumer();
      expect(built.code, built.output).toBe(0);
      const ran = await run(process.execPath, [path.join('out', 'main.js'), api.url], consumer, {
        ...process.env,
        FEATHER_API_KEY: API_KEY,
      });
      expect(ran.code, ran.output).toBe(0);
      expect(JSON.parse(ran.stdout)).toEqual({
        fingerprint: expect.stringMatching(/^\d+\.\d+\.\d+/),
        timeoutRows: 4,
        worstTool: 'crm_lookup',
        dashboardInvocations: 7645,
        integrations: ['salesforce', 'twilio'],
        authError: 'AuthenticationError 401',
        authErrorMessage: expect.stringContaining('401'),
        validationProblems: ['query.limit'],
        typesAreReal: true,
      });
      expect(ran.output).not.toContain(API_KEY);
      expect(
        api.seen.map((request) => [request.method, request.url.split('?')[0], request.apiKey]),
      ).toEqual([
        ['GET', '/v1/analytics/tools/reliability/timeout-analysis', API_KEY],
        ['GET', '/v1/analytics/integrations/dashboard', API_KEY],
        ['GET', '/v1/analytics/integrations/dashboard', 'wrong-key'],
      ]);
      expect(api.seen[0]?.url).toContain('start_date=2025-01-01');
      expect(api.seen[0]?.url).toContain('limit=10');
    } finally {
      await new Promise((resolve) => api.server.close(resolve));
    }
    // tsc emits the consumer against the package's types (buildConsumer): give it room.
  }, 180_000);

  it('runs the testing kit (/testing) with plain node: an example answered, a bad fixture refused', async () => {
    const built = await buildConsumer();
    expect(built.code, built.output).toBe(0);
    const ran = await run(process.execPath, [path.join('out', 'testing-main.js')], consumer);
    expect(ran.code, ran.output).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      exampleRows: 1,
      sameExample: true,
      refused: '200 /0',
    });
  });

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  it.runIf(major > 20 || (major === 20 && minor >= 19))(
    'loads with require() from CommonJS (Node 20.19+)',
    async () => {
      const ran = await run(process.execPath, ['require-from-cjs.cjs'], consumer);
      expect(ran.code, ran.output).toBe(0);
      expect(ran.stdout).toMatch(/^function function \d+\.\d+\.\d+/);
    },
  );

  it('keeps internals private: a deep import is refused by the exports map', async () => {
    const ran = await run(
      process.execPath,
      ['--input-type=module', '-e', "await import('@featherhq/api-client/dist/src/client.js')"],
      consumer,
    );
    expect(ran.code).not.toBe(0);
    expect(ran.output).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
