/**
 * `npm run bench:types`: what the client's types cost a consumer's `tsc --noEmit`, at the size of
 * the whole published API. In a temp dir it generates the whole API (the real pipeline), builds
 * the package from it and installs it as packed (package.json and dist/) into one consumer; a
 * second consumer uses bare openapi-fetch over the bare openapi-typescript CLI's types of the
 * same document. Both make the same three calls (a list with a query, a read with a path
 * parameter, a POST with a body) under `--strict` and `skipLibCheck`. Each round runs
 * `tsc --extendedDiagnostics` on both, in turns; it prints medians of check time, instantiations
 * and memory, their ratios to bare openapi-fetch, and what one call costs (against the same
 * consumer with no calls).
 *
 * Then the same consumers with `--calls` call sites (GETs that take no required parameter, in
 * path order, round again), in three styles: bare, the path style and the operation functions
 * (`@featherhq/api-client/operations`): medians of the rounds' check times (each round starts
 * with another style), with ratios to bare and instantiations per call.
 *
 * Options: --rounds=N (default 3), --calls=N (default 200), --api=<openapi.json> (default Feather's 1.87.0 beside the
 * checkout: ../shared/feather-api/, or FEATHER_API_DIR).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from '../commands/build.ts';
import { generate } from '../pipeline/generate.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { consumerTsconfig } from '../lib/consumer-project.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';
import { packageBin } from '../lib/packages.ts';
import { assertApiDocument, DEFAULT_BENCH_API } from './whole-api.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = packageBin('typescript', 'tsc');
const OPENAPI_TS = packageBin('openapi-typescript', 'openapi-typescript');
/** What both consumers' type check reads from our node_modules (linked, not installed). */
const LINKED_PACKAGES = ['openapi-fetch', 'openapi-typescript-helpers'];
/** The goal of issue #10: the consumer's check time and memory within this of bare openapi-fetch. */
const GOAL_RATIO = 1.2;

export interface TypesBenchOptions {
  rounds: number;
  api: string;
  /** Call sites of the many-calls consumers. */
  calls: number;
}

/** Reads `--rounds=N` and `--api=<file>`; a `PipelineError` (exit 2) for anything else. */
export function parseTypesBenchArgs(argv: string[]): TypesBenchOptions {
  const options: TypesBenchOptions = { rounds: 3, api: DEFAULT_BENCH_API, calls: 200 };
  for (const arg of argv) {
    if (arg.startsWith('--rounds=')) {
      const rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1) {
        throw new PipelineError(`--rounds must be a whole number from 1, got ${arg}`);
      }
      options.rounds = rounds;
    } else if (arg.startsWith('--calls=')) {
      const calls = Number(arg.slice('--calls='.length));
      if (!Number.isInteger(calls) || calls < 1) {
        throw new PipelineError(`--calls must be a whole number from 1, got ${arg}`);
      }
      options.calls = calls;
    } else if (arg.startsWith('--api=') && arg.length > '--api='.length) {
      options.api = path.resolve(arg.slice('--api='.length));
    } else {
      throw new PipelineError(
        `unknown argument ${arg} (expected --rounds=N, --calls=N, --api=<file>)`,
      );
    }
  }
  return options;
}

/** The figures of `tsc --extendedDiagnostics` that the bench compares. */
export interface CheckFigures {
  checkSeconds: number;
  instantiations: number;
  memoryKb: number;
}

/** Reads check time, instantiations and memory from `tsc --extendedDiagnostics` output. */
export function parseDiagnostics(output: string): CheckFigures {
  const read = (label: string): number => {
    const match = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(output);
    if (!match) throw new PipelineError(`no "${label}" in tsc's diagnostics:\n${output}`);
    return Number(match[1]);
  };
  return {
    checkSeconds: read('Check time'),
    instantiations: read('Instantiations'),
    memoryKb: read('Memory used'),
  };
}

export type ConsumerKind = 'feather' | 'bare';

/** The same three calls in both consumers, on `client`; their data is used, so it is typed. */
const THREE_CALLS = `
export async function threeCalls() {
  const list = await client.GET('/v1/assistants', { params: { query: { limit: 10 } } });
  const kb = await client.GET('/v1/knowledge-base/knowledge-bases/{kb_id}', {
    params: { path: { kb_id: '4f9f1c52-0000-4000-8000-000000000000' } },
  });
  const found = await client.POST('/v1/knowledge-base/search', {
    body: { query: 'refunds', kb_ids: ['kb'], rerank: true, limit: 5, prefer_draft: false, alpha: 0.5 },
  });
  return [list.data?.assistants.length, kb.data?.id, found.data?.results.length];
}
`;

