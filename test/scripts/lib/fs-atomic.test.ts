import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceDirectory } from '../../../scripts/lib/fs-atomic.ts';
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

  it('creates the directory when it did not exist', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-atomic-'));
    await replaceDirectory(path.join(root, 'generated'), new Map([['x.ts', 'X']]));
    expect(await snapshotDir(path.join(root, 'generated'))).toEqual({ 'x.ts': 'X' });
  });
});
