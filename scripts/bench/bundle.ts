/**
 * `npm run bench:bundle`: what a browser app downloads for one call (esbuild, minified, ESM, for
 * the browser, code-split as Vite and Rollup split dynamic imports; then gzip, chunk by chunk),
 * for bare openapi-fetch, the path style (`createFeatherClient()` and `client.GET(path)`) and the
 * operation functions (`createOperationClient()` and one function), on the package's own
 * generated/ (the seed) and on one generated in a temp dir from the whole API. What counts is the
 * entry chunk, the chunks it imports, and the chunks the call imports with the client's defaults:
 * the parameter shard of its operation (common/parameter-shard.ts). The chunk of response
 * validation (off by default) is printed on its own line. It prints each size, its ratio to
 * bare openapi-fetch's, and whole-API / seed per style, all from this one run.
 *
 * Options: --api=<openapi.json> (default Feather's 1.87.0 beside the checkout: ../shared/
 * feather-api/, or FEATHER_API_DIR).
 */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { parameterShardOf } from '../../common/parameter-shard.ts';
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

/** What a call downloads, and what response validation would add to it. */
export interface CallBundle extends BundleSize {
  /** The chunks loaded only with `validateResponses` (the validator and the schemas). */
  validation: BundleSize;
  /** The failure path, fetched in the background after the first success (not waited for). */
  failure: BundleSize;
}

/** The shard file the path-style call of `PATH` imports (generated/parameter-shards/NN.ts). */
export const CALL_SHARD = `parameter-shards/${String(parameterShardOf(`GET ${PATH}`)).padStart(2, '0')}.ts`;

/** Inputs that mark a chunk as response validation's. */
const VALIDATION_INPUTS = ['generated/response-schemas.ts', '@cfworker/json-schema'];

/** Inputs that mark a chunk as the failure path's (src/client/transport/failure-path.ts). */
const FAILURE_INPUTS = [
  'src/client/transport/retry-step.ts',
  'src/client/policy/validation-messages.ts',
];

/**
 * Kind of chunk for `callChunks`: one the call loads, one validation loads, the failure path
 * (loaded after the first success), or none of them.
 */
export type ChunkKind = 'call' | 'validation' | 'failure' | 'other';

/**
 * The output chunks of `metafile` a call loads, in downloads: the entry's with what it imports
 * statically; then each dynamically imported chunk `kindOf` says the call loads, with what it
 * imports statically that is not loaded yet. The same for validation's. A shared chunk counts
 * once, for the call first. esbuild moves a module that the entry and a lazy chunk share into a
 * chunk of its own, where Rollup (Vite) keeps it in the entry: a download is its chunks joined.
 */
export function callChunks(
  metafile: Metafile,
  /** The entry point as the metafile names it (relative to the build's working directory). */
  entryPoint: string,
  kindOf: (inputs: string[]) => ChunkKind,
): Record<Exclude<ChunkKind, 'other'>, string[][]> {
  const outputs = metafile.outputs;
  const seen = new Set<string>();
  const closure = (start: string): string[] => {
    const found: string[] = [];
    const queue = [start];
    while (queue.length > 0) {
      const chunk = queue.pop()!;
      if (seen.has(chunk)) continue;
      seen.add(chunk);
      found.push(chunk);
      for (const { path: next, kind } of outputs[chunk]?.imports ?? [])
        if (kind === 'import-statement' && outputs[next]) queue.push(next);
    }
    return found;
  };
  // Dynamically imported modules are entry points of their chunks too: find the build's own.
  const entry = Object.keys(outputs).find((chunk) => outputs[chunk]!.entryPoint === entryPoint);
  if (entry === undefined) throw new PipelineError(`bench:bundle: no chunk for ${entryPoint}`);
  // esbuild writes a chunk for every `import()` in a bundled module, even one whose code was
  // shaken out: only the chunks imported from a counted chunk can load.
  const loads = (kind: ChunkKind, from: string[][]): string[][] => {
    const downloads: string[][] = [];
    let frontier = from.flat();
    while (frontier.length > 0) {
      const next = new Set(
        frontier.flatMap((chunk) =>
          (outputs[chunk]?.imports ?? [])
            .filter(({ path: target, kind: how }) => how === 'dynamic-import' && outputs[target])
            .map(({ path: target }) => target),
        ),
      );
      const found = [...next]
        .filter((chunk) => !seen.has(chunk) && kindOf(Object.keys(outputs[chunk]!.inputs)) === kind)
        .map(closure)
        .filter((download) => download.length > 0);
      downloads.push(...found);
      frontier = found.flat();
    }
    return downloads;
  };
  const call = [closure(entry)];
  call.push(...loads('call', call));
  return { call, validation: loads('validation', call), failure: loads('failure', call) };
}

