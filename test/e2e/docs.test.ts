import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs, DOCS_SPEC, DOCS_TITLE } from '../../scripts/commands/docs.ts';
import { PipelineError } from '../../scripts/lib/errors.ts';
import { chromiumMissing, openOfflineBrowser, type OfflineBrowser } from '../helpers/chromium.ts';
import { seedTree } from '../helpers/seed.ts';

interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  /** Names of its required parameters. */
  required: string[];
}

/** Every operation of a joined spec: the page must show each one. */
async function specOperations(file: string): Promise<SpecOperation[]> {
  const spec = JSON.parse(await readFile(file, 'utf8')) as {
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          summary: string;
          parameters?: { name: string; required?: boolean }[];
        }
      >
    >;
  };
  return Object.entries(spec.paths).flatMap(([apiPath, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: apiPath,
      operationId: op.operationId,
      summary: op.summary,
      required: (op.parameters ?? []).filter((p) => p.required).map((p) => p.name),
    })),
  );
}

let dir: string;
let html: string;
/** The page of the seed package's two operations, clicked through one by one in Chromium. */
let seedHtml: string;
let operations: SpecOperation[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'feather-docs-'));
  // The package's own generated/openapi.json, whatever it holds (up to the whole API).
  html = (await buildDocs({ out: path.join(dir, 'api', 'index.html') })).out;
  const seedSpec = path.join((await seedTree()).generatedDir, 'openapi.json');
  seedHtml = (await buildDocs({ spec: seedSpec, out: path.join(dir, 'seed', 'index.html') })).out;
  operations = await specOperations(seedSpec);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run docs', () => {
  it('writes one HTML file titled for the package, with Redoc inlined rather than from a CDN', async () => {
    const text = await readFile(html, 'utf8');
    expect(text).toContain(`<title>${DOCS_TITLE}</title>`);
    expect(text).not.toMatch(/<script[^>]+src="https?:/);
  });

  it('fails naming the spec when it cannot read it', async () => {
    const missing = path.join(dir, 'no-such-spec.json');
    const error = await buildDocs({ spec: missing, out: path.join(dir, 'x.html') }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toContain(missing);
  });
});

const missing = chromiumMissing();

/**
 * How long the page may take to render or react: a ceiling for a loaded 2-core machine, not a
 * speed check (expect.poll's default 1 s made these tests fail under load).
 */
const PAGE_CEILING_MS = 30_000;

/** Waits for the element to be visible (failing after {@link PAGE_CEILING_MS}). */
async function visible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: PAGE_CEILING_MS });
}

describe.skipIf(missing)(
  `the API reference in headless Chromium, from disk with the network blocked${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let browser: OfflineBrowser;
    beforeAll(async () => {
      browser = await openOfflineBrowser();
      await browser.page.goto(pathToFileURL(seedHtml).href, { waitUntil: 'load' });
    });
    afterAll(() => browser?.close());

    it('lists every operation of the spec (the seed package has two) by path', async () => {
      expect(operations.map((op) => op.operationId)).toEqual(
        expect.arrayContaining(['getIntegrationDashboard', 'getToolReliabilityTimeoutAnalysis']),
      );
      for (const op of operations) {
        await visible(browser.page.getByText(op.path, { exact: true }).first());
      }
    });

    it('opens each operation on click, showing its summary and required parameters', async () => {
      const { page } = browser;
      for (const op of operations) {
        // Redoc routes on the client: the hash changing proves its script ran, not only the
        // prerender. React hydrates after the load event, later still on a busy machine, and a
        // click on the prerendered page before that does nothing: click until the route follows.
        await expect
          .poll(
            async () => {
              await page.getByText(op.path, { exact: true }).first().click();
              return new URL(page.url()).hash;
            },
            { timeout: PAGE_CEILING_MS, interval: 250 },
          )
          .toMatch(`/${op.operationId.toLowerCase()}`);
        await visible(page.getByText(op.summary, { exact: true }).first());
        for (const name of op.required)
          await visible(page.getByText(name, { exact: true }).first());
      }
    });

    it('runs without page errors and loads no script or style from the network', () => {
      expect(browser.pageErrors).toEqual([]);
      // Redoc's "API docs by" logo is an <img> from its CDN: cosmetic, blocked, and allowed.
      const needed = browser.blocked.filter((request) => !request.startsWith('image '));
      expect(needed).toEqual([]);
    });
  },
);
