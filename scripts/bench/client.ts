/**
 * `npm run bench:client`: the cost of the client's layer (auth, validation, timeout, retry
 * bookkeeping) per request. It starts a loopback HTTP server in this run and sends the same
 * request through raw `fetch`, bare openapi-fetch and our client, one at a time and 32 in flight,
 * and prints medians per request and their ratios to raw fetch.
 * The one script that loads the client: measuring it is its purpose. It loads the built package
 * (dist/, built first when stale, as `npm install` would), the code users run: through tsx, src/
 * pays for tsx's transform (a `__name` call for every closure created per request), which
 * neither openapi-fetch nor the published package pays.
 *
 * Options: --rounds=N (default 100), --batch=N requests per variant and round (default 50),
 * --max-seconds=N time budget for the sampling (default 60; at least 3 rounds always run).
 * A shared machine's load comes and goes, so one at a time the variants take turns request by
 * request (a slow spell hits them all) and medians are over single requests; 32 in flight, they
 * run batch by batch in rotating order. Wall time and this process's CPU time (user + system;
 * the server runs in this process too, the same for every variant) are both printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import createClient from 'openapi-fetch';
import type { paths } from '../../generated/index.ts';
import { prepareCommand } from '../commands/build.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_COULD_NOT_RUN, EXIT_OK, PipelineError } from '../lib/errors.ts';

const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31', limit: 20 } as const;
const KEY = 'sk_bench_not_a_real_key';
const IN_FLIGHT = 32;
/** What the server answers: a realistic small page of rows. */
const BODY = JSON.stringify(
  Array.from({ length: 5 }, (_, i) => ({
    tool_id: `tool_${i}`,
    tool_name: `Tool ${i}`,
    tool_type: 'http',
    invocation_count: 1000 + i,
    timeout_count: i,
    timeout_rate: i / 1000,
    p95_latency_ms: 120.5,
    max_latency_ms: 900,
  })),
);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built package's entry (dist/src/index.js), built first if dist/ is stale. */
async function loadBuiltClient(): Promise<typeof import('../../src/index.ts')> {
  if ((await prepareCommand(ROOT)) !== EXIT_OK) throw new PipelineError('dist/ could not be built');
  const entry = pathToFileURL(path.join(ROOT, 'dist', 'src', 'index.js')).href;
  return (await import(entry)) as typeof import('../../src/index.ts');
}

/** The built `./operations` subpath (the operation functions), after loadBuiltClient built it. */
async function loadBuiltOperations(): Promise<typeof import('../../src/operations.ts')> {
  const entry = pathToFileURL(path.join(ROOT, 'dist', 'src', 'operations.js')).href;
  return (await import(entry)) as typeof import('../../src/operations.ts');
}

export interface BenchOptions {
  rounds: number;
  batch: number;
  maxSeconds: number;
}

/** One way of sending the request; resolves once the JSON body is parsed. */
type Variant = { name: string; send: () => Promise<unknown> };

export interface BenchResult {
  mode: string;
  /** Wall microseconds per request of every sample, by variant name, in variant order. */
  wallUs: Map<string, number[]>;
  /** CPU microseconds (this process, user + system) per request of every sample. */
  cpuUs: Map<string, number[]>;
  rounds: number;
}

/** Reads `--name=value` options, with defaults; a `PipelineError` (exit 2) for bad values. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const read = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    if (arg === undefined) return fallback;
    const value = Number(arg.slice(name.length + 3));
    if (!Number.isInteger(value) || value < 1) {
      throw new PipelineError(`--${name} must be a whole number from 1, got ${arg}`);
    }
    return value;
  };
  const unknown = argv.filter((a) => !/^--(rounds|batch|max-seconds)=/.test(a));
  if (unknown.length > 0) {
    throw new PipelineError(
      `unknown argument ${unknown[0]} (expected --rounds=, --batch=, --max-seconds=)`,
    );
  }
  return {
    rounds: read('rounds', 100),
    batch: read('batch', 50),
    maxSeconds: read('max-seconds', 60),
  };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The value below which a share `q` of a non-empty list falls (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Wall and CPU microseconds per request for `batch` requests, `concurrency` at a time. */
