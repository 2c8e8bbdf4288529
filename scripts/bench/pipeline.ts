/**
 * `npm run bench:pipeline`: `generate` against the bare openapi-typescript CLI, measured in the
 * same run as separate processes, medians of `--rounds` (default 2). On Feather's whole API
 * (1.87.0, from ../shared/feather-api or FEATHER_API_DIR): spec/ as one whole file and as one page
 * per operation, full and unchanged re-runs, and the generated-files half of `npm run check`.
 * Without it (a bare clone): a synthetic spec/ of `--documents` pages derived from the two seeds.
 * Ratios of wall time (what a person waits for: `generate` lints in a second thread while it
 * generates the types) and of CPU time (user + sys of the process tree: what the run costs, and
 * what a busy machine disturbs less). The goals are of wall time, on a machine otherwise idle.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { splitDocument } from '../lib/split-document.ts';
import { packageBin } from '../lib/packages.ts';
import { EXIT_OK } from '../lib/errors.ts';
import { FEATHER_API_DIR } from './whole-api.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What `npm run generate` runs: the command's cached bundle (scripts/run.mjs), no tsx. */
const RUN = path.join(ROOT, 'scripts', 'run.mjs');
const OPENAPI_TS = packageBin('openapi-typescript', 'openapi-typescript');

/** Components every page repeats unchanged. */
const SHARED = new Set(['ErrorResponse', 'HTTPValidationError', 'ValidationError']);

/**
 * Document `index` of a synthetic API: a real page with its path, operationId and own schemas
 * renamed, so that the joined result has `count` operations and distinct schemas per operation.
 */