/** A consumer's one source file: the client made as its users make it, with or without calls. */
export function consumerSource(kind: ConsumerKind, withCalls: boolean): string {
  const setup =
    kind === 'feather'
      ? `import { createFeatherClient } from '@featherhq/api-client';\n` +
        `export const client = createFeatherClient({ apiKey: 'bench' });\n`
      : `import createClient from 'openapi-fetch';\n` +
        `import type { paths } from './schema.js';\n` +
        `export const client = createClient<paths>({ baseUrl: 'https://api.example' });\n`;
  return withCalls ? setup + THREE_CALLS : setup;
}

/** One call site of the many-calls consumers: a GET whose init may be left out. */
export interface CallSite {
  path: string;
  /** Its operation function's name (generated/functions.ts). */
  name: string;
}

export type ManyCallsKind = 'bare' | 'path' | 'functions';

/**
 * A consumer making one call per site, in the style of `kind`, each result's data used. Bare and
 * the path style make `client.GET(path)`, the functions style `name(client)`.
 */
export function manyCallsSource(kind: ManyCallsKind, sites: readonly CallSite[]): string {
  const setup =
    kind === 'bare'
      ? `import createClient from 'openapi-fetch';\n` +
        `import type { paths } from './schema.js';\n` +
        `const client = createClient<paths>({ baseUrl: 'https://api.example' });\n`
      : kind === 'path'
        ? `import { createFeatherClient } from '@featherhq/api-client';\n` +
          `const client = createFeatherClient({ apiKey: 'bench' });\n`
        : `import { createOperationClient, ${[...new Set(sites.map((s) => s.name))].sort().join(', ')} } from '@featherhq/api-client/operations';\n` +
          `const client = createOperationClient({ apiKey: 'bench' });\n`;
  const calls = sites.map((site, index) =>
    kind === 'functions'
      ? `  const r${index} = await ${site.name}(client);\n  seen.push(r${index}.data);\n`
      : `  const r${index} = await client.GET(${JSON.stringify(site.path)});\n  seen.push(r${index}.data);\n`,
  );
  return `${setup}export async function calls(): Promise<unknown[]> {\n  const seen: unknown[] = [];\n${calls.join('')}  return seen;\n}\n`;
}

/**
 * `count` call sites over the GETs of `doc` that take no required parameter, in path order and
 * round again when there are fewer; `names` maps operationId -> function name.
 */
export function callSites(
  doc: { paths?: Record<string, Record<string, unknown>> },
  names: ReadonlyMap<string, string>,
  count: number,
): CallSite[] {
  const candidates: CallSite[] = [];
  for (const [route, item] of Object.entries(doc.paths ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const get = item['get'] as
      { operationId?: string; parameters?: { required?: boolean; in?: string }[] } | undefined;
    const shared = (item['parameters'] ?? []) as { required?: boolean; in?: string }[];
    if (!get?.operationId || !names.has(get.operationId)) continue;
    const required = [...shared, ...(get.parameters ?? [])].some(
      (p) => p.required || p.in === 'path',
    );
    if (!required) candidates.push({ path: route, name: names.get(get.operationId)! });
  }
  if (candidates.length === 0)
    throw new PipelineError('no GET without required parameters in the API document');
  return Array.from({ length: count }, (_, index) => candidates[index % candidates.length]!);
}

async function runOrExplain(what: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new PipelineError(
      `${what} failed in ${cwd}:\n${output.split('\n').slice(0, 20).join('\n')}`,
      [],
      EXIT_CHECK_FAILED,
    );
  }
}