async function sample(
  send: () => Promise<unknown>,
  batch: number,
  concurrency: number,
): Promise<{ wallUs: number; cpuUs: number }> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batch) {
      next++;
      await send();
    }
  };
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuStart);
  return {
    wallUs: ((performance.now() - started) * 1000) / batch,
    cpuUs: (cpu.user + cpu.system) / batch,
  };
}

/**
 * One sequential round: `batch` requests per variant, the variants taking turns request by
 * request, so that a slow spell on the machine hits them all alike. Wall and CPU microseconds
 * of every request, by variant (a median over single requests shrugs off a GC pause).
 */
async function interleavedRound(
  variants: Variant[],
  batch: number,
  round: number,
): Promise<{ wallUs: number[][]; cpuUs: number[][] }> {
  const wall = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < variants.length; i++) {
      const index = (i + n + round) % variants.length;
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await variants[index]!.send();
      wall[index]!.push((performance.now() - started) * 1000);
      const used = process.cpuUsage(cpuStart);
      cpu[index]!.push(used.user + used.system);
    }
  }
  return { wallUs: wall, cpuUs: cpu };
}

/**
 * Runs every variant within the time budget: sequentially, request by request in turn (one
 * sample per request); with `concurrency` in flight, batch by batch in a rotating order (one
 * sample per batch: the time per request of the whole batch).
 */
async function measure(
  variants: Variant[],
  concurrency: number,
  options: BenchOptions,
  deadline: number,
): Promise<BenchResult> {
  const wallUs = new Map(variants.map((v) => [v.name, [] as number[]]));
  const cpuUs = new Map(variants.map((v) => [v.name, [] as number[]]));
  for (const variant of variants) await sample(variant.send, options.batch, concurrency); // warm-up
  let rounds = 0;
  while (rounds < options.rounds && (rounds < 3 || performance.now() < deadline)) {
    if (concurrency === 1) {
      const round = await interleavedRound(variants, options.batch, rounds);
      variants.forEach((variant, i) => {
        wallUs.get(variant.name)!.push(...round.wallUs[i]!);
        cpuUs.get(variant.name)!.push(...round.cpuUs[i]!);
      });
    } else {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + rounds) % variants.length]!;
        const measured = await sample(variant.send, options.batch, concurrency);
        wallUs.get(variant.name)!.push(measured.wallUs);
        cpuUs.get(variant.name)!.push(measured.cpuUs);
      }
    }
    rounds++;
  }
  const mode = concurrency === 1 ? 'sequential' : `${concurrency} in flight`;
  return { mode, rounds, wallUs, cpuUs };
}

/** The results as a table: per variant, medians per request and their ratios to raw fetch. */
export function formatResults(results: BenchResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const wallBase = median(result.wallUs.values().next().value!);
    const cpuBase = median(result.cpuUs.values().next().value!);
    lines.push(
      `${result.mode}, ${result.rounds} rounds (medians per request; ratio to raw fetch):`,
      `  ${'variant'.padEnd(28)} ${'wall'.padStart(9)} ${'ratio'.padStart(6)} ${'wall p25-p75'.padStart(13)}` +
        ` ${'cpu'.padStart(9)} ${'ratio'.padStart(6)}`,
    );
    for (const [name, wall] of result.wallUs) {
      const cpu = result.cpuUs.get(name)!;
      lines.push(
        `  ${name.padEnd(28)} ${median(wall).toFixed(1).padStart(6)} us ${(median(wall) / wallBase).toFixed(3).padStart(6)}` +
          ` ${`${quantile(wall, 0.25).toFixed(0)}-${quantile(wall, 0.75).toFixed(0)} us`.padStart(13)}` +
          ` ${median(cpu).toFixed(1).padStart(6)} us ${(median(cpu) / cpuBase).toFixed(3).padStart(6)}`,
      );
    }
  }
  return lines.join('\n');
}

/** Ratio of the medians of two variants, by wall or CPU time. */
export function ratioOfMedians(
  samples: Map<string, number[]>,
  name: string,
  baseline: string,
): number {
  return median(samples.get(name)!) / median(samples.get(baseline)!);
}

