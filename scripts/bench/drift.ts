/**
 * `npm run bench:drift [-- --rounds=5] [--whole-only]`: measures `redocly diff` (experimental,
 * @redocly/cli) against our drift check.
 *
 * 1. On the whole API (the shared pair: 1.21.0 pinned as 491 page documents in a temporary tree,
 *    1.87.0 as the other side): `redocly diff` and `npm run drift`'s script, each a separate
 *    process, taking turns round by round; and `checkSpecDrift` against the published 1.21.0
 *    document on a loopback server, first call and later calls. Prints medians and the ratio
 *    of our CLI to `redocly diff` measured in this same run (goal <= 0.3).
 * 2. The rule cases of test/fixtures/drift/rule-cases.ts, both ways, plus the real pinned API
 *    with a shared `$ref` changed: whether each tool calls a case breaking (Redocly: a `major`
 *    verdict) and where they disagree. Not a test: a measurement, to re-run when Redocly changes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CASES, type Dict } from '../../test/fixtures/drift/rule-cases.ts';
import { makeWholeApiTree, wholeApiFile, wholeApiMissing } from '../../test/helpers/feather-api.ts';
import { startSpecServer } from '../../test/helpers/drift-server.ts';
import { checkSpecDrift, diffDocuments } from '../../src/drift/index.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { packageBin } from '../lib/packages.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REDOCLY = packageBin('@redocly/cli', 'redocly');
/**
 * What `npm run drift` runs: the command's cached esbuild bundle through scripts/run.mjs (built
 * once before the rounds, as after any source change; then reused while the sources stay).
 */
const RUN = path.join(ROOT, 'scripts', 'run.mjs');
const DRIFT = (...args: string[]): string[] => [RUN, 'drift', ...args];
const run = promisify(execFile);
/** The CLI's goal on the whole API: at most this share of `redocly diff`'s time. */
const CLI_GOAL_RATIO = 0.3;
/** The runtime check's goal after its first call. */
const RUNTIME_GOAL_MS = 300;

