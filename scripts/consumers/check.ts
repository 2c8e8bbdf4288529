/**
 * `drift --consumers`: what an upstream change breaks in this workspace. Regenerates the package
 * from the other side into a temporary copy (spec/ rewritten as `--update-spec` would, operations
 * gone upstream dropped, gone names released), then type-checks every workspace member that
 * depends on the package against the copy's types, each with its own tsconfig, and ties each
 * place that stops compiling to its drift cause.
 */
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DriftReport } from '../../src/drift/index.ts';
import { attributeSites, type ConsumerBreak } from './attribute.ts';
import { findDependents } from './workspace.ts';

export interface DependentResult {
  name: string;
  /** Relative to the workspace root. */
  dir: string;
  /** False when it could not be type-checked (no tsconfig.json): `note` says why. */
  checked: boolean;
  note?: string;
  breaks: ConsumerBreak[];
}

export interface ConsumersReport {
  /** The workspace root, absolute. */
  root: string;
  dependents: DependentResult[];
  /** Call sites and imports that stop compiling, all dependents together. */
  breaks: number;
  /** Wall time of the regeneration and of the type checks. */
  ms: { regenerate: number; typecheck: number };
}

/** Copied into the temporary tree: what the pipeline reads and what the types are built from. */
const COPIED = ['spec', 'generated', 'src', 'common', 'redocly.yaml'];

/**
 * Regenerates into a temporary copy of `root` and type-checks the dependents. `rewriteSpec`
 * rewrites the copy's spec/ from the other side and lists the files whose operation is gone
 * (`updateSpecFiles`). Undefined when `root` is in no workspace.
 */
export async function checkConsumers(options: {
  root: string;
  report: DriftReport;
  rewriteSpec: (tempRoot: string) => Promise<{ gone: string[] }>;
}): Promise<ConsumersReport | undefined> {
  const text = await readFile(path.join(options.root, 'package.json'), 'utf8').catch(() => '');
  const name = /"name"\s*:/.test(text) ? (JSON.parse(text) as { name?: unknown }).name : undefined;
  if (typeof name !== 'string') return undefined; // not a package: no workspace to be in
  const manifest = { name };
  const workspace = await findDependents(options.root, manifest.name);
  if (workspace === undefined) return undefined;
  // Inside the package (its ignored .tmp/), so that the copy's imports (openapi-fetch) resolve
  // as the package's own do: up its node_modules folders, or through Plug'n'Play.
  await mkdir(path.join(options.root, '.tmp'), { recursive: true });
  const temp = await mkdtemp(path.join(options.root, '.tmp', 'consumers-'));
  try {
    const started = performance.now();
    for (const entry of COPIED)
      await cp(path.join(options.root, entry), path.join(temp, entry), { recursive: true });
    const { gone } = await options.rewriteSpec(temp);
    for (const file of gone) await rm(path.join(temp, file));
    const [{ currentInputs }, { buildGenerated }, { replaceDirectory }] = await Promise.all([
      import('../pipeline/stamp.ts'),
      import('../pipeline/pipeline.ts'),
      import('../lib/fs-atomic.ts'),
    ]);
    const paths = { root: temp, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' };
    const inputs = await currentInputs(paths);
    const build = await buildGenerated(paths, inputs.specFiles, inputs.specBytes, {
      removeNames: 'all-gone',
    });
    await replaceDirectory(path.join(temp, 'generated'), build.files);
    const regenerated = performance.now();

    const { breakingSites } = await import('./typecheck.ts');
    const cache = new Map();
    const relative = (file: string): string =>
      path.relative(workspace.root, file).split(path.sep).join('/');
    const dependents: DependentResult[] = workspace.dependents.map((dependent) => {
      const base = { name: dependent.name, dir: relative(dependent.dir) };
      if (dependent.tsconfig === undefined)
        return { ...base, checked: false, note: 'no tsconfig.json: not type-checked', breaks: [] };
      const result = breakingSites({
        tsconfig: dependent.tsconfig,
        packageName: manifest.name,
        pinnedEntry: path.join(options.root, 'src', 'index.ts'),
        nextEntry: path.join(temp, 'src', 'index.ts'),
        cache,
      });
      if (!result.checked) return { ...base, checked: false, note: result.reason, breaks: [] };
      return {
        ...base,
        checked: true,
        breaks: attributeSites(result.sites, options.report.causes, relative),
      };
    });
    return {
      root: workspace.root,
      dependents,
      breaks: dependents.reduce((n, d) => n + d.breaks.length, 0),
      ms: {
        regenerate: Math.round(regenerated - started),
        typecheck: Math.round(performance.now() - regenerated),
      },
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
