/**
 * Every drift rule, both ways (the cases are in test/fixtures/drift/rule-cases.ts), plus the
 * checks that every rule has a case and a row in docs/drift.md's table. Nothing is mocked; the documents are data.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../common/json.ts';
import {
  DRIFT_RULES,
  diffDocuments,
  type DriftRuleId,
  type ExportedNamesOf,
} from '../../src/drift/index.ts';
import { pipelineExportedNames } from '../../scripts/commands/drift.ts';
import { lockedAliases } from '../../scripts/pipeline/aliases.ts';
import { operationShapes } from '../../scripts/pipeline/parameter-rules.ts';
import { CASES } from '../fixtures/drift/rule-cases.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

type Dict = { [key: string]: Json };

/**
 * The exported names as `npm run drift` derives them: under the name lock that generate wrote
 * for the pinned side (`base`).
 */
const exportedNamesPinnedAt = async (base: Dict): Promise<ExportedNamesOf> =>
  pipelineExportedNames(
    lockedAliases(
      ((base.components as Dict | undefined)?.schemas ?? {}) as Record<string, { title?: unknown }>,
      operationShapes(base),
      {},
    ).lock,
  );

const ids = async (base: Dict, revision: Dict, names = false): Promise<DriftRuleId[]> =>
  diffDocuments(
    { doc: base, name: 'base' },
    { doc: revision, name: 'revision' },
    names ? { exportedNames: await exportedNamesPinnedAt(base) } : {},
  )
    .changes.map((change) => change.id)
    .sort();

describe('drift rules, each both ways', () => {
  it.each(CASES)(
    '%s',
    async (_name, { base, revision, want, wantReverse, exportedNames: names }) => {
      expect(await ids(base, revision, names)).toEqual([...want].sort());
      expect(await ids(revision, base, names)).toEqual([...wantReverse].sort());
    },
  );

  it('every change carries its rule level, and breaking is exactly level "breaking"', () => {
    for (const [, { base, revision }] of CASES) {
      for (const change of diffDocuments({ doc: base, name: 'b' }, { doc: revision, name: 'r' })
        .changes) {
        expect(change.level).toBe(DRIFT_RULES[change.id].level);
        expect(change.breaking).toBe(change.level === 'breaking');
      }
    }
  });

  it('has a case for every rule in the table', () => {
    const covered = new Set(CASES.flatMap(([, c]) => [...c.want, ...c.wantReverse]));
    expect(Object.keys(DRIFT_RULES).filter((id) => !covered.has(id as DriftRuleId))).toEqual([]);
  });

  it('documents every rule in the rule table of docs/drift.md, with its level', async () => {
    const table = await readFile(path.join(REPO_ROOT, 'docs', 'drift.md'), 'utf8');
    const missing = Object.entries(DRIFT_RULES).filter(
      // Cells padded as prettier aligns the table.
      ([id, rule]) => !new RegExp(`\\| \`${id}\` +\\| ${rule.level} +\\|`).test(table),
    );
    expect(missing.map(([id]) => id)).toEqual([]);
  });
});

describe('where a rule reports', () => {
  const located = (name: string): [string, string][] => {
    const { base, revision } = CASES.find(([caseName]) => caseName === name)![1];
    return diffDocuments(
      { doc: base, name: 'base' },
      { doc: revision, name: 'revision' },
    ).changes.map((change) => [change.id, change.location]);
  };

  it('reports a response header’s type change at the header’s schema', () => {
    expect(located('a response header changing type (judged like a received value)')).toEqual([
      ['response-type-changed', '#/paths/~1things/post/responses/200/headers/X-Total/schema'],
    ]);
  });

  it('reports a moved operation once, under its pinned key, and compares it', () => {
    const { base, revision } = CASES.find(([name]) =>
      name.startsWith('a path parameter renamed'),
    )![1];
    const report = diffDocuments({ doc: base, name: 'base' }, { doc: revision, name: 'revision' });
    expect(report.changes.map((c) => [c.id, c.operation, c.location, c.message])).toEqual([
      [
        'operation-path-changed',
        'GET /things/{id}',
        '#/paths/~1things~1{thingId}/get',
        'GET /things/{id} moved to GET /things/{thingId} (same operationId getThing)',
      ],
      [
        'request-path-parameter-renamed',
        'GET /things/{id}',
        '#/paths/~1things~1{thingId}/get/parameters/0',
        "path parameter 'id' renamed to 'thingId'",
      ],
    ]);
    expect(report.summary.operations).toEqual({ compared: 1, added: 0, removed: 0, changed: 1 });
  });

  it('compares a moved operation when a documentation page shows it under its new path', () => {
    const { base, revision } = CASES.find(([name]) =>
      name.startsWith('an operation moved to another path'),
    )![1];
    const report = diffDocuments(
      { doc: base, name: 'base' },
      { doc: revision, name: 'page' },
      { only: ['GET /items/{id}'] },
    );
    expect(report.changes.map((c) => c.id)).toEqual(['operation-path-changed']);
  });
});
