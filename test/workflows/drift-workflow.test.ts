/**
 * The GitHub workflows: valid by a real validator (@action-validator/core, the schema GitHub's
 * own editor tooling uses), actions pinned to releases, and the drift step's shell run for real
 * against a loopback upstream in a throwaway checkout.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSpecServer, type SpecServer } from '../helpers/drift-server.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');
const files = (await readdir(WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
  if?: string;
}
interface Workflow {
  on: Record<string, { paths?: string[] } | null>;
  jobs: Record<string, { if?: string; steps: Step[]; permissions?: Record<string, string> }>;
}

const drift = parse(await readFile(path.join(WORKFLOWS, 'spec-drift.yml'), 'utf8')) as Workflow;

describe('GitHub workflows', () => {
  it.each(files)('%s passes action-validator', async (file) => {
    const state = validateWorkflow(await readFile(path.join(WORKFLOWS, file), 'utf8'));
    expect(state.errors).toEqual([]);
  });

  it('action-validator does reject a broken workflow (so the check above can fail)', () => {
    const state = validateWorkflow(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n',
    );
    expect(state.errors.length).toBeGreaterThan(0);
  });

  it.each(files)(
    '%s pins every action to a release and reads the Node version from .nvmrc, with the npm cache',
    async (file) => {
      const workflow = parse(await readFile(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
      for (const step of steps.filter((s) => s.uses))
        expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
      for (const step of steps.filter((s) => s.uses?.startsWith('actions/setup-node@')))
        expect(step.with).toMatchObject({ 'node-version-file': '.nvmrc', cache: 'npm' });
    },
  );

  it('path filters name folders and files that exist (the validator cannot check globs yet)', async () => {
    for (const trigger of ['push', 'pull_request']) {
      const paths = drift.on[trigger]?.paths ?? [];
      expect(paths).toContain('spec/**');
      for (const glob of paths)
        await expect(stat(path.join(REPO_ROOT, glob.replace(/\/\*\*$/, '')))).resolves.toBeTruthy();
    }
  });

  it('regenerates on spec changes and fails on a stale generated/', () => {
    const job = drift.jobs['generated-is-current']!;
    expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(
      expect.arrayContaining([
        'npm run generate',
        expect.stringContaining('git status --porcelain -- generated/'),
      ]),
    );
  });

  it('tells its keeper the pull-request setting, the token rule and the private-upstream header', async () => {
    const text = await readFile(path.join(WORKFLOWS, 'spec-drift.yml'), 'utf8');
    expect(text).toContain('Allow GitHub Actions to create and approve pull');
    expect(text).toContain('GITHUB_TOKEN triggers no workflows');
    expect(text).toContain('actions/create-github-app-token');
    const step = drift.jobs['upstream-drift']!.steps.find((s) => s.id === 'drift')!;
    expect(step.env?.UPSTREAM_HEADER).toBe('${{ secrets.DRIFT_UPSTREAM_HEADER }}');
    expect(step.run).toContain('--header "$UPSTREAM_HEADER"');
    expect(await readFile(path.join(REPO_ROOT, '.nvmrc'), 'utf8')).toMatch(/^\d+/);
  });

  it('runs on a schedule and on demand, writes the summary and opens a PR with the report as body', async () => {
    expect(Object.keys(drift.on)).toEqual(
      expect.arrayContaining(['schedule', 'workflow_dispatch']),
    );
    const job = drift.jobs['upstream-drift']!;
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const step = job.steps.find((s) => s.id === 'drift')!;
    expect(step.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const names = job.steps.map((s) => s.run ?? s.uses);
    expect(names.indexOf('npm run generate')).toBeLessThan(names.indexOf('npm test'));
    const pr = job.steps.find((s) => s.uses?.startsWith('peter-evans/create-pull-request@'))!;
    expect(pr.with?.['body-path']).toBe('${{ steps.drift.outputs.report }}');
    // A pull request opened with GITHUB_TOKEN runs no checks: a token secret takes its place.
    expect(pr.with?.token).toBe('${{ secrets.DRIFT_PR_TOKEN || github.token }}');
    const scripts = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'),
    ).scripts;
    expect(scripts.drift).toBe('node scripts/run.mjs drift');
  });
});

describe("the upstream-drift step's shell, run for real", () => {
  let root: string | undefined;
  let server: SpecServer | undefined;
  afterEach(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    root = server = undefined;
  });

  /**
   * A throwaway checkout: the sources copied (the step rewrites spec/, and a symlinked script
   * would not see itself as the entry point), node_modules and package.json linked.
   */
  async function checkout(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'feather-workflow-'));
    for (const entry of ['spec', 'scripts', 'common', 'src', 'generated', 'tsconfig.json'])
      await cp(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
    for (const entry of ['package.json', 'node_modules'])
      await symlink(path.join(REPO_ROOT, entry), path.join(dir, entry));
    return dir;
  }

  async function runDriftStep(
    against: string,
    extra: Record<string, string> = {},
  ): Promise<{ code: number; summary: string; outputs: string; report: string; whole: string }> {
    const step = drift.jobs['upstream-drift']!.steps.find((s) => s.id === 'drift')!;
    const dir = (root = await checkout());
    const env = {
      ...process.env,
      ...extra,
      AGAINST: against,
      REPORT: path.join(dir, 'report.md'),
      WHOLE: path.join(dir, 'drift-report', 'whole-report.md'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_OUTPUT: path.join(dir, 'outputs.txt'),
    };
    for (const file of ['summary.md', 'outputs.txt']) await writeFile(path.join(dir, file), '');
    const code = await promisify(execFile)('bash', ['-e', '-c', step.run!], { cwd: dir, env }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    const read = (file: string) => readFile(path.join(dir, file), 'utf8').catch(() => '');
    return {
      code,
      summary: await read('summary.md'),
      outputs: await read('outputs.txt'),
      report: await read('report.md'),
      whole: await read('drift-report/whole-report.md'),
    };
  }

  it('on a change: the summary gets the markdown report, code=1 is output, the step passes, spec/ is refreshed', async () => {
    const doc = JSON.parse(
      await readFile(path.join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8'),
    );
    doc.paths['/v1/analytics/tools/reliability/timeout-analysis'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    ).schema.maximum = 50;
    server = await startSpecServer({
      '/api-reference/openapi.json': { body: JSON.stringify(doc) },
    });
    const result = await runDriftStep(`${server.url}/api-reference/openapi.json`);
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(/^## API drift report/);
    expect(result.summary).toContain('`request-maximum-lowered`');
    expect(result.report).toContain('`request-maximum-lowered`');
    expect(result.whole).toContain('`request-maximum-lowered`');
    expect(result.outputs).toContain('code=1');
    expect(
      await readFile(path.join(root!, 'spec', 'getToolReliabilityTimeoutAnalysis.yaml'), 'utf8'),
    ).toContain('maximum: 50');
  });

  it('when the upstream cannot be read, the step fails with exit 2 and says why', async () => {
    server = await startSpecServer({});
    const result = await runDriftStep(`${server.url}/api-reference/openapi.json`);
    expect(result.code).toBe(2);
    expect(result.outputs).toContain('code=2');
    expect(result.summary).toContain('The drift check could not run: error: ');
    expect(result.summary).toContain('HTTP 404');
  });

  it('when nothing listens upstream, the summary names the cause (refused), not only "fetch failed"', async () => {
    const closed = await startSpecServer({});
    await closed.stop();
    const result = await runDriftStep(`${closed.url}/openapi.json`);
    expect(result.code).toBe(2);
    expect(result.summary).toContain('fetch failed: ECONNREFUSED: connection refused');
  });

  it('sends the private-upstream header and never prints its value', async () => {
    server = await startSpecServer({});
    const result = await runDriftStep(`${server.url}/api-reference/openapi.json`, {
      UPSTREAM_HEADER: 'Authorization: Bearer sk-drift-secret-1234',
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-drift-secret-1234');
    expect(result.code).toBe(2);
    expect(result.summary + result.outputs + result.report).not.toContain('sk-drift-secret');
  });
});
