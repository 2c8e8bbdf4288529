/**
 * The package.json that goes into the tarball: the repository's without `scripts`. Each of them
 * runs scripts/ or a dev dependency, neither of which is shipped, and npm 11 warns on installing
 * a tarball whose manifest keeps `prepare` ("install scripts not yet covered by allowScripts").
 * `prepack` writes it over package.json (keeping the original in .tmp/) and `postpack` puts the
 * original back: npm packs the package.json on disk.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lib/fs-atomic.ts';
import { PipelineError } from '../lib/errors.ts';

/** Where `prepack` keeps the repository's package.json until `postpack`. */
export const MANIFEST_BEFORE_PACK = path.join('.tmp', 'package.json.before-pack');

/** The manifest's text without `scripts` (two-space JSON, as npm writes it). */
export function packedManifestText(text: string, file = 'package.json'): string {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new PipelineError(`not JSON: ${(error as Error).message}`, [{ file }]);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new PipelineError('expected a JSON object', [{ file }]);
  }
  const { scripts: _dropped, ...packed } = manifest as Record<string, unknown>;
  return `${JSON.stringify(packed, null, 2)}\n`;
}

/**
 * Writes the packed manifest over `<root>/package.json`, keeping the original. A copy left by a
 * pack that stopped before `postpack` is put back first, so the original is never lost.
 */
export async function writePackedManifest(root: string): Promise<void> {
  await restoreManifest(root);
  const file = path.join(root, 'package.json');
  const text = await readFile(file, 'utf8');
  const packed = packedManifestText(text, file);
  await writeFileAtomic(path.join(root, MANIFEST_BEFORE_PACK), text);
  await writeFileAtomic(file, packed);
}

/** Puts back the package.json that `writePackedManifest` kept; true when there was one. */
export async function restoreManifest(root: string): Promise<boolean> {
  const kept = path.join(root, MANIFEST_BEFORE_PACK);
  const text = await readFile(kept, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  await writeFileAtomic(path.join(root, 'package.json'), text);
  await rm(kept, { force: true });
  return true;
}
