/**
 * The client in a real browser: src/ compiled as the package build does it (tsc with
 * tsconfig.build.json, no Node types), loaded as ES modules by headless Chromium from a loopback
 * server that also plays the API (same origin, so no CORS in the way). Proves that nothing on
 * the runtime path needs Node: no `node:` import, `process` only behind a guard, `fetch` called
 * without a receiver (a browser throws "Illegal invocation" otherwise).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageBin, packageManifestPath } from '../../scripts/lib/packages.ts';
import { freePort } from '../../scripts/lib/prism.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from '../helpers/chromium.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const KEY = 'sk_test_browser_1d3f5a7c';
const missing = chromiumMissing();

let outDir: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
/** `x-api-key` of every API request the server received, and what it answered. */
const apiRequests: { key: string | undefined; status: number }[] = [];
let replies: number[] = [];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.html': 'text/html',
};
const PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "openapi-fetch": "/openapi-fetch.mjs", "eventsource-parser": "/eventsource-parser.mjs" } }</script>
<script type="module">
  import * as feather from '/lib/src/index.js';
  import * as operations from '/lib/src/client/operation.js';
  window.feather = feather;
  window.operations = operations;
  window.featherReady = true;
</script>`;

/** A page that loads the operation functions' module alone (no openapi-fetch until it is needed). */
const OPERATIONS_PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "openapi-fetch": "/openapi-fetch.mjs", "eventsource-parser": "/eventsource-parser.mjs" } }</script>
<script type="module">
  import * as operations from '/lib/src/client/operation.js';
  window.operations = operations;
  window.featherReady = true;
</script>`;
/** A page that loads the package's entry alone (its path style: no openapi-fetch until needed). */
const PATH_PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "openapi-fetch": "/openapi-fetch.mjs", "eventsource-parser": "/eventsource-parser.mjs" } }</script>
<script type="module">
  import * as feather from '/lib/src/index.js';
  window.feather = feather;
  window.featherReady = true;