function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** Runs the benchmark against a loopback server started here; returns the results. */
export async function runClientBench(options: BenchOptions): Promise<BenchResult[]> {
  const { createFeatherClient } = await loadBuiltClient();
  const { createOperationClient, getToolReliabilityTimeoutAnalysis } = await loadBuiltOperations();
  const { server, url } = await startServer();
  try {
    const rawUrl = `${url}${PATH}?${new URLSearchParams(
      Object.entries(QUERY).map(([k, v]) => [k, String(v)]),
    ).toString()}`;
    const bare = createClient<paths>({ baseUrl: url });
    const client = createFeatherClient({ apiKey: KEY, baseUrl: url, logLevel: 'off' });
    const unvalidated = createFeatherClient({
      apiKey: KEY,
      baseUrl: url,
      logLevel: 'off',
      validate: false,
    });
    // No time bound and no caller signal: no AbortController, timer or listener per attempt.
    const unbounded = createFeatherClient({
      apiKey: KEY,
      baseUrl: url,
      logLevel: 'off',
      timeoutMs: 0,
    });
    const operations = createOperationClient({ apiKey: KEY, baseUrl: url, logLevel: 'off' });
    const unboundedOperations = createOperationClient({
      apiKey: KEY,
      baseUrl: url,
      logLevel: 'off',
      timeoutMs: 0,
    });
    const check = (result: { response: Response }): void => {
      if (!result.response.ok) throw new Error(`unexpected ${result.response.status}`);
    };
    const variants: Variant[] = [
      {
        name: 'raw fetch',
        send: async () => {
          const response = await fetch(rawUrl, { headers: { 'x-api-key': KEY } });
          return response.json();
        },
      },
      {
        name: 'openapi-fetch',
        send: async () => {
          const result = await bare.GET(PATH, {
            params: { query: QUERY },
            headers: { 'x-api-key': KEY },
          });
          check(result);
          return result.data;
        },
      },
      {
        name: 'feather client',
        send: async () => {
          const result = await client.GET(PATH, { params: { query: QUERY } });
          check(result);
          return result.data;
        },
      },
      {
        name: 'operation function',
        send: async () => {
          const result = await getToolReliabilityTimeoutAnalysis(operations, {
            params: { query: QUERY },
          });
          check(result);
          return result.data;
        },
      },
      {
        name: 'operation function, timeoutMs 0',
        send: async () => {
          const result = await getToolReliabilityTimeoutAnalysis(unboundedOperations, {
            params: { query: QUERY },
          });
          check(result);
          return result.data;
        },
      },
      {
        name: 'feather client, validate off',
        send: async () => {
          const result = await unvalidated.GET(PATH, { params: { query: QUERY } });
          check(result);
          return result.data;
        },
      },
      {
        name: 'feather client, timeoutMs 0',
        send: async () => {
          const result = await unbounded.GET(PATH, { params: { query: QUERY } });
          check(result);
          return result.data;
        },
      },
    ];
    const deadline = performance.now() + options.maxSeconds * 1000;
    const halfway = performance.now() + (options.maxSeconds * 1000) / 2;
    return [
      await measure(variants, 1, options, halfway),
      await measure(variants, IN_FLIGHT, options, deadline),
    ];
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function benchClientCommand(argv: string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  console.log(
    `bench:client: ${options.batch} requests per sample, up to ${options.rounds} rounds, ` +
      `${options.maxSeconds} s budget, loopback server, Node ${process.version}`,
  );
  let results: BenchResult[];
  try {
    results = await runClientBench(options);
  } catch (error) {
    console.error(`error: the benchmark could not run: ${(error as Error).message}`);
    return EXIT_COULD_NOT_RUN;
  }
  console.log(formatResults(results));
  for (const result of results) {
    const ratios = (name: string, baseline: string): string =>
      `${ratioOfMedians(result.wallUs, name, baseline).toFixed(3)} wall, ` +
      `${ratioOfMedians(result.cpuUs, name, baseline).toFixed(3)} cpu`;
    console.log(
      `${result.mode}: feather client / raw fetch = ${ratios('feather client', 'raw fetch')} ` +
        `(goal <= 1.10); feather client / openapi-fetch = ${ratios('feather client', 'openapi-fetch')}`,
    );
    console.log(
      `${result.mode}: operation function / raw fetch = ${ratios('operation function', 'raw fetch')} ` +
        `(goal <= 1.05); with timeoutMs 0 = ${ratios('operation function, timeoutMs 0', 'raw fetch')}; ` +
        `feather client / openapi-fetch goal <= 1.05`,
    );
  }
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(benchClientCommand);
