import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { packageBin } from '../../../scripts/lib/packages.ts';
import {
  FIXTURES,
  expectedCounts,
  REPO_ROOT,
  makeWorkspace,
  snapshotDir,
  type Workspace,
} from '../../helpers/workspace.ts';

const run = promisify(execFile);
/** tsx's CLI, found by module resolution (hoisted in a workspace), run with this node. */
const TSX = packageBin('tsx');
/** What the npm scripts run: a command's cached bundle (scripts/run.mjs). */
const RUN = path.join(REPO_ROOT, 'scripts', 'run.mjs');

/** Runs a pipeline script as a user would, in `cwd`, and returns its exit code and output. */
async function runScript(
  script: string,
  cwd: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [RUN, script.replace(/\.ts$/, ''), ...args],
      {
        cwd,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.remove();
  workspace = undefined;
});

describe('generate, as a command', () => {
  it('prints the step list with counts, then says an unchanged re-run wrote nothing', async () => {
    workspace = await makeWorkspace();
    const first = await runScript('generate.ts', workspace.root, ['--force']);
    expect(first.code).toBe(0);
    const counts = await expectedCounts(workspace.root);
    expect(first.stdout).toMatch(new RegExp(`1\\. read\\s+${counts.documents} documents`));
    expect(first.stdout).toMatch(
      new RegExp(`2\\. join\\s+${counts.operations} operations, ${counts.schemas} schemas`),
    );
    expect(first.stdout).toMatch(/3\. lint\s+0 errors, \d+ warnings/);
    expect(first.stdout).toMatch(new RegExp(`\\+ ${counts.aliases} aliases`));
    const second = await runScript('generate.ts', workspace.root);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/nothing changed .* generated\/ is current/);
  });

  it('exits 2 on invalid YAML, naming file and line, and leaves generated/ untouched', async () => {
    workspace = await makeWorkspace(path.join(FIXTURES, 'pipeline', 'invalid-yaml', 'spec'));
    const before = await snapshotDir(path.join(workspace.root, 'generated'));
    const result = await runScript('generate.ts', workspace.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: spec\/broken\.yaml:12:\d+: invalid YAML/m);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack
    expect(await snapshotDir(path.join(workspace.root, 'generated'))).toEqual(before);
  });

  it('exits 1 on a lint error', async () => {
    workspace = await makeWorkspace(
      path.join(FIXTURES, 'pipeline', 'lint-missing-success-schema', 'spec'),
    );
    const result = await runScript('generate.ts', workspace.root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /spec\/getToolReliabilityTimeoutAnalysis\.yaml:\d+:\d+ .* error rule\/success-response-has-schema/,
    );
  });

  it('check exits 1 naming the stale file', async () => {
    workspace = await makeWorkspace();
    await runScript('generate.ts', workspace.root, ['--force']);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(workspace.root, 'generated', 'schema.ts'), '// edited by hand\n');
    const result = await runScript('check.ts', workspace.root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /generated\/ is not what `npm run generate` would write[\s\S]*generated\/schema\.ts/,
    );
  });
});

describe('scripts reached through a symlink', () => {
  it('still run', async () => {
    const { symlink } = await import('node:fs/promises');
    workspace = await makeWorkspace();
    await symlink(path.join(REPO_ROOT, 'scripts'), path.join(workspace.root, 'linked-scripts'));
    const { stdout } = await run(
      process.execPath,
      [TSX, path.join(workspace.root, 'linked-scripts', 'commands', 'generate.ts')],
      {
        cwd: workspace.root,
      },
    );
    expect(stdout).toMatch(/generate: /);
    const launched = await run(
      process.execPath,
      [path.join(workspace.root, 'linked-scripts', 'run.mjs'), 'generate'],
      { cwd: workspace.root },
    );
    expect(launched.stdout).toMatch(/generate: /);
  });
});
