import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from './errors.ts';

/** Leftovers older than this are removed even if their process id is in use again (reused). */
export const STALE_LEFTOVER_MS = 10 * 60 * 1000;

/**
 * Test hook: when set, replaceDirectory writes this file between its two renames and then waits
 * to be killed, so a test can SIGKILL it at the one moment `dir` is absent.
 */
const PAUSE_ENV = 'FEATHER_TEST_PAUSE_BETWEEN_RENAMES';

/**
 * Writes a file through a temporary sibling and a rename, so readers never see half of it.
 *
 * The sibling's name is random and it is created with 'wx' (O_CREAT | O_EXCL), so a file or a
 * symbolic link planted at a name we would use is never written through: the open fails. A
 * `file` that is itself a symbolic link is refused (a `PipelineError` naming it, nothing
 * written) rather than written through or replaced: a link in a checkout may point anywhere
 * (`~/.bashrc`), and replacing it with a regular file would silently undo what someone set up.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) {
    throw new PipelineError(
      'is a symbolic link: refusing to write through it or replace it; nothing was written. ' +
        'Remove the link (or write to the file it points to) and run again.',
      [{ file }],
    );
  }
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
  let created = false;
  try {
    const handle = await open(temporary, 'wx');
    created = true;
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    if (created) await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Replaces the whole directory `dir` with `files` (name -> content): builds the new directory
 * beside it, then swaps it in with two renames. On any failure `dir` is left as it was; a run
 * killed between the renames is repaired by the next recoverInterruptedSwap.
 *
 * The staging directory's name is random (`<dir>.tmp-<pid>-<hex>`) and it is created with a
 * plain mkdir, which fails when anything is already there: a symbolic link planted at a name we
 * would use is never followed, and the files are written only into a directory this run made.
 */
export async function replaceDirectory(
  dir: string,
  files: ReadonlyMap<string, string>,
): Promise<void> {
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
  // Random too: a directory planted at a name we would rename `dir` onto (an empty one is
  // replaced, a full one fails the run) is never in the way.
  const previous = `${dir}.old-${process.pid}-${randomBytes(8).toString('hex')}`;
  await mkdir(path.dirname(dir), { recursive: true });
  await mkdir(staging);
  try {
    for (const [name, content] of files) {
      await mkdir(path.dirname(path.join(staging, name)), { recursive: true });
      await writeFile(path.join(staging, name), content);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  let moved = false;
  try {
    await rename(dir, previous);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
  const pauseFile = process.env[PAUSE_ENV];
  if (pauseFile) {
    await writeFile(pauseFile, String(process.pid));
    await new Promise(() => setInterval(() => {}, 60_000));
  }
  try {
    await rename(staging, dir);
  } catch (error) {
    if (moved) await rename(previous, dir);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(previous, { recursive: true, force: true });
}

/** A sibling that replaceDirectory left: `<name>.old-<pid>-<hex>` / `.tmp-<pid>-<hex>` (`-<hex>`-less before). */
export interface Leftover {
  path: string;
  kind: 'old' | 'tmp';
  pid: number;
  mtimeMs: number;
}

/** True when process `pid` is running (EPERM: running, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a leftover belongs to a dead run, as a decision: its process is gone, or it is older
 * than STALE_LEFTOVER_MS (the id may have been reused). Never our own.
 */
export function isDeadRun(
  leftover: Leftover,
  now: number,
  alive: (pid: number) => boolean = processAlive,
): boolean {
  if (leftover.pid === process.pid) return false;
  return !alive(leftover.pid) || now - leftover.mtimeMs > STALE_LEFTOVER_MS;
}

/** The leftovers of earlier runs beside `dir`. */
export async function listLeftovers(dir: string): Promise<Leftover[]> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const names = await readdir(parent).catch(() => [] as string[]);
  const found: Leftover[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const match = /^\.(old|tmp)-(\d+)(?:-[0-9a-f]+)?$/.exec(name.slice(base.length));
    if (!match) continue;
    const full = path.join(parent, name);
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    found.push({
      path: full,
      kind: match[1] as 'old' | 'tmp',
      pid: Number(match[2]),
      mtimeMs: info.mtimeMs,
    });
  }
  return found;
}

/**
 * Repairs what a run killed mid-swap left: when `dir` is absent and a dead run's `dir.old-<pid>-<hex>`
 * exists, that is the last whole `dir`, so it is put back; then every dead run's `.old-*` and
 * `.tmp-*` is removed. Leftovers of live runs (a concurrent generate) are left alone.
 * Returns what it did, one line each.
 */
export async function recoverInterruptedSwap(dir: string, now = Date.now()): Promise<string[]> {
  const done: string[] = [];
  const dead = (await listLeftovers(dir)).filter((leftover) => isDeadRun(leftover, now));
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  let restored: string | undefined;
  if (!exists) {
    restored = dead
      .filter((leftover) => leftover.kind === 'old')
      .sort((a, b) => b.mtimeMs - a.mtimeMs)[0]?.path;
    if (restored) {
      await rename(restored, dir);
      done.push(`restored ${path.basename(dir)} from ${path.basename(restored)}`);
    }
  }
  for (const leftover of dead) {
    if (leftover.path === restored) continue;
    await rm(leftover.path, { recursive: true, force: true });
    done.push(`removed ${path.basename(leftover.path)}`);
  }
  return done;
}