/** The kind of a chunk by its inputs: the call's shard, response validation's, or another. */
function chunkKind(inputs: string[]): ChunkKind {
  if (inputs.some((input) => input.endsWith(`generated/${CALL_SHARD}`))) return 'call';
  if (inputs.some((input) => VALIDATION_INPUTS.some((mark) => input.includes(mark)))) {
    return 'validation';
  }
  if (inputs.some((input) => FAILURE_INPUTS.some((mark) => input.endsWith(mark)))) return 'failure';
  return 'other';
}

/**
 * esbuild's options for a browser app's build of `entry` (a file): bundled, minified ESM, split
 * at dynamic imports, into `outdir` in memory, with a metafile; shared with
 * test/client/bundle-entry.test.ts.
 */
export function browserBuild(entry: string, outdir: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    outdir,
    absWorkingDir: path.dirname(outdir),
    metafile: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // The entries sit in a temp dir: packages come from the checkout's node_modules.
    nodePaths: [path.join(ROOT, 'node_modules')],
  } as const satisfies BuildOptions;
}

/**
 * Bundles `entry` (a file) for the browser, minified and split, into `outdir` (in memory); the
 * size and gzip size in bytes of what the call loads, and of what validation would add.
 */
export async function bundleSize(entry: string, outdir: string): Promise<CallBundle> {
  const result = await build(browserBuild(entry, outdir));
  const files = new Map(
    result.outputFiles.map((file) => [path.relative(path.dirname(outdir), file.path), file]),
  );
  const size = (downloads: string[][]): BundleSize => {
    let minified = 0;
    let gzip = 0;
    for (const chunks of downloads) {
      const code = Buffer.concat(chunks.map((chunk) => files.get(chunk)!.contents));
      minified += code.length;
      gzip += gzipSync(code, { level: 9 }).length;
    }
    return { minified, gzip };
  };
  const entryPoint = path.relative(path.dirname(outdir), entry).split(path.sep).join('/');
  const chunks = callChunks(result.metafile, entryPoint, chunkKind);
  return {
    ...size(chunks.call),
    validation: size(chunks.validation),
    failure: size(chunks.failure),
  };
}

/** A temp root with spec/ = `api`, the package's sources, and generated/ from the pipeline. */
async function wholeApiRoot(work: string, api: string): Promise<string> {
  const root = path.join(work, 'whole');
  await mkdir(path.join(root, 'spec'), { recursive: true });
  await cp(api, path.join(root, 'spec', 'openapi.json'));
  await cp(path.join(ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  // The package's `sideEffects: false`, as a bundler reads it from the installed package.
  await cp(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  for (const dir of ['common', 'src'])
    await cp(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  await generate({ root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' }, true);
  return root;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** The table: one row per build and style, with ratios to bare and whole / seed. */
export function formatBundles(
  sizes: Record<'seed' | 'whole', Record<Style, CallBundle>>,
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
      if (size.validation.minified > 0) {
        lines.push(
          `  ${''.padEnd(17)}${kb(size.validation.minified).padStart(12)}${kb(size.validation.gzip).padStart(12)}` +
            `   loaded only with validateResponses`,
        );
      }
      if (size.failure.minified > 0) {
        lines.push(
          `  ${''.padEnd(17)}${kb(size.failure.minified).padStart(12)}${kb(size.failure.gzip).padStart(12)}` +
            `   the failure path, fetched after the first success`,
        );
      }
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
    const sizes = { seed: {}, whole: {} } as Record<'seed' | 'whole', Record<Style, CallBundle>>;
    for (const api of ['seed', 'whole'] as const) {
      for (const style of STYLES) {
        const entry = path.join(work, `${api}-${style}.ts`);
        await writeFile(entry, entrySource(style, roots[api]));
        sizes[api][style] = await bundleSize(entry, path.join(work, `out-${api}-${style}`));
      }
    }
    for (const line of formatBundles(sizes)) console.log(line);
    return EXIT_OK;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchBundleCommand);
