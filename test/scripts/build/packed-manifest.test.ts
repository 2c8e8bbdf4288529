/** The package.json that `npm pack` ships: without scripts, and the repository's put back after. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MANIFEST_BEFORE_PACK,
  packedManifestText,
  restoreManifest,
  writePackedManifest,
} from '../../../scripts/build/packed-manifest.ts';

const MANIFEST = `{
  "name": "x",
  "version": "1.0.0",
  "scripts": {
    "prepare": "node scripts/commands/prepare.mjs",
    "prepack": "node scripts/run.mjs build --pack"
  },
  "files": ["dist"]
}
`;

describe('packedManifestText', () => {
  it('drops scripts and keeps every other field in its order', () => {
    expect(packedManifestText(MANIFEST)).toBe(
      '{\n  "name": "x",\n  "version": "1.0.0",\n  "files": [\n    "dist"\n  ]\n}\n',
    );
  });

  it('refuses what is not a JSON object, naming the file', () => {
    expect(() => packedManifestText('{ "name": ', 'pkg/package.json')).toThrow(
      /^pkg\/package\.json: not JSON: /,
    );
    expect(() => packedManifestText('[]', 'pkg/package.json')).toThrow(
      'pkg/package.json: expected a JSON object',
    );
  });
});

describe('writePackedManifest and restoreManifest', () => {
  let root: string;
  const manifest = () => readFile(path.join(root, 'package.json'), 'utf8');
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-packed-manifest-'));
    await writeFile(path.join(root, 'package.json'), MANIFEST);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('writes the packed manifest, then puts the original back byte for byte', async () => {
    await writePackedManifest(root);
    expect(await manifest()).toBe(packedManifestText(MANIFEST));
    expect(await restoreManifest(root)).toBe(true);
    expect(await manifest()).toBe(MANIFEST);
    await expect(readFile(path.join(root, MANIFEST_BEFORE_PACK))).rejects.toThrow(/ENOENT/);
    expect(await restoreManifest(root)).toBe(false);
    expect(await manifest()).toBe(MANIFEST);
  });

  it('after a pack that stopped before postpack, a second pack keeps the original, not the packed one', async () => {
    await writePackedManifest(root);
    await writePackedManifest(root);
    expect(await manifest()).toBe(packedManifestText(MANIFEST));
    await restoreManifest(root);
    expect(await manifest()).toBe(MANIFEST);
  });
});