</script>`;
/** Every URL the pages asked the server for, in order. */
const assetRequests: string[] = [];
/** While true the page's modules are refused (a network that dropped), and listed here. */
let assetsDown = false;
const refusedAssets: string[] = [];

async function answer(
  url: string,
): Promise<{ status: number; type: string; body: string | Buffer }> {
  assetRequests.push(url);
  if (url === '/') return { status: 200, type: TYPES['.html']!, body: PAGE };
  if (url === '/operations.html')
    return { status: 200, type: TYPES['.html']!, body: OPERATIONS_PAGE };
  if (url === '/path.html') return { status: 200, type: TYPES['.html']!, body: PATH_PAGE };
  // The package's two runtime dependencies, as a bundler would resolve them.
  if (url === '/openapi-fetch.mjs') {
    const file = path.join(path.dirname(packageManifestPath('openapi-fetch')), 'dist', 'index.mjs');
    return { status: 200, type: TYPES['.mjs']!, body: await readFile(file) };
  }
  if (url === '/eventsource-parser.mjs') {
    const dir = path.dirname(packageManifestPath('eventsource-parser'));
    return {
      status: 200,
      type: TYPES['.mjs']!,
      body: await readFile(path.join(dir, 'dist', 'index.js')),
    };
  }
  if (url.startsWith('/lib/')) {
    if (assetsDown) {
      refusedAssets.push(url);
      return { status: 503, type: 'text/plain', body: 'the network dropped' };
    }
    const file = path.join(outDir, path.normalize(url.slice('/lib/'.length)));
    if (!file.startsWith(outDir)) return { status: 404, type: 'text/plain', body: '' };
    try {
      return {
        status: 200,
        type: TYPES[path.extname(file)] ?? 'text/plain',
        body: await readFile(file),
      };
    } catch {
      return { status: 404, type: 'text/plain', body: `no ${url}` };
    }
  }
  return { status: 404, type: 'text/plain', body: `no ${url}` };
}

beforeAll(async () => {
  if (missing) return;
  outDir = await mkdtemp(path.join(tmpdir(), 'feather-browser-'));
  const tsc = packageBin('typescript', 'tsc');
  await promisify(execFile)(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
      '--inlineSources',
      'false',
    ],
    { cwd: ROOT },
  );
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(PATH)) {
      const status = replies.shift() ?? 200;
      apiRequests.push({ key: req.headers['x-api-key'] as string | undefined, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '[{"tool_id":"t1"}]' : '{"error":"unavailable","message":"later"}');
      return;
    }
    void answer(url).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { featherReady?: boolean }).featherReady);
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe.skipIf(missing)(`the client in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('retries a 503 and returns the data, with the key on every attempt', async () => {
    apiRequests.length = 0;
    replies = [503];
    const result = await page.evaluate(
      async ({ key, path: apiPath }) => {
        const { createFeatherClient } = (
          window as unknown as { feather: typeof import('../../src/index.ts') }
        ).feather;
        const client = createFeatherClient({
          apiKey: key,
          baseUrl: location.origin,
          initialRetryDelayMs: 1,
          logLevel: 'off',
        });
        const { data, response } = await client.GET(
          apiPath as '/v1/analytics/tools/reliability/timeout-analysis',
          {
            params: { query: { start_date: '2024-01-01', end_date: '2024-01-31', limit: 5 } },
          },
        );
        return { status: response.status, data };
      },
      { key: KEY, path: PATH },
    );
    expect(result).toEqual({ status: 200, data: [{ tool_id: 't1' }] });
    expect(apiRequests).toEqual([
      { key: KEY, status: 503 },
      { key: KEY, status: 200 },
    ]);
  });

  it('throws the typed errors: validation before sending, unwrap after', async () => {
    apiRequests.length = 0;
    replies = [503];
    const names = await page.evaluate(async (apiPath) => {
      const { createFeatherClient, unwrap } = (
        window as unknown as { feather: typeof import('../../src/index.ts') }
      ).feather;
      const client = createFeatherClient({
        apiKey: 'k',
        baseUrl: location.origin,
        maxRetries: 0,
        logLevel: 'off',
      });
      const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
      const invalid = await client
        .GET(path, {
          params: { query: { start_date: 'January', end_date: '2024-01-31', limit: 500 } },
        })
        .catch((error: Error) => `${error.name}: ${error.message.split('\n')[0]}`);
      const unavailable = await unwrap(
        client.GET(path, {
          params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
        }),
      ).catch((error: Error & { status?: number }) => `${error.name} ${error.status}`);
      return [invalid, unavailable];
    }, PATH);
    expect(names).toEqual([
      `FeatherValidationError: GET ${PATH}: 2 invalid parameters, nothing was sent:`,
      'InternalServerError 503',
    ]);
    expect(apiRequests).toHaveLength(1);
  });

  it('sends an operation function without openapi-fetch: retried, keyed, parsed', async () => {
    apiRequests.length = 0;
    replies = [503];
    const result = await page.evaluate(
      async ({ key, path: apiPath }) => {
        const { createOperationClient, operationFunction } = (
          window as unknown as { operations: typeof import('../../src/client/operation.ts') }
        ).operations;
        const client = createOperationClient({
          apiKey: key,
          baseUrl: location.origin,
          initialRetryDelayMs: 1,
          logLevel: 'off',
        });
        const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
        const timeouts = operationFunction<typeof path, 'get'>('GET', path, [
          { name: 'limit', in: 'query', required: false, types: ['integer'], maximum: 100 },
          { name: 'start_date', in: 'query', required: true, types: ['string'], format: 'date' },
          { name: 'end_date', in: 'query', required: true, types: ['string'], format: 'date' },
        ]);
        const invalid = await timeouts(client, {
          params: { query: { start_date: '2024-01-01', end_date: '2024-01-31', limit: 500 } },
        }).catch((error: Error) => error.name);
        const { data, response } = await timeouts(client, {
          params: { query: { start_date: '2024-01-01', end_date: '2024-01-31', limit: 5 } },
        });
        return { invalid, status: response.status, data };
      },
      { key: KEY, path: PATH },
    );
    expect(result).toEqual({
      invalid: 'FeatherValidationError',
      status: 200,
      data: [{ tool_id: 't1' }],
    });
    expect(apiRequests).toEqual([
      { key: KEY, status: 503 },
      { key: KEY, status: 200 },
    ]);
  });

  it('loads openapi-fetch only for the first call that needs it', async () => {
    const operationsPage = await browser.newPage();
    try {
      assetRequests.length = 0;
      replies = [];
      await operationsPage.goto(`${origin}/operations.html`);
      await operationsPage.waitForFunction(
        () => (window as unknown as { featherReady?: boolean }).featherReady,
      );
      const run = (style: 'function' | 'path') =>
        operationsPage.evaluate(
          async ({ key, path: apiPath, style: how }) => {
            const { createOperationClient, operationFunction } = (
              window as unknown as { operations: typeof import('../../src/client/operation.ts') }
            ).operations;
            const client = createOperationClient({
              apiKey: key,
              baseUrl: location.origin,
              logLevel: 'off',
            });
            const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
            const init = {
              params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
            };
            const { response } =
              how === 'path'
                ? await client.GET(path, init)
                : await operationFunction<typeof path, 'get'>('GET', path, [
                    { name: 'start_date', in: 'query', required: true, types: ['string'] },
                    { name: 'end_date', in: 'query', required: true, types: ['string'] },
                  ])(client, init);
            return response.status;
          },
          { key: KEY, path: PATH, style },
        );
      expect(await run('function')).toBe(200);
      expect(assetRequests).not.toContain('/openapi-fetch.mjs');
      expect(await run('path')).toBe(200);
      expect(assetRequests).toContain('/openapi-fetch.mjs');
    } finally {
      await operationsPage.close();
    }
  });

  it('fetches the failure path after the first success, so a retry works once modules cannot load', async () => {
    const context = await browser.newContext(); // its own cache: the modules are fetched afresh
    const operationsPage = await context.newPage();
    const RETRY_STEP = '/lib/src/client/transport/retry-step.js';
    const MESSAGES = '/lib/src/client/policy/validation-messages.js';
    try {
      assetRequests.length = 0;
      apiRequests.length = 0;
      await operationsPage.goto(`${origin}/operations.html`);
      await operationsPage.waitForFunction(
        () => (window as unknown as { featherReady?: boolean }).featherReady,
      );
      // The class the package's entry exports, loaded now: later the page loads nothing more.
      await operationsPage.addScriptTag({
        type: 'module',
        content: `import * as feather from '/lib/src/index.js'; window.feather = feather; window.entryReady = true;`,
      });
      await operationsPage.waitForFunction(
        () => (window as unknown as { entryReady?: boolean }).entryReady,
      );
      // One client for every call (kept on the page); `start_date: 'January'` fails validation.
      const call = (startDate: string) =>
        operationsPage.evaluate(
          async ({ key, path: apiPath, startDate: start }) => {
            const page = window as unknown as {
              operations: typeof import('../../src/client/operation.ts');
              client?: import('../../src/client/client.ts').FeatherClient;
            };
            const { createOperationClient, operationFunction } = page.operations;
            page.client ??= createOperationClient({
              apiKey: key,
              baseUrl: location.origin,
              initialRetryDelayMs: 0,
              logLevel: 'off',
            });
            const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
            const timeouts = operationFunction<typeof path, 'get'>('GET', path, [
              {
                name: 'start_date',
                in: 'query',
                required: true,
                types: ['string'],
                format: 'date',
              },
              { name: 'end_date', in: 'query', required: true, types: ['string'] },
            ]);
            try {
              const { response } = await timeouts(page.client, {
                params: { query: { start_date: start, end_date: '2024-01-31' } },
              });
              return String(response.status);
            } catch (error) {
              // The class the package's entry exports is the one the client threw.
              const { FeatherValidationError } = (
                window as unknown as { feather: typeof import('../../src/index.ts') }
              ).feather;
              return `${(error as Error).name} ${error instanceof FeatherValidationError}`;
            }
          },
          { key: KEY, path: PATH, startDate },
        );
      replies = [200];
      const beforeCall = assetRequests.length;
      expect(await call('2024-01-01')).toBe('200');
      // Fetched after the response, in the background: the call did not wait for it.
      await expect
        .poll(() => assetRequests.slice(beforeCall), { timeout: 10_000 })
        .toContain(RETRY_STEP);
      // The same module graph as the client's background import: settled once it is. (A string:
      // vitest would rewrite an `import()` in a function.)
      await operationsPage.evaluate(
        `Promise.all(${JSON.stringify([RETRY_STEP, MESSAGES])}.map((module) => import(module)))`,
      );
      assetsDown = true; // the network drops for the page's modules; the API still answers
      replies = [503, 200];
      expect(await call('2024-01-01')).toBe('200');
      expect(await call('January')).toBe('FeatherValidationError true');
      expect(apiRequests.map(({ status }) => status)).toEqual([200, 503, 200]);
      expect(refusedAssets).toEqual([]); // nothing more was needed
    } finally {
      assetsDown = false;
      await context.close();
    }
  });

  it("a connection failure while the failure path cannot load is a FeatherError with the fetch error as cause, and so is a later call's 503 if the browser keeps the import failed", async () => {
    const context = await browser.newContext(); // its own cache: nothing of the failure path yet
    const operationsPage = await context.newPage();
    const RETRY_STEP = '/lib/src/client/transport/retry-step.js';
    const closedPort = await freePort();
    try {
      apiRequests.length = 0;
      refusedAssets.length = 0;
      await operationsPage.goto(`${origin}/operations.html`);
      await operationsPage.waitForFunction(
        () => (window as unknown as { featherReady?: boolean }).featherReady,
      );
      const call = (baseUrl: string | undefined) =>
        operationsPage.evaluate(
          async ({ key, path: apiPath, baseUrl: base }) => {
            const { createOperationClient, operationFunction } = (
              window as unknown as { operations: typeof import('../../src/client/operation.ts') }
            ).operations;
            const client = createOperationClient({
              apiKey: key,
              baseUrl: base ?? location.origin,
              initialRetryDelayMs: 0,
              logLevel: 'off',
            });
            const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
            const timeouts = operationFunction<typeof path, 'get'>('GET', path, [
              { name: 'start_date', in: 'query', required: true, types: ['string'] },
              { name: 'end_date', in: 'query', required: true, types: ['string'] },
            ]);
            try {
              const { response } = await timeouts(client, {
                params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
              });
              return { status: response.status };
            } catch (error) {
              const { cause } = error as Error;
              return {
                name: (error as Error).name,
                message: (error as Error).message,
                cause: cause instanceof Error ? cause.name : typeof cause,
              };
            }
          },
          { key: KEY, path: PATH, baseUrl },
        );
      assetsDown = true; // the network is down: no API, no modules
      const failed = await call(`http://127.0.0.1:${closedPort}`);
      expect(refusedAssets).toContain(RETRY_STEP);
      expect(failed).toMatchObject({ name: 'FeatherError', cause: 'TypeError' });
      expect((failed as { message: string }).message).toContain(
        `GET http://127.0.0.1:${closedPort}${PATH}: the connection failed (attempt 1), and the client could not load`,
      );
      expect(JSON.stringify(failed)).not.toContain(KEY);
      // Back: the next call imports again. Chromium 150 keeps a failed import failed for the
      // page's life (it fetches nothing), so the 503 gets the same clear error, not a TypeError;
      // a browser that fetches again retries the 503.
      assetsDown = false;
      replies = [503, 200];
      const next = await call(undefined);
      if ('status' in next) expect(next.status).toBe(200);
      else {
        expect(next).toMatchObject({ name: 'FeatherError' });
        expect(next.message).toContain('the server answered 503 (attempt 1)');
      }
    } finally {
      assetsDown = false;
      await context.close();
    }
  });

  it('the path style loads openapi-fetch only once middleware is in play', async () => {
    const context = await browser.newContext(); // its own cache: the module is fetched afresh
    const pathPage = await context.newPage();
    try {
      assetRequests.length = 0;
      replies = [];
      await pathPage.goto(`${origin}/path.html`);
      await pathPage.waitForFunction(
        () => (window as unknown as { featherReady?: boolean }).featherReady,
      );
      // One client for both calls (kept on the page), the second with middleware.
      const call = (withMiddleware: boolean) =>
        pathPage.evaluate(
          async ({ key, path: apiPath, withMiddleware: use }) => {
            const page = window as unknown as {
              feather: typeof import('../../src/index.ts');
              client?: import('../../src/index.ts').FeatherClient;
              seen?: number;
            };
            page.client ??= page.feather.createFeatherClient({
              apiKey: key,
              baseUrl: location.origin,
              logLevel: 'off',
            });
            if (use) page.client.use({ onRequest: () => void (page.seen = (page.seen ?? 0) + 1) });
            const { response } = await page.client.GET(
              apiPath as '/v1/analytics/tools/reliability/timeout-analysis',
              { params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } } },
            );
            return { status: response.status, seen: page.seen ?? 0 };
          },
          { key: KEY, path: PATH, withMiddleware },
        );
      expect(await call(false)).toEqual({ status: 200, seen: 0 });
      expect(assetRequests).not.toContain('/openapi-fetch.mjs');
      expect(await call(true)).toEqual({ status: 200, seen: 1 });
      expect(assetRequests).toContain('/openapi-fetch.mjs');
    } finally {
      await context.close();
    }
  });

  it("accepts the page's own window.fetch as the fetch option", async () => {
    apiRequests.length = 0;
    replies = [];
    const status = await page.evaluate(async (apiPath) => {
      const { createFeatherClient } = (
        window as unknown as { feather: typeof import('../../src/index.ts') }
      ).feather;
      const client = createFeatherClient({
        apiKey: 'k',
        baseUrl: location.origin,
        fetch: window.fetch,
        logLevel: 'off',
      });
      const path = apiPath as '/v1/analytics/tools/reliability/timeout-analysis';
      const { response } = await client.GET(path, {
        params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
      });
      return response.status;
    }, PATH);
    expect(status).toBe(200);
    expect(apiRequests).toHaveLength(1);
  });

  it('refuses to create a client without a key, naming apiKey and FEATHER_API_KEY', async () => {
    const message = await page.evaluate(() => {
      const { createFeatherClient } = (
        window as unknown as { feather: typeof import('../../src/index.ts') }
      ).feather;
      try {
        createFeatherClient({ baseUrl: location.origin });
        return 'created';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toMatch(/apiKey.*FEATHER_API_KEY/);
  });
});
