/**
 * `npm run bench:bundle`: what one call weighs in a browser bundle (esbuild, minified, ESM, for
 * the browser; then gzip), for bare openapi-fetch, the path style (`createFeatherClient()` and
 * `client.GET(path)`) and the operation functions (`createOperationClient()` and one function),
 * on the package's own generated/ (the seed) and on one generated in a temp dir from the whole
 * API. It prints each size, its ratio to bare openapi-fetch's, and whole-API / seed per style,
 * all from this one run.
 *
 * Options: --api=<openapi.json> (default Feather's 1.87.0 beside the checkout: ../shared/
 * feather-api/, or FEATHER_API_DIR).
 */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { generate } from '../pipeline/generate.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { assertApiDocument, DEFAULT_BENCH_API } from './whole-api.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The goals of issue #19: at most this times bare openapi-fetch; whole API within 5% of seed. */
const GOAL_RATIO_TO_BARE = 2.5;
const GOAL_WHOLE_TO_SEED = 1.05;

/** The one call every entry makes: the seed's dashboard GET, which every build of the API has. */
const PATH = '/v1/analytics/integrations/dashboard';
const QUERY = `{ params: { query: { start_date: '2025-01-01', end_date: '2025-01-31' } } }`;

export type Style = 'bare' | 'path' | 'function';
export const STYLES: readonly Style[] = ['bare', 'path', 'function'];

/** The entry module of `style`, importing the package's sources under `root`. */
export function entrySource(style: Style, root: string): string {
  const at = (file: string): string => JSON.stringify(path.join(root, file));
  switch (style) {
    case 'bare':
      return (
        `import createClient from 'openapi-fetch';\n` +
        `const client = createClient({ baseUrl: 'https://api.example' });\n` +
        `client.GET('${PATH}', ${QUERY}).then((r) => console.log(r.data));\n`
      );
    case 'path':
      return (
        `import { createFeatherClient } from ${at('src/index.ts')};\n` +
        `const client = createFeatherClient({ apiKey: 'bench' });\n` +
        `client.GET('${PATH}', ${QUERY}).then((r) => console.log(r.data));\n`
      );
    case 'function':
      return (
        `import { createOperationClient, getIntegrationDashboard } from ${at('src/operations.ts')};\n` +
        `const client = createOperationClient({ apiKey: 'bench' });\n` +
        `getIntegrationDashboard(client, ${QUERY}).then((r) => console.log(r.data));\n`
      );
  }
}

export interface BundleSize {
  minified: number;
  gzip: number;
}

/** Bundles `entry` (a file) for the browser, minified; its size and gzip size in bytes. */
export async function bundleSize(entry: string): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // The entries sit in a temp dir: packages come from the checkout's node_modules.
    nodePaths: [path.join(ROOT, 'node_modules')],
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** A temp root with spec/ = `api`, the package's sources, and generated/ from the pipeline. */
async function wholeApiRoot(work: string, api: string): Promise<string> {
  const root = path.join(work, 'whole');
  await mkdir(path.join(root, 'spec'), { recursive: true });
  await cp(api, path.join(root, 'spec', 'openapi.json'));
  await cp(path.join(ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  for (const dir of ['common', 'src'])
    await cp(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  await generate({ root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' }, true);
  return root;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** The table: one row per build and style, with ratios to bare and whole / seed. */
export function formatBundles(
  sizes: Record<'seed' | 'whole', Record<Style, BundleSize>>,
): string[] {
  const lines = [
    `  ${'build'.padEnd(7)}${'style'.padEnd(10)}${'minified'.padStart(12)}${'gzip'.padStart(12)}${'gzip / bare'.padStart(14)}`,
  ];
  for (const api of ['seed', 'whole'] as const) {
    for (const style of STYLES) {
      const size = sizes[api][style];
      const ratio = size.gzip / sizes[api].bare.gzip;
      lines.push(
        `  ${api.padEnd(7)}${style.padEnd(10)}${kb(size.minified).padStart(12)}${kb(size.gzip).padStart(12)}` +
          `${ratio.toFixed(2).padStart(14)}${style === 'bare' ? '' : `   (goal <= ${GOAL_RATIO_TO_BARE})`}`,
      );
    }
  }
  for (const style of STYLES.filter((s) => s !== 'bare')) {
    const ratio = sizes.whole[style].gzip / sizes.seed[style].gzip;
    lines.push(
      `  whole / seed, ${style} style (gzip): ${ratio.toFixed(3)}   (goal <= ${GOAL_WHOLE_TO_SEED})`,
    );
  }
  return lines;
}

/** Reads `--api=<file>`; a `PipelineError` (exit 2) for anything else. */
export function parseBundleBenchArgs(argv: string[]): { api: string } {
  const options = { api: DEFAULT_BENCH_API };
  for (const arg of argv) {
    if (arg.startsWith('--api=') && arg.length > '--api='.length) {
      options.api = path.resolve(arg.slice('--api='.length));
    } else {
      throw new PipelineError(`unknown argument ${arg} (expected --api=<file>)`);
    }
  }
  return options;
}

export async function benchBundleCommand(argv: string[]): Promise<number> {
  const { api } = parseBundleBenchArgs(argv);
  assertApiDocument(api);
  const work = await mkdtemp(path.join(tmpdir(), 'feather-bench-bundle-'));
  try {
    console.log(`bench:bundle: seed (generated/) and ${api}; one GET per entry`);
    const roots = { seed: ROOT, whole: await wholeApiRoot(work, api) };
    const sizes = { seed: {}, whole: {} } as Record<'seed' | 'whole', Record<Style, BundleSize>>;
    for (const api of ['seed', 'whole'] as const) {
      for (const style of STYLES) {
        const entry = path.join(work, `${api}-${style}.ts`);
        await writeFile(entry, entrySource(style, roots[api]));
        sizes[api][style] = await bundleSize(entry);
      }
    }
    for (const line of formatBundles(sizes)) console.log(line);
    return EXIT_OK;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchBundleCommand);
