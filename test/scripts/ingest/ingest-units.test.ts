/** The pure decisions of scripts/ingest/: index lines, filters, retry policy, progress, plans. */
import { describe, expect, it } from 'vitest';
import { parseIndex } from '../../../scripts/ingest/index-file.ts';
import { isTransient, retryDelayMs } from '../../../scripts/ingest/fetch.ts';
import { mapWithConcurrency } from '../../../scripts/lib/concurrency.ts';
import { createProgress, logMarks } from '../../../scripts/ingest/progress.ts';
import {
  checkOneOperationPerDocument,
  planIngest,
  releasesAfter,
  type ExistingDocument,
  type IncomingOperation,
  type PlanInput,
} from '../../../scripts/ingest/plan.ts';
import {
  globToRegExp,
  nearestOperationIds,
  selector,
  unmatchedFilters,
  SELECT_ALL,
} from '../../../scripts/ingest/select.ts';
import type { OperationKey } from '../../../scripts/ingest/page.ts';

describe('parseIndex', () => {
  const index = [
    '# Feather',
    '',
    '> A platform.',
    '## API Reference',
    '- [Get dashboard](https://doc.featherhq.com/api-reference/analytics/get-dashboard.md): One-shot envelope',
    '- [No description](https://doc.featherhq.com/api-reference/analytics/other.md)',
    '* [Relative](guides/quickstart.md)',
    '- [Again](https://doc.featherhq.com/api-reference/analytics/other.md): listed twice',
    'Some prose with a [link](https://example.com/x.md) that is not a list item.',
    '  - [Indented, with a title](https://doc.featherhq.com/a.md "title"): ok',
  ].join('\n');

  it('reads every page link, with or without a description, first occurrence only', () => {
    expect(parseIndex(index, 'https://doc.featherhq.com/llms.txt')).toEqual([
      {
        title: 'Get dashboard',
        location: 'https://doc.featherhq.com/api-reference/analytics/get-dashboard.md',
        line: 5,
      },
      {
        title: 'No description',
        location: 'https://doc.featherhq.com/api-reference/analytics/other.md',
        line: 6,
      },
      { title: 'Relative', location: 'https://doc.featherhq.com/guides/quickstart.md', line: 7 },
      { title: 'Indented, with a title', location: 'https://doc.featherhq.com/a.md', line: 10 },
    ]);
  });

  it('resolves relative links of a file index against its folder', () => {
    expect(parseIndex('- [A](pages/a.md)', '/docs/llms.txt').map((e) => e.location)).toEqual([
      '/docs/pages/a.md',
    ]);
  });

  it('names the index when it lists no page', () => {
    expect(() => parseIndex('<html>Not found</html>', 'https://x.test/llms.txt')).toThrow(
      /^https:\/\/x\.test\/llms\.txt: no page links found .* is this the llms\.txt index\?$/,
    );
  });
});

