import {
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
  mkdir,
} from 'node:fs/promises';
import { symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceDirectory, writeFileAtomic } from '../../../scripts/lib/fs-atomic.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import { snapshotDir } from '../../helpers/workspace.ts';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('replaceDirectory', () => {
  it('replaces the whole directory, removing files no longer written', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    const dir = path.join(root, 'generated');
    await mkdir(dir);
    await writeFile(path.join(dir, 'old.ts'), 'old');
    await replaceDirectory(
      dir,
      new Map([
        ['a.ts', 'A'],
        ['sub/b.ts', 'B'],
      ]),
    );
    expect(await snapshotDir(dir)).toEqual({ 'a.ts': 'A', 'sub/b.ts': 'B' });
    expect(await readdir(root)).toEqual(['generated']);
  });

  it('leaves the directory exactly as it was when a write fails', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    const dir = path.join(root, 'generated');
    await mkdir(dir);
    await writeFile(path.join(dir, 'keep.ts'), 'keep');
    // A NUL byte in a file name makes the write fail after other files were staged.
    const files = new Map([
      ['a.ts', 'A'],
      ['bad\0name.ts', 'B'],
    ]);
    await expect(replaceDirectory(dir, files)).rejects.toThrow();
    expect(await snapshotDir(dir)).toEqual({ 'keep.ts': 'keep' });
    expect(await readdir(root)).toEqual(['generated']);
  });

  it('never writes through a symbolic link planted at the old staging name (<dir>.tmp-<pid>)', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    const dir = path.join(root, 'generated');
    const victim = path.join(root, 'victim');
    await mkdir(victim);
    const planted = `${dir}.tmp-${process.pid}`;
    // Planted while the run is under way (as the files are first read), i.e. after any clean-up
    // of that name at the start: the window another user of a shared directory would use.
    const files = new Map([['a.ts', 'A']]);
    const entries = files.entries.bind(files);
    files[Symbol.iterator] = function* (): Generator<[string, string], undefined> {
      symlinkSync(victim, planted);
      return yield* entries();
    };
    await replaceDirectory(dir, files);
    expect(await readdir(victim)).toEqual([]);
    expect(await snapshotDir(dir)).toEqual({ 'a.ts': 'A' });
    expect((await lstat(dir)).isSymbolicLink()).toBe(false);
    expect(await readlink(planted)).toBe(victim);
    expect((await readdir(root)).sort()).toEqual([
      'generated',
      'generated.tmp-' + process.pid,
      'victim',
    ]);
  });

  it.each([
    ['a full directory', true],
    ['an empty directory', false],
  ])(
    'renames the old directory to a random name: %s planted at <dir>.old-<pid> stays, and is not in the way',
    async (_name, full) => {
      root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
      const dir = path.join(root, 'generated');
      await mkdir(dir);
      await writeFile(path.join(dir, 'old.ts'), 'OLD');
      const planted = `${dir}.old-${process.pid}`;
      await mkdir(planted);
      if (full) await writeFile(path.join(planted, 'theirs'), 'THEIRS');
      await replaceDirectory(dir, new Map([['a.ts', 'A']]));
      expect(await snapshotDir(dir)).toEqual({ 'a.ts': 'A' });
      expect(await snapshotDir(planted)).toEqual(full ? { theirs: 'THEIRS' } : {});
      expect((await readdir(root)).sort()).toEqual(['generated', `generated.old-${process.pid}`]);
    },
  );

  it('creates the directory when it did not exist', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    await replaceDirectory(path.join(root, 'generated'), new Map([['x.ts', 'X']]));
    expect(await snapshotDir(path.join(root, 'generated'))).toEqual({ 'x.ts': 'X' });
  });
});

describe('writeFileAtomic', () => {
  /** A temp dir with `victim` (a file outside the written one's name) holding 'victim'. */
  async function setUp(): Promise<{ file: string; victim: string }> {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    const victim = path.join(root, 'victim');
    await writeFile(victim, 'victim');
    return { file: path.join(root, 'out.md'), victim };
  }

  it('writes the file and leaves no temporary sibling', async () => {
    const { file } = await setUp();
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect((await readdir(root!)).sort()).toEqual(['out.md', 'victim']);
  });

  it('never writes through a symbolic link planted at the old temporary name (<file>.tmp-<pid>)', async () => {
    const { file, victim } = await setUp();
    const planted = `${file}.tmp-${process.pid}`;
    await symlink(victim, planted);
    await writeFileAtomic(file, 'new');
    expect(await readFile(victim, 'utf8')).toBe('victim');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await lstat(file)).isSymbolicLink()).toBe(false);
    expect(await readlink(planted)).toBe(victim);
  });

  it('refuses a target that is a symbolic link, naming it: the link and what it points to stay as they were', async () => {
    const { file, victim } = await setUp();
    await symlink(victim, file);
    const error = await writeFileAtomic(file, 'new').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toContain(`${file}: is a symbolic link`);
    expect(await readlink(file)).toBe(victim);
    expect(await readFile(victim, 'utf8')).toBe('victim');
    expect((await readdir(root!)).sort()).toEqual(['out.md', 'victim']);
  });
});
