/**
 * `npm run build`: src/index.ts and everything it imports (generated/ included) -> dist/ with
 * `tsc -p tsconfig.build.json`: ES modules, `.d.ts`, source maps, trimmed of what no consumer
 * needs (scripts/build/dist-trim.ts). tsc rewrites our `./x.ts` imports to `./x.js` in the
 * JavaScript only (microsoft/TypeScript#61037), so the declarations get the same rewrite here:
 * editors and other tools that read `.d.ts` files expect specifiers naming files that exist.
 *
 * `build.ts --prepare` is npm's `prepare` (every `npm install`/`npm ci` here or at a workspace
 * root, through scripts/commands/prepare.mjs): it skips the build when dist/ is already built
 * from the same inputs, and skips the type check (`npm run check` does it). `build.ts --pack` is
 * npm's `prepack`: the build, then the package.json to pack (scripts/build/packed-manifest.ts);
 * `build.ts --after-pack`, npm's `postpack`, puts the repository's package.json back.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runNode } from '../lib/child.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { trimDist } from '../build/dist-trim.ts';
import { restoreManifest, writePackedManifest } from '../build/packed-manifest.ts';
import { packageBin, packageVersion } from '../lib/packages.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the build reads: a change to any of these makes `--prepare` build again. */
const BUILD_INPUTS = [
  'common',
  'src',
  'generated',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'scripts/commands/build.ts',
  'scripts/build/dist-trim.ts',
];
/**
 * Where the build records what dist/ was built from, for `--prepare`: in the package's own
 * ignored .tmp/ (not node_modules/.cache: tests link node_modules into temporary copies).
 */
export const PREPARE_STAMP = path.join('.tmp', 'build-stamp.json');

/** `from '../x.ts'`, `import('../../y.ts')`: a relative specifier ending in `.ts` (not `.d.ts`). */
const RELATIVE_TS_SPECIFIER = /(\b(?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)(?<!\.d)\.ts\2/g;

/** The declaration text with each relative `.ts` specifier ending in `.js` instead. */
export function rewriteDeclarationSpecifiers(text: string): string {
  return text.replace(RELATIVE_TS_SPECIFIER, '$1$2$3.js$2');
}

/** Relative `.ts` specifiers left in a declaration (empty once rewritten). */
export function relativeTsSpecifiers(text: string): string[] {
  return [...text.matchAll(RELATIVE_TS_SPECIFIER)].map((match) => `${match[3]}.ts`);
}

export interface BuildSummary {
  files: number;
  declarations: number;
  /** Files tsc wrote that the trim removed (type-only JS, maps of generated modules). */
  removed: number;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Compiles into `<root>/dist` (emptied first), rewrites the declarations and trims the output.
 * `typeCheck: false` passes `--noCheck` (same output for code that type-checks, about a third
 * of the time).
 */
export async function build(
  root = ROOT,
  options: { typeCheck?: boolean } = {},
): Promise<BuildSummary> {
  const outDir = path.join(root, 'dist');
  await rm(outDir, { recursive: true, force: true });
  const tsc = packageBin('typescript', 'tsc');
  const args = [tsc, '-p', 'tsconfig.build.json', '--pretty', 'false'];
  if (options.typeCheck === false) args.push('--noCheck');
  const { code, output } = await runNode(args, { cwd: root });
  if (code !== 0) {
    throw new PipelineError(
      `tsc -p tsconfig.build.json failed (exit ${code}); nothing was written:\n${output.trim()}`,
      [],
      EXIT_CHECK_FAILED,
    );
  }
  for (const file of (await filesBelow(outDir)).filter((name) => name.endsWith('.d.ts'))) {
    const text = await readFile(file, 'utf8');
    const rewritten = rewriteDeclarationSpecifiers(text);
    if (rewritten !== text) await writeFile(file, rewritten);
  }
  const { removed } = await trimDist(outDir);
  const files = await filesBelow(outDir);
  // What dist/ is built from, so that `prepare` (on `npm install` here) skips a current dist/.
  const stampFile = path.join(root, PREPARE_STAMP);
  await mkdir(path.dirname(stampFile), { recursive: true });
  await writeFile(stampFile, JSON.stringify(await buildHashes(root)));
  return {
    files: files.length,
    declarations: files.filter((file) => file.endsWith('.d.ts')).length,
    removed: removed.length,
  };
}

/** Hash of the build's inputs and the TypeScript version, and of what dist/ holds now. */
export async function buildHashes(root = ROOT): Promise<{ inputs: string; dist: string }> {
  const hashFiles = async (files: string[], hash = createHash('sha256')): Promise<string> => {
    for (const file of files) {
      const content = await readFile(file).catch(() => Buffer.from('<missing>'));
      hash.update(`${path.relative(root, file)}\0${content.length}\0`).update(content);
    }
    return hash.digest('hex');
  };
  const inputs: string[] = [];
  for (const entry of BUILD_INPUTS) {
    const full = path.join(root, entry);
    const below = await filesBelow(full);
    inputs.push(...(below.length > 0 ? below : [full]));
  }
  const versioned = createHash('sha256').update(`typescript@${packageVersion('typescript')}\0`);
  return {
    inputs: await hashFiles(inputs, versioned),
    dist: await hashFiles(await filesBelow(path.join(root, 'dist'))),
  };
}

/** How to build this package by hand, from here or from a workspace root. */
function buildHint(root: string): string {
  const name = process.env['npm_package_name'] ?? '@featherhq/api-client';
  return `run \`npm run build\` in ${ROOT} (from a workspace root: \`npm run build -w ${name}\`)`;
}

/**
 * npm's `prepare`: build unless dist/ is current. A failure exits 1 naming what to run: npm
 * prints a lifecycle script's output only when it fails, and a sibling would otherwise meet a
 * bare "Cannot find module" later.
 */
export async function prepareCommand(root = ROOT): Promise<number> {
  const stampFile = path.join(root, PREPARE_STAMP);
  const before = await buildHashes(root);
  const stamp = await readFile(stampFile, 'utf8').catch(() => '');
  if (stamp === JSON.stringify(before)) {
    console.log('prepare: dist/ is current (built from the same sources), not rebuilt');
    return EXIT_OK;
  }
  let files: number;
  try {
    ({ files } = await build(root, { typeCheck: false }));
  } catch (error) {
    throw new PipelineError(
      `prepare: dist/ could not be built, so importing this package fails until it is. Fix the ` +
        `error below, then ${buildHint(root)}.\n${(error as Error).message}`,
      [],
      EXIT_CHECK_FAILED,
    );
  }
  console.log(`prepare: built dist/ (${files} files); \`npm run check\` type-checks the sources`);
  return EXIT_OK;
}

export async function buildCommand(argv: string[]): Promise<number> {
  let values: { prepare?: boolean; pack?: boolean; 'after-pack'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        prepare: { type: 'boolean' },
        pack: { type: 'boolean' },
        'after-pack': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PipelineError(
      `${(error as Error).message}\nusage: npm run build [-- --prepare | --pack | --after-pack]`,
    );
  }
  if (values.prepare) return prepareCommand();
  if (values['after-pack']) {
    if (await restoreManifest(ROOT)) console.log('build: package.json put back after packing');
    return EXIT_OK;
  }
  const { files, declarations, removed } = await build();
  console.log(
    `build: dist/ (${files} files, ${declarations} declarations; ${removed} not needed at run ` +
      'time left out) from src/index.ts',
  );
  if (values.pack) {
    await writePackedManifest(ROOT);
    console.log('build: package.json packed without its scripts (postpack puts it back)');
  }
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(buildCommand);
