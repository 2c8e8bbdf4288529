import { readdir } from 'node:fs/promises';
import path from 'node:path';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Every `.yaml`/`.yml`/`.json` file below `dir`, recursively, as paths relative to `root` with
 * forward slashes, sorted.
 */
export async function listSpecFiles(dir: string, root = process.cwd()): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.resolve(root, dir), { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter(
      (entry) => entry.isFile() && SPEC_EXTENSIONS.has(path.extname(entry.name).toLowerCase()),
    )
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}