describe('selection', () => {
  const op = (operationId: string, path: string, tags: string[]): OperationKey => ({
    operationId,
    method: 'get',
    path,
    tags,
  });
  const ops = [
    op('getIntegrationDashboard', '/v1/analytics/integrations/dashboard', ['analytics']),
    op('getToolReliabilityTimeoutAnalysis', '/v1/analytics/tools/timeouts', ['analytics']),
    op('listSessions', '/v1/sessions', ['sessions']),
    op('send_message_v1_ask_feather_post', '/v1/ask-feather', ['ask-feather', 'runtime v2']),
  ];
  const table: [string, Partial<typeof SELECT_ALL>, string[]][] = [
    ['no filter: everything', {}, ops.map((o) => o.operationId)],
    [
      'a tag',
      { tags: ['analytics'] },
      ['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis'],
    ],
    ['any of its tags', { tags: ['runtime v2'] }, ['send_message_v1_ask_feather_post']],
    [
      'two tags: either',
      { tags: ['sessions', 'runtime v2'] },
      ['listSessions', 'send_message_v1_ask_feather_post'],
    ],
    [
      'a glob',
      { operations: ['get*'] },
      ['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis'],
    ],
    ['a glob is whole-id', { operations: ['Dashboard'] }, []],
    ['? is one character', { operations: ['listSession?'] }, ['listSessions']],
    ['a dot is literal', { operations: ['list.essions'] }, []],
    ['a path prefix', { paths: ['/v1/analytics/tools'] }, ['getToolReliabilityTimeoutAnalysis']],
    [
      'filters combine with and',
      { tags: ['analytics'], operations: ['*Dashboard'] },
      ['getIntegrationDashboard'],
    ],
    ['and can select nothing', { tags: ['sessions'], paths: ['/v1/analytics'] }, []],
  ];
  it.each(table)('%s', (_name, given, want) => {
    const take = selector({ ...SELECT_ALL, ...given });
    expect(ops.filter(take).map((o) => o.operationId)).toEqual(want);
  });

  it('names each filter value that matches nothing at all', () => {
    expect(
      unmatchedFilters(
        { tags: ['analytics', 'analytcs'], operations: ['get*', 'nope*'], paths: ['/v2'] },
        ops,
      ),
    ).toEqual(['--tag analytcs', '--operation nope*', '--path /v2']);
  });

  const misspelt: [string, string, string[]][] = [
    ['a letter left out', 'getIntegrationDashbord', ['getIntegrationDashboard']],
    ['two letters swapped', 'listSesisons', ['listSessions']],
    ['another case', 'listsessions', ['listSessions']],
    ['a part of the id', 'Dashboard', ['getIntegrationDashboard']],
    ['a glob: its text without wildcards', 'listSess*ions', ['listSessions']],
    ['nothing near', 'deleteEverything', []],
  ];
  it.each(misspelt)('suggests the nearest operation ids: %s', (_name, glob, want) => {
    expect(
      nearestOperationIds(
        glob,
        ops.map((o) => o.operationId),
      ),
    ).toEqual(want);
  });

  it('escapes what a glob does not mean', () => {
    expect(globToRegExp('a(b)+c*').test('a(b)+cd')).toBe(true);
  });
});

