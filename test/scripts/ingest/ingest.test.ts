import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractOpenApi, fencedBlocks } from '../../../scripts/ingest/page.ts';
import { ingest } from '../../../scripts/ingest/run.ts';
import { FIXTURES } from '../../helpers/workspace.ts';

// Copies of Feather's documentation pages (../shared/feather-docs), so the test needs no sibling folder.
const DOCS = path.join(FIXTURES, 'feather-docs');
const PAGES = ['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis'];

let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  dir = undefined;
  server = undefined;
});

/** Ingests `pages` into `<dir>/spec`: the files written (absolute) and the failures. */
async function ingestPages(pages: string[], root: string) {
  const report = await ingest({ kind: 'pages', pages }, { root });
  return {
    written: [...report.added, ...report.updated].map((file) => path.join(root, file)),
    errors: report.failed,
  };
}

describe('ingest', () => {
  it.each(PAGES)(
    'writes the embedded document of %s unchanged, named after its operationId',
    async (name) => {
      dir = await mkdtemp(path.join(tmpdir(), 'feather-ingest-'));
      const page = path.join(DOCS, `${name}.md`);
      const { written, errors } = await ingestPages([page], dir);
      expect(errors).toEqual([]);
      expect(written).toEqual([path.join(dir, 'spec', `${name}.yaml`)]);
      const markdown = await readFile(page, 'utf8');
      const embedded = markdown.slice(markdown.indexOf('````yaml'), markdown.lastIndexOf('````'));
      expect(await readFile(written[0]!, 'utf8')).toBe(
        `${embedded.slice(embedded.indexOf('\n') + 1)}`,
      );
    },
  );

  it('fetches a page over http', async () => {
    const markdown = await readFile(path.join(DOCS, `${PAGES[1]}.md`), 'utf8');
    server = createServer((_request, response) => response.end(markdown));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    dir = await mkdtemp(path.join(tmpdir(), 'feather-ingest-'));
    const { written, errors } = await ingestPages([`http://127.0.0.1:${port}/page.md`], dir);
    expect(errors).toEqual([]);
    expect(written.map((file) => path.basename(file))).toEqual([
      'getToolReliabilityTimeoutAnalysis.yaml',
    ]);
  });

  const bad: [string, RegExp][] = [
    ['no-openapi-block.md', /no-openapi-block\.md: no OpenAPI block found/],
    [
      'two-openapi-blocks.md',
      /two-openapi-blocks\.md: 2 OpenAPI blocks found \(at lines 4, 10\); expected exactly one/,
    ],
    ['invalid-yaml-block.md', /invalid-yaml-block\.md:14: embedded OpenAPI block: invalid YAML/],
    ['missing-page.md', /missing-page\.md: cannot read page \(ENOENT\)/],
  ];
  it.each(bad)('%s: a clear error naming the page, and nothing written', async (file, want) => {
    dir = await mkdtemp(path.join(tmpdir(), 'feather-ingest-'));
    const { written, errors } = await ingestPages([path.join(FIXTURES, 'ingest', file)], dir);
    expect(written).toEqual([]);
    expect(errors.map((e) => e.message).join('\n')).toMatch(want);
    expect(await readdir(dir)).toEqual([]);
  });

  it('still ingests the good pages of a run with a bad one', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'feather-ingest-'));
    const { written, errors } = await ingestPages(
      [path.join(FIXTURES, 'ingest', 'no-openapi-block.md'), path.join(DOCS, `${PAGES[0]}.md`)],
      dir,
    );
    expect(errors).toHaveLength(1);
    expect(await readdir(path.join(dir, 'spec'))).toEqual([`${PAGES[0]}.yaml`]);
    expect(written).toHaveLength(1);
  });
});

describe('fencedBlocks', () => {
  it('keeps an inner shorter fence inside a longer one', () => {
    const blocks = fencedBlocks('````md\n```yaml\nx: 1\n```\n````\n');
    expect(blocks).toEqual([{ info: 'md', body: '```yaml\nx: 1\n```\n', line: 2 }]);
  });
  it('rejects a page whose only operation has no usable operationId', () => {
    expect(() =>
      extractOpenApi(
        'page.md',
        '```yaml\nopenapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get: {responses: {}}\n```\n',
      ),
    ).toThrow(
      /page\.md:2: expected exactly one operation with a file-safe operationId, found \[""\]/,
    );
  });
});
