/**
 * The fast path of `generate`: a hash of everything the output depends on (spec files, lint
 * config, the generator's own code, tool versions) and of every generated file. When both still
 * match, nothing can have changed, and nothing heavy needs to load.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The file, inside `generated/`, that holds the stamp. */
export const STAMP_FILE = '.stamp.json';

/** Code whose change changes the output: the generator itself (keep in step with its imports). */
const GENERATOR_DIRS = [
  'scripts/lib',
  'scripts/generate.ts',
  'scripts/pipeline.ts',
  'scripts/render.ts',
  'scripts/join.ts',
  'scripts/lint.ts',
  'scripts/typegen.ts',
  'scripts/aliases.ts',
  'scripts/parameter-rules.ts',
  'scripts/stamp.ts',
  'src/canonical.ts',
];
/** Packages whose version changes the output. */
const GENERATOR_PACKAGES = [
  'openapi-typescript',
  'prettier',
  '@redocly/openapi-core',
  'typescript',
];

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
    .filter((item) => item.isFile() && item.name.endsWith('.ts'))
    .map((item) => path.relative(root, path.join(item.parentPath, item.name)))
    .sort();
}

/** Hash of every input of the generator, given the spec files (relative paths) to include. */
export async function inputsHash(
  root: string,
  specFiles: readonly string[],
  configFile: string,
): Promise<string> {
  const hash = createHash('sha256');
  const generatorFiles = (
    await Promise.all(GENERATOR_DIRS.map((entry) => filesBelow(root, entry)))
  ).flat();
  for (const file of [...specFiles, configFile, ...generatorFiles]) {
    const content = await readFile(path.join(root, file)).catch(() => Buffer.from('<missing>'));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  for (const name of GENERATOR_PACKAGES) {
    const manifest = await readFile(
      path.join(root, 'node_modules', name, 'package.json'),
      'utf8',
    ).catch(() => '{}');
    hash.update(`${name}@${(JSON.parse(manifest) as { version?: string }).version ?? '?'}\0`);
  }
  return hash.digest('hex');
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
