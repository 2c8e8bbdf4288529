/**
 * `npm run generate`: spec/ -> generated/. Builds everything in memory (scripts/pipeline/pipeline.ts),
 * then replaces generated/ whole, and only when something differs. A stamp of the inputs and
 * outputs lets an unchanged re-run stop before loading any of the heavy tools.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_COULD_NOT_RUN, EXIT_OK } from '../lib/errors.ts';
import { recoverInterruptedSwap, replaceDirectory } from '../lib/fs-atomic.ts';
import {
  DEFAULT_PATHS,
  formatSteps,
  type BuildOptions,
  type BuildResult,
  type PipelinePaths,
} from '../pipeline/pipeline.ts';
import {
  STAMP_FILE,
  currentInputs,
  outputsHashes,
  renderStamp,
  stampStillHolds,
  type Inputs,
} from '../pipeline/stamp.ts';

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
  const { buildGenerated } = await import('../pipeline/pipeline.ts');
  const result = await buildGenerated(paths, inputs.specFiles, inputs.specBytes, options);
  await addStamp(result.files, inputs.inputs);
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
    (await stampStillHolds(outDir, inputs.inputs))
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

const USAGE =
  'usage: npm run generate [-- [--force] [--remove-name NAME]... [--remove-gone-names]]';

/** `--force`, and which locked names may be removed; an error message on bad arguments. */
export function parseGenerateArgs(
  argv: readonly string[],
): { force: boolean; options: BuildOptions } | { error: string } {
  let force = false;
  const names: string[] = [];
  let allGone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    else if (arg === '--force') force = true;
    else if (arg === '--remove-gone-names') allGone = true;
    else if (arg.startsWith('--remove-name=')) names.push(arg.slice('--remove-name='.length));
    else if (arg === '--remove-name' && argv[i + 1] && !argv[i + 1]!.startsWith('--'))
      names.push(argv[++i]!);
    else return { error: `unknown or incomplete argument ${arg}; ${USAGE}` };
  }
  const removeNames = allGone ? 'all-gone' : names.length > 0 ? names : undefined;
  return { force, options: removeNames ? { removeNames } : {} };
}

export async function generateCommand(argv: string[]): Promise<number> {
  const parsed = parseGenerateArgs(argv);
  if ('error' in parsed) {
    console.error(parsed.error);
    return EXIT_COULD_NOT_RUN;
  }
  const started = performance.now();
  const result = await generate(DEFAULT_PATHS, parsed.force, parsed.options);
  const total = `${Math.round(performance.now() - started)} ms`;
  if (result.skipped) {
    console.log(
      `generate: nothing changed in spec/, config or generator; generated/ is current (${total})`,
    );
    return EXIT_OK;
  }
  const build = result.build!;
  console.log(`generate: spec/ -> generated/`);
  console.log(formatSteps(build));
  console.log(
    result.changed.length === 0
      ? `done: generated/ already matched; nothing written (${total})`
      : `done: wrote ${result.changed.join(', ')} (${total})`,
  );
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(generateCommand);