/** The package built from `api` as it would be packed: package.json and dist/. */
async function buildPackage(work: string, api: string): Promise<string> {
  const root = path.join(work, 'package');
  await mkdir(path.join(root, 'spec'), { recursive: true });
  await cp(api, path.join(root, 'spec', 'openapi.json'));
  for (const file of ['redocly.yaml', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
    await cp(path.join(ROOT, file), path.join(root, file));
  for (const dir of ['common', 'src'])
    await cp(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  await generate({ root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' }, true);
  await build(root);
  return root;
}

/** A consumer project: its source files, tsconfigs, and the packages it type-checks against. */
async function makeConsumer(
  dir: string,
  kind: ConsumerKind,
  install: (modules: string) => Promise<void>,
): Promise<void> {
  const modules = path.join(dir, 'node_modules');
  await mkdir(modules, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  for (const name of LINKED_PACKAGES)
    await symlink(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  await install(modules);
  await writeFile(path.join(dir, 'calls.ts'), consumerSource(kind, true));
  await writeFile(path.join(dir, 'setup.ts'), consumerSource(kind, false));
  await writeFile(path.join(dir, 'tsconfig.json'), consumerTsconfig({ files: ['calls.ts'] }));
  await writeFile(path.join(dir, 'tsconfig.setup.json'), consumerTsconfig({ files: ['setup.ts'] }));
}

async function check(dir: string, project = 'tsconfig.json'): Promise<CheckFigures> {
  const output = await runOrExplain(
    `tsc -p ${project}`,
    [TSC, '-p', project, '--extendedDiagnostics', '--pretty', 'false'],
    dir,
  );
  return parseDiagnostics(output);
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians of each figure over the rounds. */
export function medianFigures(samples: readonly CheckFigures[]): CheckFigures {
  return {
    checkSeconds: median(samples.map((s) => s.checkSeconds)),
    instantiations: median(samples.map((s) => s.instantiations)),
    memoryKb: median(samples.map((s) => s.memoryKb)),
  };
}

/** The goals of issue #19 at many call sites: check time against bare openapi-fetch's. */
const MANY_CALLS_GOALS: Record<ManyCallsKind, number | undefined> = {
  bare: undefined,
  path: 1.0,
  functions: 0.3,
};

/** One line per style: check time, its ratio to bare, instantiations per call. */
export function formatManyCalls(
  many: Record<ManyCallsKind, CheckFigures>,
  none: Record<ManyCallsKind, CheckFigures>,
  calls: number,
): string[] {
  return (['bare', 'path', 'functions'] as const).map((kind) => {
    const goal = MANY_CALLS_GOALS[kind];
    const perCall = Math.round((many[kind].instantiations - none[kind].instantiations) / calls);
    return (
      `  ${kind.padEnd(10)}check ${`${many[kind].checkSeconds.toFixed(2)} s`.padStart(9)}` +
      `   ratio ${(many[kind].checkSeconds / many.bare.checkSeconds).toFixed(2).padStart(5)}` +
      `${goal === undefined ? ''.padEnd(16) : `   (goal <= ${goal.toFixed(1)})`}` +
      `   instantiations per call ${perCall}`
    );
  });
}

/** One line per figure: both values and the ratio of ours to bare, against the goal. */
export function formatComparison(ours: CheckFigures, bare: CheckFigures): string[] {
  const row = (name: string, a: number, b: number, unit: string, goal: boolean): string =>
    `  ${name.padEnd(16)}${`${unit === 's' ? b.toFixed(2) : Math.round(b)} ${unit}`.padStart(14)}` +
    `${`${unit === 's' ? a.toFixed(2) : Math.round(a)} ${unit}`.padStart(14)}` +
    `   ratio ${(a / b).toFixed(2).padStart(5)}${goal ? `   (goal <= ${GOAL_RATIO})` : ''}`;
  return [
    `  ${''.padEnd(16)}${'bare'.padStart(14)}${'feather'.padStart(14)}`,
    row('check time', ours.checkSeconds, bare.checkSeconds, 's', true),
    row('memory used', ours.memoryKb / 1024, bare.memoryKb / 1024, 'MB', true),
    row('instantiations', ours.instantiations, bare.instantiations, '', false),
  ];
}

export async function benchTypesCommand(argv: string[]): Promise<number> {
  const options = parseTypesBenchArgs(argv);
  assertApiDocument(options.api);
  const work = await mkdtemp(path.join(tmpdir(), 'feather-bench-types-'));
  try {
    console.log(`bench:types: ${options.api}, ${options.rounds} rounds`);
    let started = performance.now();
    const pkg = await buildPackage(work, options.api);
    console.log(`  package generated and built (${Math.round(performance.now() - started)} ms)`);

    const feather = path.join(work, 'consumer-feather');
    const bare = path.join(work, 'consumer-bare');
    await makeConsumer(feather, 'feather', async (modules) => {
      const installed = path.join(modules, '@featherhq', 'api-client');
      await mkdir(installed, { recursive: true });
      await cp(path.join(pkg, 'package.json'), path.join(installed, 'package.json'));
      await cp(path.join(pkg, 'dist'), path.join(installed, 'dist'), { recursive: true });
    });
    started = performance.now();
    await makeConsumer(bare, 'bare', async () => {
      await runOrExplain(
        'openapi-typescript',
        [OPENAPI_TS, options.api, '-o', path.join(bare, 'schema.d.ts')],
        bare,
      );
    });
    console.log(`  bare CLI types written (${Math.round(performance.now() - started)} ms)`);

    const samples: Record<ConsumerKind, CheckFigures[]> = { feather: [], bare: [] };
    for (let round = 0; round < options.rounds; round++) {
      // Alternate who goes first, so that a slow spell on a shared machine hits both alike.
      const order: ConsumerKind[] = round % 2 ? ['feather', 'bare'] : ['bare', 'feather'];
      for (const kind of order)
        samples[kind].push(await check(kind === 'feather' ? feather : bare));
    }
    const ours = medianFigures(samples.feather);
    const theirs = medianFigures(samples.bare);
    console.log(`  tsc --noEmit of a consumer with three calls (medians of ${options.rounds}):`);
    for (const line of formatComparison(ours, theirs)) console.log(line);

    const oursSetup = await check(feather, 'tsconfig.setup.json');
    const bareSetup = await check(bare, 'tsconfig.setup.json');
    const perCall = (calls: CheckFigures, setup: CheckFigures): number =>
      Math.round((calls.instantiations - setup.instantiations) / 3);
    console.log(
      `  instantiations per call (three calls minus none, / 3): feather ${perCall(ours, oursSetup)}, bare ${perCall(theirs, bareSetup)}`,
    );

    // The same consumers with `--calls` call sites, in the three styles, one check each.
    const doc = JSON.parse(await readFile(options.api, 'utf8')) as Parameters<typeof callSites>[0];
    const lock = JSON.parse(
      await readFile(path.join(pkg, 'generated', 'names.lock.json'), 'utf8'),
    ) as { names: Record<string, string> };
    const names = new Map(
      Object.entries(lock.names)
        .filter(([, key]) => key.endsWith(':function'))
        .map(([name, key]) => [key.slice('operation:'.length, -':function'.length), name]),
    );
    const sites = callSites(doc, names, options.calls);
    const distinct = new Set(sites.map((site) => site.path)).size;
    const kinds = ['bare', 'path', 'functions'] as const;
    const dirOf = (kind: ManyCallsKind): string => (kind === 'bare' ? bare : feather);
    const none: Partial<Record<ManyCallsKind, CheckFigures>> = {};
    for (const kind of kinds) {
      const dir = dirOf(kind);
      await writeFile(path.join(dir, `many-${kind}.ts`), manyCallsSource(kind, sites));
      await writeFile(path.join(dir, `none-${kind}.ts`), manyCallsSource(kind, sites.slice(0, 0)));
      await writeFile(
        path.join(dir, `tsconfig.many-${kind}.json`),
        consumerTsconfig({ files: [`many-${kind}.ts`] }),
      );
      await writeFile(
        path.join(dir, `tsconfig.none-${kind}.json`),
        consumerTsconfig({ files: [`none-${kind}.ts`] }),
      );
      // For the instantiations per call only, which do not vary between runs.
      none[kind] = await check(dir, `tsconfig.none-${kind}.json`);
    }
    // Check times vary with the machine's load: medians of the rounds, each round starting with
    // another style, so that a slow spell does not fall on one style alone.
    const manySamples: Record<ManyCallsKind, CheckFigures[]> = {
      bare: [],
      path: [],
      functions: [],
    };
    for (let round = 0; round < options.rounds; round++) {
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[(round + i) % kinds.length]!;
        manySamples[kind].push(await check(dirOf(kind), `tsconfig.many-${kind}.json`));
      }
    }
    const many = Object.fromEntries(
      kinds.map((kind) => [kind, medianFigures(manySamples[kind])]),
    ) as Record<ManyCallsKind, CheckFigures>;
    console.log(
      `  ${options.calls} call sites (${distinct} distinct GETs without required parameters; medians of ${options.rounds}):`,
    );
    for (const line of formatManyCalls(
      many,
      none as Record<ManyCallsKind, CheckFigures>,
      options.calls,
    ))
      console.log(line);
    return EXIT_OK;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchTypesCommand);
