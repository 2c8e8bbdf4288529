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

/**
 * A temp root with `spec/` from `specFrom` (default: the real spec/) and generated/ as committed.
 * The name lock comes along only with the real spec/: it records the names of that spec, and a
 * fixture's spec would lose them (which generate rightly refuses).
 */
export async function makeWorkspace(specFrom = path.join(REPO_ROOT, 'spec')): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'feather-pipeline-'));
  await cp(specFrom, path.join(root, 'spec'), { recursive: true });
  const realSpec = path.resolve(specFrom) === path.join(REPO_ROOT, 'spec');
  await cp(path.join(REPO_ROOT, 'generated'), path.join(root, 'generated'), {
    recursive: true,
    filter: (source) => realSpec || path.basename(source) !== 'names.lock.json',
  });
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

/**
 * What the pipeline must report for the spec/ below `root`, counted from the input itself:
 * documents, distinct operations and component schemas, and the aliases the lock names.
 */
export async function expectedCounts(
  root: string,
): Promise<{ documents: number; operations: number; schemas: number; aliases: number }> {
  const { listSpecFiles } = await import('../../scripts/lib/spec-list.ts');
  const { readSpecFile } = await import('../../scripts/lib/spec-files.ts');
  const files = await listSpecFiles('spec', root);
  const operations = new Set<string>();
  const schemas = new Set<string>();
  for (const file of files) {
    const { doc } = await readSpecFile(file, root);
    for (const [route, item] of Object.entries((doc.paths ?? {}) as Record<string, object>))
      for (const method of Object.keys(item)) operations.add(`${method} ${route}`);
    const components = (doc.components ?? {}) as { schemas?: object };
    for (const name of Object.keys(components.schemas ?? {})) schemas.add(name);
  }
  const lock = JSON.parse(
    await readFile(path.join(REPO_ROOT, 'generated', 'names.lock.json'), 'utf8'),
  ) as { names: object };
  return {
    documents: files.length,
    operations: operations.size,
    schemas: schemas.size,
    // The lock also holds the operation functions' names (`operation:<id>:function`).
    aliases: Object.values(lock.names).filter((key) => !String(key).endsWith(':function')).length,
  };
}