/** Wall time of one child process; a non-zero exit is fine (drift exits 1 on changes). */
async function timedProcess(file: string, args: string[], cwd: string): Promise<Timing> {
  const started = performance.now();
  // bash's `times` prints the CPU time (user, system) of the children it ran: on a shared,
  // busy machine, CPU time says what a run costs better than wall time does.
  const { stdout } = await run(
    'bash',
    ['-c', '"$@" > /dev/null 2>&1; times', 'bash', file, ...args],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  const children = stdout.trim().split('\n').pop() ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    ([, minutes, secs]) => Number(minutes) * 60 + Number(secs),
  );
  return { wallMs, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
}

interface Timing {
  wallMs: number;
  /** User + system CPU time of the process and its children. */
  cpuMs: number;
}

/** Section 1: the whole API, our CLI against `redocly diff`, and the runtime check. */
async function benchWholeApi(rounds: number): Promise<void> {
  const why = wholeApiMissing();
  if (why) {
    console.log(`whole API: skipped (${why})`);
    return;
  }
  const tree = await makeWholeApiTree('1.21.0', { form: 'pages' });
  const server = await startSpecServer({
    '/openapi.json': { body: await readFile(wholeApiFile('1.21.0'), 'utf8') },
  });
  try {
    const against = wholeApiFile('1.87.0');
    await writeFile(path.join(tree.root, 'redocly-diff.yaml'), 'extends:\n  - diff-recommended\n');
    const variants: [string, () => Promise<Timing>][] = [
      [
        'redocly diff (baseline)',
        () =>
          timedProcess(
            process.execPath,
            [
              REDOCLY,
              'diff',
              wholeApiFile('1.21.0'),
              against,
              '--format',
              'json',
              '-o',
              path.join(tree.root, 'redocly-report.json'),
              '--fail-on',
              'none',
              '--config',
              path.join(tree.root, 'redocly-diff.yaml'),
            ],
            tree.root,
          ),
      ],
      [
        'drift, json report',
        () =>
          timedProcess(
            process.execPath,
            DRIFT('--against', against, '--format', 'json'),
            tree.root,
          ),
      ],
      [
        'drift, markdown + --output',
        () =>
          timedProcess(
            process.execPath,
            DRIFT('--against', against, '--format', 'markdown', '--output', 'whole.md'),
            tree.root,
          ),
      ],
      ['drift --help', () => timedProcess(process.execPath, DRIFT('--help'), tree.root)],
      [
        'node, nothing (floor)',
        () => timedProcess(process.execPath, ['--eval', 'void 0'], tree.root),
      ],
    ];
    // The bundle is built on the first run after a source change; the rounds time later runs.
    await timedProcess(process.execPath, DRIFT('--help'), tree.root);
    const times = variants.map(() => [] as Timing[]);
    for (let round = 0; round < rounds; round++)
      // Turns rotate, so that no variant always runs first or right after the baseline.
      for (let turn = 0; turn < variants.length; turn++) {
        const index = (turn + round) % variants.length;
        times[index]!.push(await variants[index]![1]());
      }

    const pinned = JSON.parse(
      await readFile(path.join(tree.root, 'generated', 'openapi.json'), 'utf8'),
    ) as Dict;
    const fingerprint = JSON.parse(
      await readFile(path.join(tree.root, 'generated', 'fingerprint.json'), 'utf8'),
    );
    const check = async (): Promise<number> => {
      const started = performance.now();
      const result = await checkSpecDrift({ baseUrl: server.url, pinned, fingerprint });
      if (!result.matches) throw new Error('the runtime check should match its own release');
      return performance.now() - started;
    };
    const first = await check();
    const later: number[] = [];
    for (let i = 0; i < Math.max(5, rounds * 2); i++) later.push(await check());

    const wall = (index: number): number => median(times[index]!.map((t) => t.wallMs));
    const cpu = (index: number): number => median(times[index]!.map((t) => t.cpuMs));
    console.log(
      `whole API: 1.21.0 pinned as ${Object.keys(pinned.paths as Dict).length} paths of page documents, against 1.87.0; ${rounds} rounds, turns rotating, separate processes, medians (Node ${process.version})`,
    );
    console.log(
      `  ${'variant'.padEnd(36)} ${'wall'.padStart(8)}  ratio ${'cpu'.padStart(8)}  ratio`,
    );
    variants.forEach(([label], index) => {
      console.log(
        `  ${label.padEnd(36)} ${wall(index).toFixed(0).padStart(5)} ms  ${(wall(index) / wall(0)).toFixed(2)} ${cpu(index).toFixed(0).padStart(5)} ms  ${(cpu(index) / cpu(0)).toFixed(2)}`,
      );
    });
    const cli = wall(1) / wall(0);
    const cliCpu = cpu(1) / cpu(0);
    console.log(
      `  drift CLI / redocly diff: wall ${cli.toFixed(2)}, cpu ${cliCpu.toFixed(2)} (goal <= ${CLI_GOAL_RATIO}: ${cli <= CLI_GOAL_RATIO ? 'met' : 'NOT met'} on wall time)`,
    );
    const runtime = median(later);
    console.log(
      `  checkSpecDrift, published 1.21.0 on a loopback server: first call ${first.toFixed(0)} ms, later calls median ${runtime.toFixed(0)} ms (goal <= ${RUNTIME_GOAL_MS} ms: ${runtime <= RUNTIME_GOAL_MS ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server.stop();
    await tree.remove();
  }
}

interface RedoclyVerdict {
  ruleId: string;
  impact: 'major' | 'minor' | 'patch';
}
interface RedoclyResult {
  verdicts: RedoclyVerdict[];
  /** Each change's path through the document (`#/paths/...`). */
  paths: string[];
  ms: number;
}

/** Runs `redocly diff` with the `diff-recommended` rules and reads its JSON report. */
async function redoclyDiff(
  dir: string,
  name: string,
  base: Dict,
  revision: Dict,
): Promise<RedoclyResult> {
  const baseFile = path.join(dir, `${name}-base.json`);
  const revisionFile = path.join(dir, `${name}-revision.json`);
  const out = path.join(dir, `${name}-report.json`);
  await writeFile(baseFile, JSON.stringify(base));
  await writeFile(revisionFile, JSON.stringify(revision));
  const started = performance.now();
  await run(
    process.execPath,
    [
      REDOCLY,
      'diff',
      baseFile,
      revisionFile,
      '--format',
      'json',
      '-o',
      out,
      '--fail-on',
      'none',
      '--config',
      path.join(dir, 'redocly.yaml'),
    ],
    { cwd: dir },
  );
  const ms = performance.now() - started;
  const report = JSON.parse(await readFile(out, 'utf8')) as {
    changes: { path: string; verdicts: RedoclyVerdict[] }[];
  };
  return {
    verdicts: report.changes.flatMap((c) => c.verdicts),
    paths: report.changes.map((c) => c.path),
    ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs `work` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

export async function benchDrift(argv: string[] = []): Promise<number> {
  const rounds = Number(
    /^--rounds=(\d+)$/.exec(argv.find((a) => a.startsWith('--rounds=')) ?? '')?.[1] ?? 5,
  );
  await benchWholeApi(rounds);
  if (argv.includes('--whole-only')) return 0;
  console.log('');
  const dir = await mkdtemp(path.join(tmpdir(), 'feather-bench-drift-'));
  try {
    await writeFile(path.join(dir, 'redocly.yaml'), 'extends:\n  - diff-recommended\n');
    const runs = CASES.flatMap(([name, c], index) => [
      {
        label: `${name} (forward)`,
        key: `c${index}f`,
        base: c.base,
        revision: c.revision,
        want: c.want,
      },
      {
        label: `${name} (reverse)`,
        key: `c${index}r`,
        base: c.revision,
        revision: c.base,
        want: c.wantReverse,
      },
    ]);
    const redocly = await pool(runs, 4, (r) => redoclyDiff(dir, r.key, r.base, r.revision));
    const oursMs: number[] = [];
    let agree = 0;
    const disagreements: string[] = [];
    const silent: string[] = [];
    runs.forEach((r, index) => {
      const started = performance.now();
      const report = diffDocuments(
        { doc: r.base, name: 'base' },
        { doc: r.revision, name: 'revision' },
      );
      oursMs.push(performance.now() - started);
      const ours = report.changes.some((c) => c.breaking);
      const theirs = redocly[index]!.verdicts.some((v) => v.impact === 'major');
      const ruleIds =
        [...new Set(redocly[index]!.verdicts.map((v) => `${v.ruleId}:${v.impact}`))].join(', ') ||
        '(no verdict)';
      if (redocly[index]!.verdicts.length === 0 && report.changes.length > 0)
        silent.push(`${r.label}: ours ${r.want.join(', ')}`);
      if (ours === theirs) agree++;
      else
        disagreements.push(
          `${r.label}\n    ours: ${ours ? 'breaking' : 'not breaking'} (${r.want.join(', ') || 'none'})\n    redocly: ${theirs ? 'major' : 'not major'} (${ruleIds})`,
        );
    });

    // The real pinned API with a shared schema changed: where does each tool report it?
    const pinned = JSON.parse(
      await readFile(path.join(ROOT, 'generated', 'openapi.json'), 'utf8'),
    ) as Dict;
    const changed = structuredClone(pinned) as any;
    delete changed.components.schemas.ErrorResponse.properties.message;
    const shared = await redoclyDiff(dir, 'shared', pinned, changed);
    const ours = diffDocuments({ doc: pinned, name: 'a' }, { doc: changed, name: 'b' });
    const realMs: number[] = [];
    for (let i = 0; i < 5; i++)
      realMs.push((await redoclyDiff(dir, `real${i}`, pinned, changed)).ms);
    const oursRealMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      diffDocuments({ doc: pinned, name: 'a' }, { doc: changed, name: 'b' });
      oursRealMs.push(performance.now() - started);
    }

    console.log(`rule cases: ${runs.length} comparisons (${CASES.length} cases, both ways)`);
    console.log(
      `breaking verdict agrees: ${agree}/${runs.length}; redocly gives no verdict where we report a change: ${silent.length}`,
    );
    console.log(`\ndisagreements (ours vs redocly diff-recommended):`);
    for (const line of disagreements) console.log(`  ${line}`);
    console.log(`\nredocly gives no rule verdict (at most an unrated patch/minor listing):`);
    for (const line of silent) console.log(`  ${line}`);
    console.log(`\nper rule: our id -> redocly's verdicts on the same comparison:`);
    const byRule = new Map<string, Set<string>>();
    runs.forEach((r, index) => {
      for (const id of r.want) {
        const seen = byRule.get(id) ?? new Set<string>();
        for (const v of redocly[index]!.verdicts) seen.add(`${v.ruleId}:${v.impact}`);
        byRule.set(id, seen);
      }
    });
    for (const [id, seen] of [...byRule].sort(([a], [b]) => a.localeCompare(b)))
      console.log(`  ${id} -> ${[...seen].join(', ') || '(no verdict)'}`);
    console.log(
      `\nshared $ref change (ErrorResponse.message removed, used by 4 responses in 2 operations):`,
    );
    console.log(`  redocly: ${shared.verdicts.length} verdict(s) at ${shared.paths.join(', ')}`);
    console.log(
      `  ours: ${ours.changes.length} change(s) in ${new Set(ours.changes.map((c) => c.operation)).size} operation(s)`,
    );
    const perRunRedocly = median(redocly.map((r) => r.ms));
    console.log(`\ntime, median per comparison:`);
    console.log(
      `  rule cases: redocly (spawned) ${perRunRedocly.toFixed(0)} ms, ours (in process) ${median(oursMs).toFixed(3)} ms, ratio ${(perRunRedocly / Math.max(median(oursMs), 0.001)).toFixed(0)}x`,
    );
    console.log(
      `  real API: redocly (spawned) ${median(realMs).toFixed(0)} ms, ours (in process) ${median(oursRealMs).toFixed(3)} ms, ratio ${(median(realMs) / Math.max(median(oursRealMs), 0.001)).toFixed(0)}x`,
    );
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand((argv) => benchDrift(argv));
