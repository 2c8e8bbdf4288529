/**
 * The workspace around this package and the members that depend on it: the root (the nearest
 * folder above with a package.json `workspaces` field, or a pnpm-workspace.yaml) and each member
 * whose dependencies, dev or peer dependencies name the package.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../lib/errors.ts';
import { decodeSpecBytes, readRegularFileWithin } from '../lib/spec-limits.ts';

export interface Dependent {
  name: string;
  /** Absolute folder of the member. */
  dir: string;
  /** Its tsconfig.json, or undefined when it has none (then it is not type-checked). */
  tsconfig?: string;
}

export interface Workspace {
  root: string;
  /** The members depending on the package, sorted by folder. */
  dependents: Dependent[];
}

interface Manifest {
  name?: string;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Largest package.json or pnpm-workspace.yaml read while looking for the workspace. */
const MAX_WORKSPACE_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A workspace file's text, read through readRegularFileWithin: a FIFO or device (which would
 * block or never end) is refused naming it, and the read stops past MAX_WORKSPACE_FILE_BYTES.
 * Undefined when it cannot be read otherwise (no such file), as before.
 */
async function readWorkspaceFile(file: string, give: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFileWithin(file, {
      give,
      tooLarge: (size) => {
        if (size > MAX_WORKSPACE_FILE_BYTES)
          throw new PipelineError(`larger than ${MAX_WORKSPACE_FILE_BYTES} bytes`, [{ file }]);
      },
    });
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    return undefined;
  }
  return decodeSpecBytes(file, bytes);
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  const text = await readWorkspaceFile(file, 'a package.json');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new PipelineError(`not valid JSON: ${(error as Error).message}`, [{ file }]);
  }
}

/** The `packages:` globs of a pnpm-workspace.yaml. */
async function pnpmPatterns(file: string): Promise<string[]> {
  const { parse } = await import('yaml');
  const text = await readWorkspaceFile(file, 'a pnpm-workspace.yaml');
  if (text === undefined) throw new PipelineError('cannot read it', [{ file }]);
  const parsed = parse(text) as { packages?: unknown } | null;
  const list = parsed?.packages;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}

/** The member globs of a workspace root, or undefined when `dir` is not one. */
async function memberPatterns(dir: string): Promise<string[] | undefined> {
  const pnpm = path.join(dir, 'pnpm-workspace.yaml');
  if (existsSync(pnpm)) return await pnpmPatterns(pnpm);
  const manifest = await readManifest(path.join(dir, 'package.json'));
  const workspaces = manifest?.workspaces;
  if (Array.isArray(workspaces)) return workspaces;
  if (workspaces && Array.isArray(workspaces.packages)) return workspaces.packages;
  return undefined;
}

/**
 * The folders a member glob names: `packages/*`, `apps/**` (any depth, node_modules skipped),
 * or a plain folder. A `!` pattern excludes. Nothing outside the root.
 */
async function expandPatterns(root: string, patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const excluded = new Set<string>();
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\.\//, '').replace(/\/+$/, '');
    const into = negated ? excluded : found;
    const starAt = pattern.search(/[*?[{]/);
    const base = path.resolve(root, starAt < 0 ? pattern : pattern.slice(0, starAt));
    if (path.relative(root, base).startsWith('..')) continue;
    if (starAt < 0) {
      into.add(base);
      continue;
    }
    const deep = pattern.includes('**');
    const entries = await readdir(base, {
      withFileTypes: true,
      recursive: deep,
    }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const full = path.join(entry.parentPath, entry.name);
      if (full.split(path.sep).includes('node_modules')) continue;
      into.add(full);
    }
  }
  return [...found].filter((dir) => !excluded.has(dir)).sort();
}

/** The nearest workspace root above `packageDir` that lists it as a member, or undefined. */
export async function findWorkspaceRoot(packageDir: string): Promise<string | undefined> {
  const own = path.resolve(packageDir);
  for (let dir = path.dirname(own); ; dir = path.dirname(dir)) {
    const patterns = await memberPatterns(dir);
    if (patterns && (await expandPatterns(dir, patterns)).includes(own)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The workspace around `packageDir` and its members that depend on `packageName`. */
export async function findDependents(
  packageDir: string,
  packageName: string,
): Promise<Workspace | undefined> {
  const root = await findWorkspaceRoot(packageDir);
  if (root === undefined) return undefined;
  const dependents: Dependent[] = [];
  for (const dir of await expandPatterns(root, (await memberPatterns(root)) ?? [])) {
    if (dir === path.resolve(packageDir)) continue;
    const manifest = await readManifest(path.join(dir, 'package.json'));
    if (!manifest) continue;
    const names = [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies];
    if (!names.some((deps) => deps && Object.hasOwn(deps, packageName))) continue;
    const tsconfig = path.join(dir, 'tsconfig.json');
    dependents.push({
      name: manifest.name ?? path.relative(root, dir),
      dir,
      ...(existsSync(tsconfig) ? { tsconfig } : {}),
    });
  }
  return { root, dependents };
}
