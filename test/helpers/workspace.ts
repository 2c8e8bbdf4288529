/**
 * Real directories for pipeline tests: a temporary repository root holding a fixture's spec/,
 * the real lint and prettier config, and a copy of the committed generated/ as "before".
 */
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelinePaths } from '../../scripts/pipeline/pipeline.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

export interface Workspace {
  root: string;
  paths: PipelinePaths;
  remove(): Promise<void>;
}

/** A temp root with `spec/` from `specFrom` (default: the real spec/) and generated/ as committed. */
export async function makeWorkspace(specFrom = path.join(REPO_ROOT, 'spec')): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'feather-pipeline-'));
  await cp(specFrom, path.join(root, 'spec'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'generated'), path.join(root, 'generated'), { recursive: true });
  for (const file of ['redocly.yaml', '.prettierrc.json'])
    await cp(path.join(REPO_ROOT, file), path.join(root, file));
  return {
    root,
    paths: { root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Every file below `dir` with its bytes, for "left exactly as it was" comparisons. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const snapshot: Record<string, string> = {};
  for (const entry of entries
    .filter((e) => e.isFile())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(entry.parentPath, entry.name);
    snapshot[path.relative(dir, full)] = await readFile(full, 'utf8');
  }
  return snapshot;
}
