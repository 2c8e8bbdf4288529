/**
 * The spec-drift workflow proven from its own YAML: the `upstream-drift` job's steps, read from
 * .github/workflows/spec-drift.yml, run in order as GitHub would (test/helpers/workflow-runner.ts)
 * in a temporary git repository of the seed package (the two seed pages of
 * test/fixtures/feather-docs/, ingested and generated), against a loopback upstream serving
 * Feather's 1.87.0. What cannot run here, and what stands in for it:
 * - `actions/checkout`: recorded; the temporary repository is the checkout.
 * - `actions/setup-node`: recorded (the Node running this test; .nvmrc is checked to match).
 * - `npm ci`: replaced by a line saying so; node_modules is linked from this checkout (a real
 *   `npm ci` would delete it through the link).
 * - `actions/upload-artifact`: recorded; the file it would upload must exist.
 * - `npm test`: replaced by a relevant subset (the whole suite takes minutes; .ci/run runs it on
 *   a clone grown to the whole 1.87.0): `tsc --noEmit` (the client, examples and type tests
 *   against the regenerated types) and the example and alias tests.
 * - `peter-evans/create-pull-request`: recorded, with its inputs, the body it would post and the
 *   files it would commit (`git status` of its add-paths).
 */
import { execFile } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PULL_REQUEST_BODY_MAX_CHARS } from '../../src/drift/index.ts';
import { startSpecServer, type SpecServer } from '../helpers/drift-server.ts';
import { wholeApiFile, wholeApiMissing } from '../helpers/feather-api.ts';
import {
  runJob,
  type ActionCall,
  type StepRecord,
  type WorkflowStep,
} from '../helpers/workflow-runner.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/workspace.ts';

const exec = promisify(execFile);
const WORKFLOW = path.join(REPO_ROOT, '.github', 'workflows', 'spec-drift.yml');
const TESTS_SUBSET =
  'npx tsc --noEmit && npx vitest run test/examples/example.test.ts test/scripts/pipeline/aliases.test.ts';

interface Recorded {
  calls: ActionCall[];
  body?: string;
  committed?: string[];
}

/** A git repository of the package whose spec/ is the two seed pages, generated and committed. */
async function makeSeedRepository(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'feather-seed-repo-'));
  const { stdout } = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const files = stdout.split('\n').filter((file) => file && !/^(spec|generated)\//.test(file));
  for (const file of files) {
    const from = path.join(REPO_ROOT, file);
    if (!(await stat(from).catch(() => null))?.isFile()) continue;
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await cp(from, path.join(root, file));
  }
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const pages = (await readdir(path.join(FIXTURES, 'feather-docs'))).map((page) =>
    path.join(FIXTURES, 'feather-docs', page),
  );
  await exec('node', ['scripts/run.mjs', 'ingest', ...pages], { cwd: root });
  await exec('node', ['scripts/run.mjs', 'generate'], { cwd: root });
  const git = (...args: string[]) => exec('git', args, { cwd: root });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'seed@example.test');
  await git('config', 'user.name', 'seed');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'seed package');
  return root;
}

/** The seed repository, made once for the file; each scenario works in a copy of its own. */
let seed: Promise<string> | undefined;
afterAll(async () => {
  const template = await seed?.catch(() => undefined);
  if (template) await rm(template, { recursive: true, force: true });
});

/**
 * A fresh copy of the seed repository, its .git and node_modules link included (the scripts' bundles
 * in .tmp/ name the root they were built for: the copy builds its own).
 */
async function seedRepository(): Promise<string> {
  const template = await (seed ??= makeSeedRepository());
  const root = await mkdtemp(path.join(tmpdir(), 'feather-seed-repo-'));
  await cp(template, root, { recursive: true, verbatimSymlinks: true });
  return root;
}

