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
 * Options: --rounds=N (default 3), --api=<openapi.json> (default Feather's 1.87.0 beside the
 * checkout: ../shared/feather-api/, or FEATHER_API_DIR).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from '../commands/build.ts';
import { generate } from '../pipeline/generate.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';
import { packageBin } from '../lib/packages.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = packageBin('typescript', 'tsc');
const OPENAPI_TS = packageBin('openapi-typescript', 'openapi-typescript');
const FEATHER_API_DIR =
  process.env['FEATHER_API_DIR'] ?? path.resolve(ROOT, '..', 'shared', 'feather-api');
const DEFAULT_API = path.join(FEATHER_API_DIR, 'openapi-1.87.0.json');
/** What both consumers' type check reads from our node_modules (linked, not installed). */
const LINKED_PACKAGES = ['openapi-fetch', 'openapi-typescript-helpers'];
/** The goal of issue #10: the consumer's check time and memory within this of bare openapi-fetch. */
const GOAL_RATIO = 1.2;

export interface TypesBenchOptions {
  rounds: number;
  api: string;
}

/** Reads `--rounds=N` and `--api=<file>`; a `PipelineError` (exit 2) for anything else. */
export function parseTypesBenchArgs(argv: string[]): TypesBenchOptions {
  const options: TypesBenchOptions = { rounds: 3, api: DEFAULT_API };
  for (const arg of argv) {
    if (arg.startsWith('--rounds=')) {
      const rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1) {
        throw new PipelineError(`--rounds must be a whole number from 1, got ${arg}`);
      }
      options.rounds = rounds;
    } else if (arg.startsWith('--api=') && arg.length > '--api='.length) {
      options.api = path.resolve(arg.slice('--api='.length));
    } else {
      throw new PipelineError(`unknown argument ${arg} (expected --rounds=N, --api=<file>)`);
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

/** A strict app's tsconfig: Node's module rules, `skipLibCheck` as most apps set it. */
function consumerTsconfig(file: string): string {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  };
  return `${JSON.stringify({ compilerOptions, files: [file] }, null, 2)}\n`;
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
  await writeFile(path.join(dir, 'tsconfig.json'), consumerTsconfig('calls.ts'));
  await writeFile(path.join(dir, 'tsconfig.setup.json'), consumerTsconfig('setup.ts'));
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
  if (!existsSync(options.api)) {
    throw new PipelineError(
      `no API document at ${options.api}: pass --api=<openapi.json> or set FEATHER_API_DIR`,
    );
  }
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
    return EXIT_OK;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchTypesCommand);