describe('retry policy', () => {
  const table: [string, Parameters<typeof isTransient>[0], boolean][] = [
    ['no response (refused, reset, timeout)', { error: new TypeError('fetch failed') }, true],
    ['429', { status: 429 }, true],
    ['500', { status: 500 }, true],
    ['503', { status: 503 }, true],
    ['599', { status: 599 }, true],
    ['404', { status: 404 }, false],
    ['403', { status: 403 }, false],
    ['408 is the server answering', { status: 408 }, false],
  ];
  it.each(table)('%s: transient %s', (_name, outcome, want) => {
    expect(isTransient(outcome)).toBe(want);
  });
  it('waits a short, doubling backoff', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n))).toEqual([250, 500, 1000]);
    expect(retryDelayMs(2, 10)).toBe(20);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` tasks in flight and returns results in item order', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    const results = await mapWithConcurrency(items, 5, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later items finish first, so order comes from the index, not from completion.
      await new Promise((resolve) => setTimeout(resolve, (40 - item) % 7));
      inFlight--;
      return item * 2;
    });
    expect(results).toEqual(items.map((i) => i * 2));
    expect(most).toBe(5);
  });
  it('handles no items', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});

describe('progress', () => {
  const run = (isTTY: boolean, total: number): string => {
    let text = '';
    const progress = createProgress('pages', total, { isTTY, write: (t) => (text += t) });
    for (let i = 0; i < total; i++) progress.tick();
    progress.done();
    return text;
  };
  it('writes a line at each quarter in a log', () => {
    expect(run(false, 617)).toBe('pages 155/617\npages 309/617\npages 463/617\npages 617/617\n');
    expect(run(false, 2)).toBe('pages 1/2\npages 2/2\n');
    expect(logMarks(0).size).toBe(0);
  });
  it('updates one line in place on a terminal, and ends it', () => {
    const text = run(true, 3);
    expect(text).toBe('\r\x1b[2Kpages 1/3\r\x1b[2Kpages 2/3\r\x1b[2Kpages 3/3\n');
  });
});

describe('planIngest', () => {
  const doc = (operationId: string, version: string, route = `/v1/${operationId}`, extra = {}) => ({
    openapi: '3.1.0',
    info: { title: 'Feather API', version },
    paths: { [route]: { get: { operationId, responses: {}, ...extra } } },
  });
  const existing = (file: string, d: ReturnType<typeof doc>): ExistingDocument => {
    const [route, item] = Object.entries(d.paths)[0]!;
    return {
      file,
      doc: d,
      operations: [{ operationId: item.get.operationId, method: 'get', path: route, tags: [] }],
      version: d.info.version,
    };
  };
  const incoming = (d: ReturnType<typeof doc>, tags: string[] = []): IncomingOperation => {
    const [route, item] = Object.entries(d.paths)[0]!;
    return {
      operationId: item.get.operationId,
      method: 'get',
      path: route,
      tags,
      version: d.info.version,
      doc: d,
      origin: `page-of-${item.get.operationId}`,
      yaml: () => `yaml of ${item.get.operationId} ${d.info.version}\n`,
    };
  };
  const input = (over: Partial<PlanInput>): PlanInput => ({
    specDir: 'spec',
    existing: [],
    incoming: [],
    selected: () => true,
    wholeSource: true,
    sourceComplete: true,
    prune: false,
    ...over,
  });
  const summary = (over: Partial<PlanInput>) => {
    const plan = planIngest(input(over));
    return {
      writes: plan.writes.map(
        (w) => `${w.kind} ${w.file}${w.replaces ? ` (was ${w.replaces})` : ''}`,
      ),
      unchanged: plan.unchanged,
      gone: plan.gone.map((d) => d.file),
      removals: plan.removals,
      failures: plan.failures.map((e) => e.message),
      refusal: plan.refusal?.message,
    };
  };

  it('adds what is new, leaves what has the same content, updates what changed', () => {
    const same = doc('a', '2');
    expect(
      summary({
        existing: [existing('spec/a.yaml', { ...same }), existing('spec/b.yaml', doc('b', '2'))],
        incoming: [
          incoming(JSON.parse(JSON.stringify(same))),
          incoming(doc('b', '2', '/v1/b', { summary: 'new' })),
          incoming(doc('c', '2')),
        ],
      }),
    ).toEqual({
      writes: ['updated spec/b.yaml', 'added spec/c.yaml'],
      unchanged: ['spec/a.yaml'],
      gone: [],
      removals: [],
      failures: [],
      refusal: undefined,
    });
  });

  it('refreshes what spec/ holds even when the filters do not select it', () => {
    const plan = planIngest(
      input({
        existing: [existing('spec/a.yaml', doc('a', '1'))],
        incoming: [
          incoming(doc('a', '2')),
          incoming(doc('b', '2')),
          incoming(doc('c', '2'), ['x']),
        ],
        selected: (op) => op.tags.includes('x'),
      }),
    );
    expect(plan.writes.map((w) => `${w.kind} ${w.file}`)).toEqual([
      'updated spec/a.yaml',
      'added spec/c.yaml',
    ]);
    expect(plan.refusal).toBeUndefined();
  });

  it('matches a renamed operationId by METHOD and path, and renames its file', () => {
    expect(
      summary({
        existing: [existing('spec/oldName.yaml', doc('oldName', '1', '/v1/x'))],
        incoming: [incoming(doc('newName', '2', '/v1/x'))],
      }).writes,
    ).toEqual(['updated spec/newName.yaml (was spec/oldName.yaml)']);
  });

  it('keeps the file name and format of a document that is already there', () => {
    const plan = planIngest(
      input({
        existing: [existing('spec/sub/a.json', doc('a', '1'))],
        incoming: [incoming(doc('a', '2'))],
      }),
    );
    expect(plan.writes.map((w) => w.file)).toEqual(['spec/sub/a.json']);
    expect(JSON.parse(plan.writes[0]!.text)).toEqual(doc('a', '2'));
  });

  it('reports operations gone from a whole source, and removes them with prune', () => {
    const over = {
      existing: [
        existing('spec/a.yaml', doc('a', '2')),
        existing('spec/gone.yaml', doc('gone', '2')),
      ],
      incoming: [incoming(doc('a', '2'))],
    };
    expect(summary(over).gone).toEqual(['spec/gone.yaml']);
    expect(summary(over).removals).toEqual([]);
    expect(summary({ ...over, prune: true }).removals).toEqual(['spec/gone.yaml']);
    // pages named one by one are not the whole API: nothing is gone
    expect(summary({ ...over, wholeSource: false }).gone).toEqual([]);
    // nor when pages failed: their operations may still be there
    expect(summary({ ...over, sourceComplete: false, prune: true }).removals).toEqual([]);
  });

  const refusals: [string, Partial<PlanInput>, RegExp][] = [
    [
      'a new release with operations gone and no --prune',
      {
        existing: [
          existing('spec/a.yaml', doc('a', '1')),
          existing('spec/gone.yaml', doc('gone', '1')),
        ],
        incoming: [incoming(doc('a', '2'))],
      },
      /more than one release after this run \(2: 1 document; 1: 1 document \(spec\/gone\.yaml\)\); nothing was written: --prune removes the 1 operation gone from the source$/,
    ],
    [
      'a page of another release named on its own',
      {
        existing: [existing('spec/a.yaml', doc('a', '1'))],
        incoming: [incoming(doc('b', '2'))],
        wholeSource: false,
      },
      /nothing was written: ingest the whole release with --index or --openapi/,
    ],
    [
      'pages that failed, so spec/ could not be refreshed',
      {
        existing: [existing('spec/a.yaml', doc('a', '1')), existing('spec/b.yaml', doc('b', '1'))],
        incoming: [incoming(doc('a', '2'))],
        sourceComplete: false,
      },
      /some pages could not be read/,
    ],
    [
      'a source that mixes releases',
      { incoming: [incoming(doc('a', '2')), incoming(doc('b', '3'))] },
      /the source itself mixes releases \(2, 3\)/,
    ],
  ];
  it.each(refusals)('refuses %s', (_name, over, want) => {
    expect(summary(over).refusal).toMatch(want);
  });

  it('does not refuse once the gone operations are pruned', () => {
    expect(
      summary({
        existing: [
          existing('spec/a.yaml', doc('a', '1')),
          existing('spec/gone.yaml', doc('gone', '1')),
        ],
        incoming: [incoming(doc('a', '2'))],
        prune: true,
      }).refusal,
    ).toBeUndefined();
  });

  it('names an operation whose file another operation already takes', () => {
    const failures = summary({
      existing: [existing('spec/a.yaml', doc('other', '1', '/v1/other'))],
      incoming: [
        incoming(doc('a', '1', '/v1/a')),
        incoming(doc('b', '1')),
        incoming(doc('b', '1', '/v1/b2')),
      ],
      wholeSource: false,
    }).failures;
    expect(failures).toEqual([
      'page-of-a: operation a (GET /v1/a) would be written to spec/a.yaml, already taken by spec/a.yaml, which holds other: one operation per operationId',
      'page-of-b: operation b (GET /v1/b2) would be written to spec/b.yaml, already taken by page-of-b: one operation per operationId',
    ]);
  });

  it('tells which release each file would hold', () => {
    const releases = releasesAfter([existing('spec/a.yaml', doc('a', '1'))], {
      writes: [
        { kind: 'added', file: 'spec/b.yaml', text: '', operation: incoming(doc('b', '2')) },
      ],
      removals: [],
    });
    expect([...releases]).toEqual([
      ['1', ['spec/a.yaml']],
      ['2', ['spec/b.yaml']],
    ]);
  });

  it('refuses a spec/ document holding several operations, naming it', () => {
    const whole: ExistingDocument = {
      ...existing('spec/openapi.json', doc('a', '1')),
      operations: [
        { operationId: 'a', method: 'get', path: '/a', tags: [] },
        { operationId: 'b', method: 'get', path: '/b', tags: [] },
      ],
    };
    expect(() => checkOneOperationPerDocument([whole])).toThrow(
      /^spec\/openapi\.json: holds 2 operations; ingest keeps spec\/ as one document per operation/,
    );
  });
});