async function runUpstreamDrift(
  root: string,
  upstream: string,
  /** Names the trace written when FEATHER_WORKFLOW_TRACE (a directory) is set. */
  scenario: string,
): Promise<{ records: StepRecord[]; summary: string; recorded: Recorded }> {
  const workflow = parse(await readFile(WORKFLOW, 'utf8')) as {
    jobs: Record<string, { steps: WorkflowStep[] }>;
  };
  const runnerTemp = await mkdtemp(path.join(tmpdir(), 'feather-runner-temp-'));
  const recorded: Recorded = { calls: [] };
  const record = (call: ActionCall) => void recorded.calls.push(call);
  const result = await runJob({
    steps: workflow.jobs['upstream-drift']!.steps,
    workspace: root,
    runnerTemp,
    contexts: {
      github: {
        event_name: 'workflow_dispatch',
        server_url: 'https://github.com',
        repository: 'featherhq/api-client',
        run_id: '17',
        token: 'ghs_not-a-real-token',
      },
      inputs: { against: upstream },
      secrets: {},
    },
    baseEnv: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? root,
      ...(process.env['FEATHER_API_DIR']
        ? { FEATHER_API_DIR: process.env['FEATHER_API_DIR'] }
        : {}),
    },
    actions: {
      'actions/checkout': record,
      'actions/setup-node': async (call) => {
        const nvmrc = (
          await readFile(path.join(root, call.inputs['node-version-file']!), 'utf8')
        ).trim();
        expect(process.versions.node.split('.')[0]).toBe(nvmrc.split('.')[0]);
        record(call);
      },
      'actions/upload-artifact': async (call) => {
        await expect(stat(call.inputs['path']!)).resolves.toBeTruthy();
        record(call);
      },
      'peter-evans/create-pull-request': async (call) => {
        record(call);
        recorded.body = await readFile(call.inputs['body-path']!, 'utf8');
        const paths = call.inputs['add-paths']!.split('\n')
          .filter(Boolean)
          .map((p) => p.replace(/\/\*\*$/, ''));
        const { stdout } = await exec('git', ['status', '--porcelain', '--', ...paths], {
          cwd: root,
        });
        recorded.committed = stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => line.slice(3));
      },
    },
    replaceRun: {
      'npm ci --no-audit --no-fund':
        'echo "npm ci: replaced; node_modules is linked from the checkout under test"',
      'npm test': TESTS_SUBSET,
    },
  });
  await rm(runnerTemp, { recursive: true, force: true });
  if (process.env['FEATHER_WORKFLOW_TRACE'])
    await writeFile(
      path.join(process.env['FEATHER_WORKFLOW_TRACE'], `${scenario}.json`),
      JSON.stringify(
        {
          records: result.records.map(({ label, status, outcome, ms }) => ({
            label,
            status,
            outcome,
            ms: Math.round(ms),
          })),
          body: recorded.body,
        },
        null,
        2,
      ),
    );
  return { records: result.records, summary: result.summary, recorded };
}

const statusOf = (records: StepRecord[], label: string) =>
  records.find((r) => r.label === label)?.outcome ?? records.find((r) => r.label === label)?.status;

const missing = wholeApiMissing();

