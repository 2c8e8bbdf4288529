/**
 * `npm run check:package` (part of `npm run check`): packs the package as `npm publish` would
 * (the `prepack` script builds dist/ first), then checks the tarball: exactly the files a
 * consumer needs, and publint and @arethetypeswrong/cli (ESM-only profile) without a complaint.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { packageBin } from '../lib/packages.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the published package may depend on at run time: nothing but openapi-fetch. */
export const RUNTIME_DEPENDENCIES: readonly string[] = [
  '@cfworker/json-schema',
  'eventsource-parser',
  'openapi-fetch',
  // Types only: the client's method signature names openapi-fetch's own helpers (src/client/client.ts).
  'openapi-typescript-helpers',
];
/** Files npm adds on its own, next to `files` (dist/). */
const TOP_LEVEL_FILES = /^(package\.json|README\.md|LICENSE(\.md|\.txt)?)$/;

/** The parts of package.json that decide what a consumer gets. */
export interface PackageManifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PackedTarball {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[];
}

interface Run {
  code: number | null;
  stdout: string;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** Runs a command to completion, collecting stdout and stderr together. */
export function run(command: string, args: string[], cwd: string, env = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, output }));
  });
}

/** The npm CLI that runs this script (`npm_execpath`), so `npm pack` matches `npm run`'s npm. */
function npmCommand(): { command: string; prefix: string[] } {
  const execpath = process.env['npm_execpath'];
  if (execpath && /npm-cli\.js$/.test(execpath))
    return { command: process.execPath, prefix: [execpath] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', prefix: [] };
}

/** Runs npm with `args` in `cwd`. */
export function runNpm(args: string[], cwd: string): Promise<Run> {
  const { command, prefix } = npmCommand();
  return run(command, [...prefix, ...args], cwd);
}

/** `npm pack` into `destination` (which runs `prepack`, the build); the tarball and its file list. */
export async function packTarball(destination: string, root = ROOT): Promise<PackedTarball> {
  const packed = await runNpm(['pack', '--json', '--pack-destination', destination], root);
  // The prepack build may print before npm's JSON: parse from the last line that opens an array.
  const start = packed.stdout.search(/^\[\s*$(?![\s\S]*^\[\s*$)/m);
  if (packed.code !== 0 || start === -1) {
    throw new PipelineError(`npm pack failed (exit ${packed.code}) in ${root}:\n${packed.output}`);
  }
  const [result] = JSON.parse(packed.stdout.slice(start)) as [
    { filename: string; files: { path: string }[] },
  ];
  return {
    tarball: path.join(destination, result.filename),
    files: result.files.map((file) => file.path).sort(),
  };
}

/** Every path named by `main`, `types` and the `exports` map (conditions and subpaths). */
export function manifestTargets(manifest: PackageManifest): string[] {
  const targets: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(manifest.exports);
  if (manifest.main) targets.push(manifest.main);
  if (manifest.types) targets.push(manifest.types);
  return [...new Set(targets.map((target) => path.posix.normalize(target)))];
}

/**
 * What is wrong with a tarball's contents, one line each (empty when nothing is): files outside
 * dist/ other than package.json/README/LICENSE, anything in dist/ that is not emitted JS, a
 * declaration, a source map or JSON the code imports, a module without its `.d.ts` (or, outside
 * dist/generated/, its map), a manifest target missing from the tarball, a runtime dependency
 * other than {@link RUNTIME_DEPENDENCIES}.
 */
export function tarballProblems(files: readonly string[], manifest: PackageManifest): string[] {
  const problems: string[] = [];
  const present = new Set(files);
  for (const file of files) {
    if (TOP_LEVEL_FILES.test(file)) continue;
    if (!file.startsWith('dist/')) {
      problems.push(`${file}: outside dist/; consumers need only dist/ (check "files")`);
    } else if (/\.(test|test-d|spec)\.|^dist\/(test|scripts|examples)\//.test(file)) {
      problems.push(`${file}: test or tooling code in the package (check tsconfig.build.json)`);
    } else if (!/\.(js|d\.ts|js\.map|json)$/.test(file)) {
      // .json: data the code imports (the joined spec, for the runtime drift check).
      problems.push(`${file}: not emitted JS, a declaration, a source map or imported JSON`);
    } else if (file.endsWith('.js')) {
      // Handwritten modules keep their map; generated data needs none (scripts/build/dist-trim.ts).
      const siblings = [`${file.slice(0, -'.js'.length)}.d.ts`];
      if (!file.startsWith('dist/generated/')) siblings.push(`${file}.map`);
      for (const sibling of siblings) {
        if (!present.has(sibling)) problems.push(`${file}: no ${sibling} beside it`);
      }
    }
  }
  for (const target of manifestTargets(manifest)) {
    if (!present.has(target)) {
      problems.push(`package.json points at ${target}, which is not in the tarball`);
    }
  }
  const dependencies = Object.keys(manifest.dependencies ?? {}).sort();
  if (dependencies.join() !== [...RUNTIME_DEPENDENCIES].sort().join()) {
    problems.push(
      `runtime dependencies are [${dependencies.join(', ')}]; expected only [${RUNTIME_DEPENDENCIES.join(', ')}]`,
    );
  }
  return problems;
}

/**
 * What is wrong with the package.json inside the tarball: scripts kept (they run scripts/ and dev
 * tools, not shipped; npm 11 warns on installing a tarball with `prepare`).
 */
export function packedManifestProblems(packed: { scripts?: Record<string, string> }): string[] {
  const names = Object.keys(packed.scripts ?? {});
  if (names.length === 0) return [];
  return [
    `package.json in the tarball keeps scripts (${names.join(', ')}), which run files it does not ship (check prepack: scripts/build/packed-manifest.ts)`,
  ];
}

/** The package.json inside a tarball, read with tar. */
async function readPackedManifest(tarball: string): Promise<{ scripts?: Record<string, string> }> {
  const read = await run('tar', ['-xOzf', tarball, 'package/package.json'], path.dirname(tarball));
  if (read.code !== 0) {
    throw new PipelineError(`tar could not read package/package.json:\n${read.output}`, [
      { file: tarball },
    ]);
  }
  return JSON.parse(read.stdout) as { scripts?: Record<string, string> };
}

export interface LintResult {
  tool: string;
  ok: boolean;
  output: string;
}

/** publint (warnings count as errors) and attw (ESM-only: `require` needs Node 20.19+) on a tarball. */
export async function lintTarball(tarball: string): Promise<LintResult[]> {
  const cwd = path.dirname(tarball);
  const [publint, attw] = await Promise.all([
    run(process.execPath, [packageBin('publint', 'publint'), 'run', tarball, '--strict'], cwd),
    run(
      process.execPath,
      [packageBin('@arethetypeswrong/cli', 'attw'), tarball, '--profile', 'esm-only', '--no-color'],
      cwd,
    ),
  ]);
  return [
    { tool: 'publint', ok: publint.code === 0, output: publint.output.trim() },
    { tool: 'attw', ok: attw.code === 0, output: attw.output.trim() },
  ];
}

export async function checkPackageCommand(): Promise<number> {
  const destination = await mkdtemp(path.join(tmpdir(), 'feather-pack-'));
  try {
    const { tarball, files } = await packTarball(destination);
    const manifest = JSON.parse(
      await readFile(path.join(ROOT, 'package.json'), 'utf8'),
    ) as PackageManifest;
    const problems = [
      ...tarballProblems(files, manifest),
      ...packedManifestProblems(await readPackedManifest(tarball)),
    ];
    console.log(`check:package: ${path.basename(tarball)}, ${files.length} files`);
    for (const problem of problems) console.error(`error: ${problem}`);
    const lints = await lintTarball(tarball);
    for (const lint of lints) {
      if (lint.ok) console.log(`check:package: ${lint.tool} passed`);
      else console.error(`error: ${lint.tool} failed:\n${lint.output}`);
    }
    return problems.length === 0 && lints.every((lint) => lint.ok) ? EXIT_OK : EXIT_CHECK_FAILED;
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(checkPackageCommand);
