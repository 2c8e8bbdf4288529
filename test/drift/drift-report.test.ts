/**
 * The markdown report is for people (src/drift/report.ts): operations upstream that spec/ does
 * not pin are a count and a few lines with the command that lists them all; the rows that say
 * what to do are never cut; the whole report (no bound) keeps everything.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pipelineExportedNames } from '../../scripts/commands/drift.ts';
import type { Dict } from '../../src/drift/document.ts';
import { diffDocuments, formatReport, UPSTREAM_ONLY_SHOWN } from '../../src/drift/index.ts';
import { FIXTURES } from '../helpers/workspace.ts';
import { oneOperationDoc } from '../helpers/one-operation.ts';

async function fixtureDoc(name: string): Promise<Dict> {
  return parse(
    await readFile(path.join(FIXTURES, 'rekeyed', name, 'spec', 'rows.yaml'), 'utf8'),
  ) as Dict;
}

/** A long published name, as qualified aliases of the whole API are. */
const LONG_NAME = 'AnalyticsIntegrationsLatencyTimeseriesRow';

/** `before` pinned; upstream lost the schema Row and publishes `extra` more operations. */
async function reportWith(extra: number) {
  const before = await fixtureDoc('before');
  const after = await fixtureDoc('none');
  const paths = after.paths as Dict;
  for (let n = 0; n < extra; n++)
    paths[`/v1/extra-${String(n).padStart(2, '0')}`] = {
      get: { operationId: `getExtra${n}`, responses: { '200': { description: 'ok' } } },
    };
  return diffDocuments(
    { doc: before, name: 'spec/' },
    { doc: after, name: 'https://api.test/openapi.json' },
    { exportedNames: await pipelineExportedNames({ [LONG_NAME]: 'schema:Row' }) },
  );
}

const context = { base: 'spec/', revision: 'https://api.test/openapi.json' };

describe('markdown report', () => {
  it(`lists ${UPSTREAM_ONLY_SHOWN} upstream-only operations, counts the rest and gives the command listing all`, async () => {
    const text = formatReport(await reportWith(25), 'markdown', context, {
      wholeReport: 'the `drift-report` artifact',
    });
    expect(text).toContain('### 25 operations upstream that we do not pin (not breaking)');
    expect(text.match(/^- GET \/v1\/extra-\d+ \(getExtra\d+\) added$/gm)).toHaveLength(20);
    expect(text).toContain(
      '- ... and 5 more. All of them: `npm run drift -- --against https://api.test/openapi.json --format text`, or the `drift-report` artifact.',
    );
  });

  it('the whole report (no bound) lists every upstream-only operation', async () => {
    const text = formatReport(await reportWith(25), 'markdown', context, { maxChars: Infinity });
    expect(text.match(/^- GET \/v1\/extra-\d+ \(getExtra\d+\) added$/gm)).toHaveLength(25);
    expect(text).not.toContain('... and');
  });

  it('a breaking row is never cut: the removal keeps the command to run', async () => {
    const report = await reportWith(0);
    const removal = report.changes.find((c) => c.id === 'exported-name-removed')!;
    expect(removal.message.length).toBeGreaterThan(300);
    const text = formatReport(report, 'markdown', context, { maxChars: 2_000 + 1_500 });
    expect(text).toContain(removal.message.replace(/\|/g, '\\|'));
  });

  it('a revision with shell characters is quoted in the command', async () => {
    const text = formatReport(await reportWith(21), 'markdown', {
      base: 'spec/',
      revision: "docs/it's here.md",
    });
    expect(text).toContain("`npm run drift -- --against 'docs/it'\\''s here.md' --format text`");
  });
});

describe('markdown report: names upstream stay text', () => {
  /** GET /x's response property `name` changed from a string to an integer upstream. */
  function reportOnProperty(name: string) {
    const body = (type: string) => ({ type: 'object', properties: { [name]: { type } } });
    return diffDocuments(
      { doc: oneOperationDoc({ title: 't', schema: body('string') }) as Dict, name: 'spec/' },
      { doc: oneOperationDoc({ title: 't', schema: body('integer') }) as Dict, name: 'up' },
    );
  }
  const whereOf = (text: string): string =>
    // The last such row: the first is the "by rule" table's.
    text
      .split('\n')
      .filter((line) => line.startsWith('| `response-type-changed` |'))
      .at(-1)!
      .split(' | ')[2]!;

  it.each<[string, string, string]>([
    [
      'a backtick pair',
      'a`b`c',
      '``responses/200/content/application~1json/schema/properties/a`b`c``',
    ],
    [
      'a run of two',
      'a``b',
      '```responses/200/content/application~1json/schema/properties/a``b```',
    ],
    [
      'a backtick at the end',
      'ab`',
      '`` responses/200/content/application~1json/schema/properties/ab` ``',
    ],
  ])(
    'a place holding %s is one code span, fenced longer than any run inside',
    (_name, property, want) => {
      const text = formatReport(reportOnProperty(property), 'markdown', {
        base: 'spec/',
        revision: 'up',
      });
      expect(whereOf(text)).toBe(`${want} of the operation`);
    },
  );

  it('a backtick in a name stays text in the change column, and in the sources named above', () => {
    const text = formatReport(reportOnProperty('a`b` and `c\\'), 'markdown', {
      base: 'spec/',
      revision: 'up`load.json',
    });
    const change = text
      .split('\n')
      .filter((line) => line.startsWith('| `response-type-changed` |'))
      .at(-1)!
      .split(' | ')[1]!;
    expect(change).toContain(
      'response 200 (application/json).a\\`b\\` and \\`c\\\\: type string -> integer',
    );
    // Every backtick and backslash of the name is escaped: none opens a code span.
    expect(change.replace(/\\[\\`]/g, '')).not.toMatch(/[\\`]/);
    expect(text).toContain('Compared with: ``up`load.json`` (info.version');
  });

  it('an @mention upstream notifies nobody: a zero-width space follows the @ outside code spans', () => {
    const text = formatReport(reportOnProperty('@octocat and @acme/team'), 'markdown', {
      base: 'spec/',
      revision: 'up',
    });
    expect(text).toContain('response 200 (application/json).@&#8203;octocat and @&#8203;acme/team');
    // Outside code spans, no `@` is followed by a name.
    const outsideCode = text.replace(/(`+)[^]*?\1/g, '');
    expect(outsideCode).not.toMatch(/@[\w-]/);
    // Inside the where cell's code span a mention does not link, and the name is shown as is.
    expect(whereOf(text)).toContain('properties/@octocat and @acme~1team`');
  });
});
