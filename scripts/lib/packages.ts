/**
 * Where an installed package is, found the way Node finds it (up the `node_modules` folders
 * from here, or through Plug'n'Play under yarn), never at a fixed `<package>/node_modules` path:
 * in an npm, pnpm or yarn workspace the dependencies are hoisted to the workspace root, and yarn's
 * default (PnP) has no node_modules at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from './errors.ts';

const require = createRequire(import.meta.url);

interface Manifest {
  version?: string;
  bin?: string | Record<string, string>;
}

/** Yarn's Plug'n'Play API, present when this process runs under PnP (`yarn run`, `yarn node`). */
interface PnpApi {
  resolveToUnqualified(request: string, issuer: string): string | null;
}

function pnpApi(): PnpApi | undefined {
  if (!process.versions['pnp']) return undefined;
  try {
    return require('pnpapi') as PnpApi;
  } catch {
    return undefined;
  }
}

/**
 * The path of `name`'s package.json, found as Node finds the package from here: through
 * Plug'n'Play's own resolution under yarn PnP (there is no node_modules folder to look in), else
 * up the `node_modules` folders (some packages, publint, do not export their package.json, so
 * `require.resolve('<name>/package.json')` would fail).
 */
export function packageManifestPath(name: string): string {
  const pnp = pnpApi();
  if (pnp) {
    const dir = pnp.resolveToUnqualified(name, fileURLToPath(import.meta.url));
    if (dir && existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'package.json');
  }
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name, 'package.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new PipelineError(
    `cannot find the package "${name}": install this package's dependencies (\`npm install\`, ` +
      `\`pnpm install\` or \`yarn install\` at the workspace root)`,
  );
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