export function syntheticDocument(template: string, index: number): string {
  const schemasSection = template.slice(
    template.indexOf('\n  schemas:\n'),
    template.indexOf('\n  securitySchemes:'),
  );
  const names = [...schemasSection.matchAll(/^ {4}([A-Za-z0-9_]+):$/gm)]
    .map((m) => m[1]!)
    .filter((n) => !SHARED.has(n));
  let text = template
    .replace(/^( {2}\/v1\/[^:]+):$/m, `$1/v${index}:`)
    .replace(/operationId: (\w+)/, `operationId: $1V${index}`);
  for (const name of names) {
    text = text
      .replace(new RegExp(`\\b${name}\\b(?!:\\s*$)`, 'g'), `${name}V${index}`)
      .replace(new RegExp(`^( {4})${name}:$`, 'm'), `$1${name}V${index}:`);
  }
  return text.replace(/^ {4}([A-Za-z0-9_]+)V\d+V\d+:/gm, '    $1:');
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Runs `node args` through bash, whose `times` reports the CPU time of the child tree. */
async function sample(args: string[], cwd: string): Promise<Sample> {
  const started = performance.now();
  let stdout: string;
  try {
    ({ stdout } = await run(
      'bash',
      ['-c', '"$0" "$@" > /dev/null; code=$?; times; exit $code', process.execPath, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new Error(
      `${path.basename(args[0] ?? '')} ${args.slice(1).join(' ')} failed:\n${stderr.split('\n').slice(0, 8).join('\n')}`,
    );
  }
  const wallMs = performance.now() - started;
  const children = stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  return { wallMs, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Case {
  name: string;
  goal?: string;
  args: string[];
  cwd: string;
  /** Runs before each round, untimed (a --force run to make "unchanged" true). */
  prepare?: string[];
}

/** Times `cases` round-robin (so drift in machine load hits each alike); the first is the baseline. */
async function measure(cases: readonly Case[], rounds: number): Promise<void> {
  const samples = cases.map(() => [] as Sample[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, c] of cases.entries()) {
      if (c.prepare) await sample(c.prepare, c.cwd);
      samples[index]!.push(await sample(c.args, c.cwd));
    }
  }
  const cpu = (i: number): number => median(samples[i]!.map((s) => s.cpuMs));
  const wall = (i: number): number => median(samples[i]!.map((s) => s.wallMs));
  console.log(`  ${''.padEnd(44)}${'wall'.padStart(9)}${'cpu'.padStart(10)}   ratio: wall   cpu`);
  for (const [index, c] of cases.entries()) {
    const ratio = (value: (i: number) => number): string =>
      (value(index) / value(0)).toFixed(2).padStart(5);
    console.log(
      `  ${c.name.padEnd(44)}${`${Math.round(wall(index))} ms`.padStart(9)}${`${Math.round(cpu(index))} ms`.padStart(10)}   ${ratio(wall).padStart(11)} ${ratio(cpu)}${c.goal ? `   (goal ${c.goal})` : ''}`,
    );
  }
}

async function makeRoot(root: string, specFiles: Map<string, string>): Promise<void> {
  await mkdir(path.join(root, 'spec'), { recursive: true });
  for (const [name, text] of specFiles) await writeFile(path.join(root, 'spec', name), text);
  await cp(path.join(ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
}

const GENERATE = [RUN, 'generate'];
const CHECK = [RUN, 'check'];

/** The whole published API, as one file and as pages, against the bare CLI on the same file. */
async function benchWholeApi(apiFile: string, rounds: number, tmp: string): Promise<void> {
  const text = await readFile(apiFile, 'utf8');
  const whole = path.join(tmp, 'whole');
  const pages = path.join(tmp, 'pages');
  const bare = path.join(tmp, 'bare');
  await makeRoot(whole, new Map([['openapi.json', text]]));
  const split = splitDocument(JSON.parse(text) as Record<string, unknown>);
  await makeRoot(
    pages,
    new Map(split.map((p) => [`${p.operationId}.json`, `${JSON.stringify(p.doc, null, 2)}\n`])),
  );
  // The bare CLI needs no Redocly config for this document: its built-in defaults let it run.
  await mkdir(bare);
  await cp(apiFile, path.join(bare, 'openapi.json'));
  console.log(
    `bench:pipeline: ${path.basename(apiFile)} (${split.length} operations), ${rounds} rounds, medians`,
  );
  for (const root of [whole, pages]) await sample([...GENERATE, '--force'], root);
  await measure(
    [
      {
        name: 'openapi-typescript CLI (baseline)',
        args: [OPENAPI_TS, 'openapi.json', '-o', 'out.ts'],
        cwd: bare,
      },
      {
        name: 'generate --force, spec/ one whole file',
        goal: '<= 1.0',
        args: [...GENERATE, '--force'],
        cwd: whole,
      },
      {
        name: `generate --force, spec/ ${split.length} pages`,
        goal: '<= 1.25',
        args: [...GENERATE, '--force'],
        cwd: pages,
      },
      { name: 'generate, unchanged re-run (pages)', goal: '<= 0.1', args: GENERATE, cwd: pages },
      { name: 'check (generated/ half), pages', goal: '<= 1.5', args: CHECK, cwd: pages },
    ],
    rounds,
  );
}

/** A synthetic spec/ of `count` pages from the seeds, for a clone without the shared API. */
async function benchSynthetic(count: number, rounds: number, tmp: string): Promise<void> {
  const templates = await Promise.all(
    ['getIntegrationDashboard.yaml', 'getToolReliabilityTimeoutAnalysis.yaml'].map((f) =>
      readFile(path.join(ROOT, 'spec', f), 'utf8'),
    ),
  );
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++)
    files.set(`op${String(i).padStart(4, '0')}.yaml`, syntheticDocument(templates[i % 2]!, i));
  await makeRoot(tmp, files);
  console.log(`bench:pipeline: ${count} synthetic documents, ${rounds} rounds, medians`);
  await sample([...GENERATE, '--force'], tmp);
  await measure(
    [
      {
        name: 'openapi-typescript CLI (baseline)',
        args: [OPENAPI_TS, path.join('generated', 'openapi.json'), '-o', 'bare.ts'],
        cwd: tmp,
      },
      { name: 'generate --force', goal: '<= 1.25', args: [...GENERATE, '--force'], cwd: tmp },
      { name: 'generate, unchanged re-run', goal: '<= 0.1', args: GENERATE, cwd: tmp },
    ],
    rounds,
  );
}

export async function benchPipelineCommand(argv: string[]): Promise<number> {
  const option = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const rounds = Number(option('rounds') ?? 2);
  const apiFile = path.join(FEATHER_API_DIR, `openapi-${option('release') ?? '1.87.0'}.json`);
  const tmp = await mkdtemp(path.join(tmpdir(), 'feather-bench-'));
  try {
    if (existsSync(apiFile) && !argv.includes('--synthetic'))
      await benchWholeApi(apiFile, rounds, tmp);
    else {
      if (!argv.includes('--synthetic')) console.log(`(no ${apiFile}: synthetic spec/ instead)`);
      await benchSynthetic(Number(option('documents') ?? 500), rounds, tmp);
    }
    return EXIT_OK;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchPipelineCommand);
