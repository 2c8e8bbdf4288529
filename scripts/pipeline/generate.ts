/**
 * spec/ -> generated/: builds everything in memory (./pipeline.ts), then replaces generated/
 * whole, and only when something differs. A stamp of the inputs and outputs (./stamp.ts) lets an
 * unchanged re-run stop before loading any of the heavy tools. `npm run generate` and
 * `npm run check` (scripts/commands/) both call it.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { recoverInterruptedSwap, replaceDirectory } from '../lib/fs-atomic.ts';
import {
  DEFAULT_PATHS,
  buildGenerated,
  type BuildOptions,
  type BuildResult,
  type PipelinePaths,
} from './pipeline.ts';
import {
  STAMP_FILE,
  currentInputs,
  outputsHashes,
  renderStamp,
  stampStillHolds,
  type Inputs,
} from './stamp.ts';

/** Builds the stamp for `files` and adds it to them. */
async function addStamp(files: Map<string, string>, inputs: string): Promise<void> {
  files.set(STAMP_FILE, renderStamp({ inputs, outputs: outputsHashes(files) }));
}

/** What is in `outDir` now, by file name, for comparison. */
async function readOutDir(
  outDir: string,
  names: Iterable<string>,
): Promise<Map<string, string | undefined>> {
  const present = await readdir(outDir, { recursive: true, withFileTypes: true }).catch(() => []);
  const all = new Set([
    ...names,
    ...present
      .filter((e) => e.isFile())
      .map((e) => path.relative(outDir, path.join(e.parentPath, e.name))),
  ]);
  const result = new Map<string, string | undefined>();
  for (const name of [...all].sort())
    result.set(name, await readFile(path.join(outDir, name), 'utf8').catch(() => undefined));
  return result;
}

/** Names of files that differ between what was built and what is on disk. */
export async function staleFiles(
  paths: PipelinePaths,
  built: ReadonlyMap<string, string>,
): Promise<string[]> {
  const onDisk = await readOutDir(path.join(paths.root, paths.outDir), built.keys());
  return [...onDisk]
    .filter(([name, text]) => built.get(name) !== text)
    .map(([name]) => `${paths.outDir}/${name}`);
}

/** Runs the pipeline on the bytes of `inputs` and adds the stamp for them to its files. */
async function buildStamped(
  paths: PipelinePaths,
  inputs: Inputs,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const result = await buildGenerated(paths, inputs.specFiles, inputs.specBytes, options);
  await addStamp(result.files, inputs.hash);
  return result;
}

/** Builds everything generate would write, stamp included. */
export async function expectedOutput(paths: PipelinePaths = DEFAULT_PATHS): Promise<BuildResult> {
  return buildStamped(paths, await currentInputs(paths));
}

export interface GenerateResult {
  /** True when the stamp showed nothing could have changed, so nothing was built. */
  skipped: boolean;
  changed: string[];
  build?: BuildResult;
}

/** Regenerates `generated/`, writing it (whole) only when something differs. */
export async function generate(
  paths: PipelinePaths = DEFAULT_PATHS,
  force = false,
  options: BuildOptions = {},
): Promise<GenerateResult> {
  const outDir = path.join(paths.root, paths.outDir);
  await recoverInterruptedSwap(outDir);
  const inputs = await currentInputs(paths);
  // The name lock is an input that the stamp covers as an output: when generated/ is as the
  // stamp left it, the lock is too. A removal is asked for explicitly, so it always builds.
  if (
    !force &&
    options.removeNames === undefined &&
    inputs.specFiles.length > 0 &&
    (await stampStillHolds(outDir, inputs.hash))
  ) {
    return { skipped: true, changed: [] };
  }
  const build = await buildStamped(paths, inputs, options);
  const changed = await staleFiles(paths, build.files);
  if (changed.length > 0) {
    const started = performance.now();
    await replaceDirectory(outDir, build.files);
    build.steps.push({
      step: 'write',
      detail: `${changed.length} files changed`,
      ms: performance.now() - started,
    });
  }
  return { skipped: false, changed, build };
}