describe.skipIf(missing)(`the upstream-drift job, 1.21.0 seed -> 1.87.0 ${missing ?? ''}`, () => {
  let root: string;
  let server: SpecServer;
  let run: Awaited<ReturnType<typeof runUpstreamDrift>>;

  beforeAll(async () => {
    root = await seedRepository();
    server = await startSpecServer({
      '/api-reference/openapi.json': { body: await readFile(wholeApiFile('1.87.0'), 'utf8') },
    });
    run = await runUpstreamDrift(root, `${server.url}/api-reference/openapi.json`, 'upgrade');
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('runs drift -> regenerate -> tests, all passing, then opens the pull request', () => {
    const failures = run.records.filter((r) => r.outcome === 'failure');
    expect(failures.map((r) => `${r.label}: ${r.stderr.slice(-2000)}`)).toEqual([]);
    expect(statusOf(run.records, 'Regenerate')).toBe('success');
    expect(statusOf(run.records, 'Run the tests')).toBe('success');
    expect(statusOf(run.records, 'Fail when the regenerated client does not pass its tests')).toBe(
      'skipped',
    );
    expect(run.recorded.calls.map((c) => c.uses.replace(/@.*/, ''))).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'actions/upload-artifact',
      'peter-evans/create-pull-request',
    ]);
  });

  it('the pull request commits spec/ and generated/, the name lock following the re-keyed schema', async () => {
    expect(run.recorded.committed).toEqual(
      expect.arrayContaining([
        'spec/getIntegrationDashboard.yaml',
        'generated/names.lock.json',
        'generated/aliases.ts',
      ]),
    );
    const lock = JSON.parse(
      await readFile(path.join(root, 'generated', 'names.lock.json'), 'utf8'),
    );
    expect(lock.names.LatencyTimeseriesRow).toBe(
      'schema:src__analytics__integrations__schemas__LatencyTimeseriesRow',
    );
  });

  it('the body fits GitHub, names the breaking causes (none here) and the kept name, and says the tests passed', () => {
    const body = run.recorded.body!;
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_MAX_CHARS);
    expect(body).toContain('**No breaking change**');
    expect(body).toContain('| breaking | 0 | 0 |');
    expect(body).toMatch(
      /\| `exported-name-kept` \| exported type LatencyTimeseriesRow stays: upstream re-keyed schema:LatencyTimeseriesRow as schema:src__analytics__integrations__schemas__LatencyTimeseriesRow/,
    );
    expect(body).toContain('Kept: 1 exported name(s) whose target upstream re-keyed');
    expect(body).toContain(
      '- kept the published name LatencyTimeseriesRow on schema:src__analytics__integrations__schemas__LatencyTimeseriesRow',
    );
    expect(body).toContain('615 operations upstream that we do not pin');
    expect(body.trimEnd().endsWith('Tests: passed after regenerating.')).toBe(true);
    expect(run.summary).toMatch(/^## API drift report/);
  });
});

describe.skipIf(missing)(
  `the upstream-drift job when upstream really removes an exported name ${missing ?? ''}`,
  () => {
    let root: string;
    let server: SpecServer;
    let run: Awaited<ReturnType<typeof runUpstreamDrift>>;

    beforeAll(async () => {
      root = await seedRepository();
      // 1.87.0 with the dashboard's latency rows under another title: no successor, a removal.
      const doc = JSON.parse(await readFile(wholeApiFile('1.87.0'), 'utf8'));
      doc.components.schemas['src__analytics__integrations__schemas__LatencyTimeseriesRow'].title =
        'LatencyPoint';
      server = await startSpecServer({ '/openapi.json': { body: JSON.stringify(doc) } });
      run = await runUpstreamDrift(root, `${server.url}/openapi.json`, 'removal');
    }, 600_000);
    afterAll(async () => {
      await server?.stop();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('regenerate does not stop on the lock: the removal is applied and the PR lists it as breaking', async () => {
      expect(statusOf(run.records, 'Regenerate')).toBe('success');
      const body = run.recorded.body!;
      expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_MAX_CHARS);
      expect(body).toContain('**Breaking changes found**');
      expect(body).toContain('| `exported-name-removed` | 1 | 1 |');
      expect(body).toContain('**Breaking: 1 exported name(s) removed by this regeneration**');
      expect(body).toContain(
        '- removed the published name LatencyTimeseriesRow (it named schema:LatencyTimeseriesRow',
      );
      const aliases = await readFile(path.join(root, 'generated', 'aliases.ts'), 'utf8');
      expect(aliases).not.toContain('export type LatencyTimeseriesRow =');
    });

    it('a local generate still refuses the same removal', async () => {
      await exec('git', ['checkout', '-q', '--', 'generated'], { cwd: root });
      const result = await exec('node', ['scripts/run.mjs', 'generate'], { cwd: root }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('LatencyTimeseriesRow (named schema:LatencyTimeseriesRow)');
    });
  },
);
