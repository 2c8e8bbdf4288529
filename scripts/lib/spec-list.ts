import { realpath, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from './errors.ts';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function relative(root: string, full: string): string {
  return path.relative(root, full).split(path.sep).join('/');
}

/**
 * Where a symlink in spec/ leads, as a decision: a spec file inside the repository is followed
 * (read through the link); anything else is refused loudly, never skipped, since a skipped file
 * would silently drop its operations.
 */
async function followSpecLink(root: string, link: string): Promise<'file' | 'ignore'> {
  const file = relative(root, link);
  let target: string;
  try {
    target = await realpath(link);
  } catch {
    throw new PipelineError('symlink leads nowhere (its target does not exist): fix or remove it', [
      { file },
    ]);
  }
  const realRoot = await realpath(root);
  const inside = target === realRoot || target.startsWith(`${realRoot}${path.sep}`);
  const info = await stat(target);
  if (info.isDirectory())
    throw new PipelineError(
      `symlink to a directory (${target}): spec/ does not follow linked directories; link the files, or move them into spec/`,
      [{ file }],
    );
  if (!SPEC_EXTENSIONS.has(path.extname(link).toLowerCase())) return 'ignore';
  if (!inside)
    throw new PipelineError(
      `symlink leads outside the repository (${target}): copy the document into spec/ instead`,
      [{ file }],
    );
  return 'file';
}

/**
 * Every `.yaml`/`.yml`/`.json` file below `dir`, recursively, as paths relative to `root` with
 * forward slashes, sorted. Symlinks to spec files inside the repository count as files; other
 * symlinks are refused (see followSpecLink).
 */
export async function listSpecFiles(dir: string, root = process.cwd()): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.resolve(root, dir), { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const isSpec = SPEC_EXTENSIONS.has(path.extname(entry.name).toLowerCase());
    if (entry.isFile() && isSpec) files.push(relative(root, full));
    else if (entry.isSymbolicLink() && (await followSpecLink(root, full)) === 'file')
      files.push(relative(root, full));
  }
  return files.sort();
}
