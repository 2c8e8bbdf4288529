/**
 * The seed package, whatever spec/ holds today: spec/ ingested from the two seed documentation
 * pages (test/fixtures/feather-docs/, copies of the pages the package started from) and
 * generated/ made from it by the real pipeline, in a temporary root. Tests that need "the two
 * seed operations" read them here, never from the checkout's spec/ or generated/, which a user
 * may have grown up to the whole API. Built once per test file (worker) and removed at exit.
 */
import { rmSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../scripts/pipeline/generate.ts';
import { ingest } from '../../scripts/ingest/run.ts';
import type { SpecFingerprint } from '../../common/canonical.ts';
import { FIXTURES, REPO_ROOT } from './workspace.ts';

/** The seed pages, as committed fixtures. */
export const SEED_PAGES_DIR = path.join(FIXTURES, 'feather-docs');

export interface SeedTree {
  /** A root holding spec/, generated/ and redocly.yaml; copy from it, do not write to it. */
  root: string;
  specDir: string;
  generatedDir: string;
  /** generated/openapi.json: the seed operations, joined. */
  openapiText: string;
  /** generated/fingerprint.json's version and hash, as generated/fingerprint.ts exports them. */
  fingerprint: SpecFingerprint;
}

let building: Promise<SeedTree> | undefined;

async function build(): Promise<SeedTree> {
  const root = await mkdtemp(path.join(tmpdir(), 'feather-seed-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  await cp(path.join(REPO_ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  const pages = (await readdir(SEED_PAGES_DIR))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => path.join(SEED_PAGES_DIR, file));
  const report = await ingest({ kind: 'pages', pages }, { root });
  if (report.failed.length > 0)
    throw new Error(
      `the seed pages did not ingest: ${report.failed.map((e) => e.message).join('; ')}`,
    );
  await generate({ root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' }, true);
  const generatedDir = path.join(root, 'generated');
  return {
    root,
    specDir: path.join(root, 'spec'),
    generatedDir,
    openapiText: await readFile(path.join(generatedDir, 'openapi.json'), 'utf8'),
    fingerprint: (({ version, sha256 }) => ({ version, sha256 }))(
      JSON.parse(
        await readFile(path.join(generatedDir, 'fingerprint.json'), 'utf8'),
      ) as SpecFingerprint,
    ),
  };
}

/** The seed package (built on first use). */
export function seedTree(): Promise<SeedTree> {
  building ??= build();
  return building;
}
