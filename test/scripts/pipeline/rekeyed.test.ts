/**
 * The name lock follows a target that upstream re-keyed (scripts/pipeline/rekeyed.ts): FastAPI
 * keys a model by its module path once a second model takes its class name, title unchanged.
 * Small fixture specs (test/fixtures/rekeyed/) for one, several and no successor, and an
 * operationId renamed in place; the real release pair 1.21.0 -> 1.87.0 for
 * `LatencyTimeseriesRow`.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { lockKeySuccessors, placesOf } from '../../../scripts/pipeline/rekeyed.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import { diffDocuments, restrictToOperations } from '../../../src/drift/index.ts';
import type { Dict } from '../../../src/drift/document.ts';
import { pipelineExportedNames } from '../../../scripts/commands/drift.ts';
import { parse } from 'yaml';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { FIXTURES, REPO_ROOT } from '../../helpers/workspace.ts';

const CASES = path.join(FIXTURES, 'rekeyed');

async function fixtureDoc(name: string): Promise<Dict> {
  return parse(await readFile(path.join(CASES, name, 'spec', 'rows.yaml'), 'utf8')) as Dict;
}

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A temp root generated from the `before` fixture, then given `after`'s spec/. */
async function treeMovedTo(after: string): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), 'feather-rekeyed-'));
  await cp(path.join(REPO_ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  await cp(path.join(CASES, 'before', 'spec'), path.join(root, 'spec'), { recursive: true });
  await generate({ root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' }, true);
  await rm(path.join(root, 'spec'), { recursive: true });
  await cp(path.join(CASES, after, 'spec'), path.join(root, 'spec'), { recursive: true });
  return root;
}

async function lockOf(dir: string): Promise<Record<string, string>> {
  return (
    JSON.parse(await readFile(path.join(dir, 'generated', 'names.lock.json'), 'utf8')) as {
      names: Record<string, string>;
    }
  ).names;
}

const paths = (dir: string) => ({
  root: dir,
  specDir: 'spec',
  outDir: 'generated',
  configFile: 'redocly.yaml',
});

describe('lockKeySuccessors (pure)', () => {
  it('finds where a schema stood: operation and pointer, through the refs', async () => {
    const places = placesOf(await fixtureDoc('before'), new Set(['Row']));
    expect(places.get('Row')).toEqual([
      {
        operation: 'GET /v1/rows',
        pointer: [
          'responses',
          '200',
          'content',
          'application/json',
          'schema',
          'properties',
          'rows',
          'items',
        ],
      },
      {
        operation: 'GET /v1/rows',
        pointer: [
          'responses',
          '200',
          'content',
          'application/json',
          'schema',
          'properties',
          'latest',
        ],
      },
    ]);
  });

  it.each([
    ['one', { key: 'schema:src__rows__schemas__Row' }],
    [
      'several',
      { reason: 'several', candidates: ['src__latest__schemas__Row', 'src__rows__schemas__Row'] },
    ],
    ['none', { reason: 'none', candidates: [] }],
  ])('a gone schema key with %s successor at its places', async (after, want) => {
    const found = lockKeySuccessors(await fixtureDoc('before'), await fixtureDoc(after), [
      'schema:Row',
    ]);
    expect(found.get('schema:Row')).toMatchObject(want);
  });

  it('an operationId renamed at the same method and path is followed, part kept', async () => {
    const found = lockKeySuccessors(
      await fixtureDoc('before'),
      await fixtureDoc('operation-renamed'),
      ['operation:listRows:response'],
    );
    expect(found.get('operation:listRows:response')).toMatchObject({
      key: 'operation:listRowsPage:response',
    });
  });

  it('an operationId whose operation is gone has no successor', async () => {
    const after = await fixtureDoc('operation-renamed');
    after.paths = {};
    const found = lockKeySuccessors(await fixtureDoc('before'), after, [
      'operation:listRows:response',
    ]);
    expect(found.get('operation:listRows:response')).toMatchObject({ reason: 'none' });
  });
});

describe('generate follows a re-keyed target and refuses the rest', () => {
  it('one successor: the name stays, pointed at the new key, with a warning; check agrees', async () => {
    const dir = await treeMovedTo('one');
    const result = await generate(paths(dir));
    expect(result.build?.warnings.join('\n')).toContain(
      'kept the published name Row on schema:src__rows__schemas__Row: upstream re-keyed schema:Row',
    );
    expect((await lockOf(dir)).Row).toBe('schema:src__rows__schemas__Row');
    const aliases = await readFile(path.join(dir, 'generated', 'aliases.ts'), 'utf8');
    expect(aliases).toContain(
      'export type Row = components["schemas"]["src__rows__schemas__Row"];',
    );
    // What `npm run check` does: an in-memory build equal to what is on disk.
    const { expectedOutput, staleFiles } = await import('../../../scripts/pipeline/generate.ts');
    expect(await staleFiles(paths(dir), (await expectedOutput(paths(dir))).files)).toEqual([]);
  });

  it.each(['several', 'none'])('%s: a removal, which generate refuses', async (after) => {
    const dir = await treeMovedTo(after);
    const error = await generate(paths(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toContain('Row (named schema:Row)');
  });

  it('an operationId renamed in place keeps its aliases', async () => {
    const dir = await treeMovedTo('operation-renamed');
    await generate(paths(dir));
    expect(await lockOf(dir)).toMatchObject({
      ListRowsResponse: 'operation:listRowsPage:response',
    });
  });
});

describe('drift reports the follow as exported-name-kept', () => {
  it('with the old and the new key, and no removal or re-pointing', async () => {
    const before = await fixtureDoc('before');
    const lock = {
      Row: 'schema:Row',
      RowList: 'schema:RowList',
      ListRowsResponse: 'operation:listRows:response',
    };
    const report = diffDocuments(
      { doc: before, name: 'spec/' },
      { doc: await fixtureDoc('one'), name: 'one' },
      { exportedNames: await pipelineExportedNames(lock) },
    );
    const names = report.changes.filter((c) => c.id.startsWith('exported-name-'));
    expect(names.map((c) => [c.id, c.location])).toEqual([
      ['exported-name-kept', 'generated/aliases.ts#Row'],
    ]);
    expect(names[0]!.message).toContain('re-keyed schema:Row as schema:src__rows__schemas__Row');
  });
});

describe.skipIf(wholeApiMissing())(
  `the release pair 1.21.0 -> 1.87.0 ${wholeApiMissing() ?? ''}`,
  () => {
    const SEED = [
      'GET /v1/analytics/integrations/dashboard',
      'GET /v1/analytics/tools/reliability/timeout-analysis',
    ];
    const releases = async (): Promise<[Dict, Dict]> =>
      (await Promise.all(
        (['1.21.0', '1.87.0'] as const).map(
          async (release) => JSON.parse(await readFile(wholeApiFile(release), 'utf8')) as Dict,
        ),
      )) as [Dict, Dict];

    it('pinning the seed operations, LatencyTimeseriesRow follows to its module-path key', async () => {
      const [before, after] = await releases();
      const found = lockKeySuccessors(
        restrictToOperations(before, SEED, '1.21.0'),
        restrictToOperations(after, SEED, '1.87.0'),
        ['schema:LatencyTimeseriesRow'],
      );
      expect(found.get('schema:LatencyTimeseriesRow')).toMatchObject({
        key: 'schema:src__analytics__integrations__schemas__LatencyTimeseriesRow',
        place: { operation: 'GET /v1/analytics/integrations/dashboard' },
      });
    });

    it('pinning the whole API, it is a removal: the tools endpoints now use another model of that title', async () => {
      const [before, after] = await releases();
      const found = lockKeySuccessors(before, after, ['schema:LatencyTimeseriesRow']);
      expect(found.get('schema:LatencyTimeseriesRow')).toEqual({
        reason: 'several',
        candidates: [
          'src__analytics__integrations__schemas__LatencyTimeseriesRow',
          'src__analytics__tools__schemas__LatencyTimeseriesRow',
        ],
      });
    });
  },
);
