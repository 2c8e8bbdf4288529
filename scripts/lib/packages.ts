/**
 * Where an installed package is, found the way Node finds it (up the `node_modules` folders
 * from here), never at a fixed `<package>/node_modules` path: in an npm, pnpm or yarn workspace
 * the dependencies are hoisted to the workspace root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PipelineError } from './errors.ts';

const require = createRequire(import.meta.url);

interface Manifest {
  version?: string;
  bin?: string | Record<string, string>;
}

/**
 * The path of `name`'s package.json. Looked up in the folders Node's resolution would search,
 * since some packages (publint) do not export their package.json.
 */
export function packageManifestPath(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name, 'package.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new PipelineError(`cannot find the package "${name}": run \`npm install\``);
}

function readManifest(name: string): { file: string; manifest: Manifest } {
  const file = packageManifestPath(name);
  return { file, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest };
}

/** The installed version of `name` (`"?"` when it is not installed). */
export function packageVersion(name: string): string {
  try {
    return readManifest(name).manifest.version ?? '?';
  } catch {
    return '?';
  }
}

/** The script behind `binName` (default: the package's only bin) of an installed package. */
export function packageBin(name: string, binName?: string): string {
  const { file, manifest } = readManifest(name);
  const relative =
    typeof manifest.bin === 'string'
      ? manifest.bin
      : manifest.bin?.[binName ?? name.split('/').pop()!];
  if (!relative) throw new PipelineError(`${file}: no "${binName ?? name}" bin`);
  return path.join(path.dirname(file), relative);
}
