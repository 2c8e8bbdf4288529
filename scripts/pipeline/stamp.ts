/**
 * The fast path of `generate`: a hash of everything the output depends on (spec files, lint
 * config, the generator's own code, tool versions) and of every generated file. When both still
 * match, nothing can have changed, and nothing heavy needs to load.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { mapWithConcurrency } from '../lib/concurrency.ts';
import { packageVersion } from '../lib/packages.ts';
import { readSpecBytes } from '../lib/spec-limits.ts';
import { listSpecFiles } from '../lib/spec-list.ts';
import type { PipelinePaths } from './pipeline.ts';

/** The file, inside `generated/`, that holds the stamp. */
export const STAMP_FILE = '.stamp.json';

/**
 * Code whose change changes the output: the whole generator (every `.ts` and `.mjs` below these
 * folders), so a new pipeline module is hashed without a list to keep in step.
 */
const GENERATOR_DIRS = ['scripts/pipeline', 'scripts/lib', 'common'];
/** Packages whose version changes the output. */
const GENERATOR_PACKAGES = ['openapi-typescript', '@redocly/openapi-core', 'typescript'];

export interface Stamp {
  inputs: string;
  outputs: Record<string, string>;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function filesBelow(root: string, entry: string): Promise<string[]> {
  const full = path.join(root, entry);
  if (entry.endsWith('.ts')) return [entry];
  const found = await readdir(full, { recursive: true, withFileTypes: true }).catch(() => []);
  return found
    .filter((item) => item.isFile() && /\.(ts|mjs)$/.test(item.name))
    .map((item) => path.relative(root, path.join(item.parentPath, item.name)))
    .sort();
}

/**
 * Hash of every input of the generator, given the spec files (relative paths) to include. With
 * `specBytes`, spec files are hashed from those bytes (the ones the build reads), not re-read.
 */
export async function inputsHash(
  root: string,
  specFiles: readonly string[],
  configFile: string,
  specBytes?: ReadonlyMap<string, Uint8Array>,
): Promise<string> {
  const hash = createHash('sha256');
  const generatorFiles = (
    await Promise.all(GENERATOR_DIRS.map((entry) => filesBelow(root, entry)))
  ).flat();
  for (const file of [...specFiles, configFile, ...generatorFiles]) {
    const content =
      specBytes?.get(file) ??
      (await readFile(path.join(root, file)).catch(() => Buffer.from('<missing>')));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  // Versions, not install paths: the stamp is the same in a workspace with hoisted packages.
  for (const name of GENERATOR_PACKAGES) hash.update(`${name}@${packageVersion(name)}\u0000`);
  return hash.digest('hex');
}

/** Spec files read at the same time. */
const SPEC_READ_CONCURRENCY = 32;

/** The spec files as read once, and the hash of everything the output depends on. */
export interface Inputs {
  specFiles: string[];
  /** Each spec file's bytes: what is hashed is what is built, even if a file changes meanwhile. */
  specBytes: Map<string, Uint8Array>;
  /** The hash of every input (spec files, config, generator code, tool versions). */
  hash: string;
}

/**
 * Lists and reads spec/ (within the size limit) and hashes the inputs: what `generate` checks the
 * stamp against, and what `drift` reads the pinned side from.
 */
export async function currentInputs(paths: PipelinePaths): Promise<Inputs> {
  const specFiles = await listSpecFiles(paths.specDir, paths.root);
  // Many at a time: one after another, 617 pages waited ~0.1 s on the file system alone.
  const bytes = await mapWithConcurrency(specFiles, SPEC_READ_CONCURRENCY, (file) =>
    readSpecBytes(file, paths.root),
  );
  const specBytes = new Map<string, Uint8Array>(specFiles.map((file, i) => [file, bytes[i]!]));
  const hash = await inputsHash(paths.root, specFiles, paths.configFile, specBytes);
  return { specFiles, specBytes, hash };
}

/** Hash of each output file's content. */
export function outputsHashes(files: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...files]
      .filter(([name]) => name !== STAMP_FILE)
      .sort()
      .map(([name, text]) => [name, sha256(text)]),
  );
}

export function renderStamp(stamp: Stamp): string {
  return `${JSON.stringify(stamp, null, 2)}\n`;
}

/**
 * True when `outDir` holds exactly the files the stamp lists, with the listed hashes, and the
 * stamp's inputs hash is `inputs`.
 */
export async function stampStillHolds(outDir: string, inputs: string): Promise<boolean> {
  const text = await readFile(path.join(outDir, STAMP_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  let stamp: Stamp;
  try {
    stamp = JSON.parse(text) as Stamp;
  } catch {
    return false;
  }
  if (stamp.inputs !== inputs) return false;
  const present = (await readdir(outDir, { recursive: true, withFileTypes: true }))
    .filter((item) => item.isFile())
    .map((item) => path.relative(outDir, path.join(item.parentPath, item.name)))
    .filter((name) => name !== STAMP_FILE)
    .sort();
  const listed = Object.keys(stamp.outputs).sort();
  if (present.join('\n') !== listed.join('\n')) return false;
  for (const name of listed) {
    const content = await readFile(path.join(outDir, name));
    if (sha256(content) !== stamp.outputs[name]) return false;
  }
  return true;
}
