/**
 * The upstream-drift job's version and changelog steps (.github/workflows/spec-drift.yml): where
 * they sit in the job, what the pull request commits, and their shell run for real in a
 * throwaway checkout against an upstream that removed an operation (a major bump).
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.ts';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

const JSON_STEP = 'Drift report as JSON, for the version and the changelog';
const BUMP_STEP = 'Version and changelog from the drift report';

let steps: Step[];
beforeAll(async () => {
  const workflow = parse(
    await readFile(path.join(REPO_ROOT, '.github', 'workflows', 'spec-drift.yml'), 'utf8'),
  ) as { jobs: Record<string, { steps: Step[] }> };
  steps = workflow.jobs['upstream-drift']!.steps;
});

const indexOf = (predicate: (step: Step) => boolean): number => steps.findIndex(predicate);

describe('the upstream-drift job bumps the version and writes the changelog', () => {
  it('takes the JSON report before spec/ is refreshed and bumps before the pull request', () => {
    const json = indexOf((s) => s.name === JSON_STEP);
    const drift = indexOf((s) => s.id === 'drift');
    const bump = indexOf((s) => s.name === BUMP_STEP);
    const pr = indexOf((s) => s.uses?.startsWith('peter-evans/create-pull-request@') ?? false);
    expect(json).toBeGreaterThanOrEqual(0);
    expect([json < drift, drift < bump, bump < pr]).toEqual([true, true, true]);
    expect(steps[bump]!.if).toBe("steps.drift.outputs.code == '1'");
  });

  it('commits the version, the lockfile, the changelog and a changeset with the pull request', () => {
    const pr = steps.find((s) => s.uses?.startsWith('peter-evans/create-pull-request@'))!;
    const paths = pr.with!['add-paths']!.trim().split('\n');
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'CHANGELOG.md',
        '.changeset/**',
      ]),
    );
  });
});

describe('the two steps’ shell, run for real', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'feather-bump-workflow-'));
    for (const entry of ['spec', 'scripts', 'common', 'src', 'generated', 'redocly.yaml'])
      await cp(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
    // Copied, not linked: the bump rewrites it.
    await cp(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function bash(
    script: string,
    env: Record<string, string>,
  ): Promise<{ code: number | null; output: string }> {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
    );
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: dir,
        env: { ...clean, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, output }));
    });
  }

  it('an upstream that removed an operation: the version goes major and CHANGELOG.md names it', async () => {
    const doc = JSON.parse(await readFile(path.join(dir, 'generated', 'openapi.json'), 'utf8'));
    const [removed] = Object.keys(doc.paths) as [string];
    delete doc.paths[removed];
    const against = path.join(dir, 'upstream.json');
    await writeFile(against, JSON.stringify(doc));
    const env = { AGAINST: against, JSON_REPORT: path.join(dir, 'drift-report.json') };
    const json = await bash(steps.find((s) => s.name === JSON_STEP)!.run!, env);
    expect(json.code, json.output).toBe(0);
    const bumped = await bash(steps.find((s) => s.name === BUMP_STEP)!.run!, env);
    expect(bumped.code, bumped.output).toBe(0);
    const version = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'))
      .version as string;
    const major = `${Number(version.split('.')[0]) + 1}.0.0`;
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).version).toBe(major);
    const changelog = await readFile(path.join(dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      new RegExp(`^# Changelog\\n\\n## ${major.replaceAll('.', '\\.')}\\n`),
    );
    expect(changelog).toContain(`${removed}`);
  }, 300_000);
});
