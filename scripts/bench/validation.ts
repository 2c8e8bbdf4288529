/**
 * `npm run bench:validation`: what `validateResponses` costs per request, on the built package
 * (dist/, as bench:client). A loopback server in this process answers two bodies the seed spec
 * allows: the dashboard envelope (`GET /v1/analytics/integrations/dashboard`, seven series of a
 * day by the hour) and a 100-row list page (`GET /v1/analytics/tools/reliability/timeout-analysis`).
 * For each, the client with validation off and with `'throw'` take turns request by request;
 * printed: the medians' ratio, and the check alone against `JSON.parse` of the same body.
 * Ratios within this run only (docs/testing.md, "Cost").
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareCommand } from '../commands/build.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';
import { median } from './client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DASHBOARD = '/v1/analytics/integrations/dashboard';
const TIMEOUTS = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-02' };
const REQUESTS = 1500;
const CHECKS = 3000;

const hour = (i: number): string => `2024-01-01T${String(i).padStart(2, '0')}:00:00Z`;
const hours = Array.from({ length: 24 }, (_, i) => hour(i));

/** A day by the hour for five integrations: what the dashboard shows. */
export const DASHBOARD_BODY = {
  summary: [
    Object.fromEntries(
      ['invocations', 'failures', 'success_rate_pct', 'avg_latency_ms', 'p95_latency_ms'].flatMap(
        (name, i) => [
          [`current_${name}`, 100 + i],
          [`previous_${name}`, 90 + i],
          [`pct_change_${name}`, 1.5],
        ],
      ),
    ),
  ],
  usage: hours.map((time_bucket, i) => ({
    time_bucket,
    invocations: 100 + i,
    successful: 95 + i,
    vendor_errors: 3,
    exceptions: 2,
  })),
  success_rate: hours.map((time_bucket, i) => ({
    time_bucket,
    invocations: 100 + i,
    successful: 95 + i,
    success_rate_pct: 95.5,
  })),
  latency: hours.map((time_bucket, i) => ({
    time_bucket,
    invocations: 100 + i,
    p50_ms: 80.5,
    p90_ms: 150.5,
    p95_ms: 200.5,
    p99_ms: 400.5,
    avg_ms: 100.5,
    max_ms: 900.5,
  })),
  by_integration: ['salesforce', 'twilio', 'zendesk', 'hubspot', 'slack'].map((key, i) => ({
    integration_key: key,
    invocations: 1000 + i,
    successful: 950 + i,
    vendor_errors: 30,
    exceptions: 20,
    success_rate_pct: 95.1,
    p95_latency_ms: 210.5,
  })),
  by_mode: ['sync', 'async', 'batch'].map((mode, i) => ({
    mode,
    invocations: 1000 + i,
    successful: 950 + i,
    vendor_errors: 30,
    exceptions: 20,
    success_rate_pct: 95.1,
    p95_latency_ms: 210.5,
  })),
  error_breakdown: ['timeout', 'auth', 'rate_limit', 'vendor', 'unknown'].map((category, i) => ({
    error_category: category,
    count: 10 + i,
    share_pct: 20.5,
  })),
};

/** A full page of the timeout analysis: 100 rows. */
export const LIST_BODY = Array.from({ length: 100 }, (_, i) => ({
  tool_id: `tool_${i}`,
  tool_name: `Tool ${i}`,
  tool_type: 'http',
  invocation_count: 1000 + i,
  timeout_count: i,
  timeout_rate: i / 1000,
  p95_latency_ms: 120.5,
  max_latency_ms: 900.5,
}));

type Result = { response: Response };
type UntypedClient = { GET(path: string, init: object): Promise<Result> };
type Package = {
  createFeatherClient(options: object): UntypedClient;
  loadResponseSchemas?: unknown;
};
type Schemas = { check(operation: string, status: number, body: unknown): unknown[] | undefined };
type SchemaModule = {
  loadResponseSchemas(tables: object): Promise<Schemas>;
};

async function loadBuilt(): Promise<{ pkg: Package; schemas: Schemas }> {
  if ((await prepareCommand(ROOT)) !== EXIT_OK) throw new PipelineError('dist/ could not be built');
  const url = (file: string) => pathToFileURL(path.join(ROOT, 'dist', file)).href;
  const pkg = (await import(url('src/index.js'))) as Package;
  const generated = (await import(url('generated/index.js'))) as object;
  const module = (await import(url('src/client/policy/response-schema.js'))) as SchemaModule;
  return { pkg, schemas: await module.loadResponseSchemas(generated) };
}

/** Medians in microseconds of `variants`, taking turns call by call, `count` calls each. */
async function interleaved(variants: Array<() => unknown>, count: number): Promise<number[]> {
  const samples = variants.map(() => [] as number[]);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < variants.length; i++) {
      const index = (i + n) % variants.length;
      const started = performance.now();
      await variants[index]!();
      samples[index]!.push((performance.now() - started) * 1000);
    }
  }
  return samples.map(median);
}

export async function benchValidation(): Promise<string> {
  const { pkg, schemas } = await loadBuilt();
  const bodies = new Map([
    [DASHBOARD, JSON.stringify(DASHBOARD_BODY)],
    [TIMEOUTS, JSON.stringify(LIST_BODY)],
  ]);
  const server = createServer((request, response) => {
    const body = bodies.get((request.url ?? '').split('?')[0]!) ?? '[]';
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines = ['bench:validation: medians per request, ratios within this run'];
  try {
    const off = pkg.createFeatherClient({ apiKey: 'sk_bench', baseUrl });
    const on = pkg.createFeatherClient({ apiKey: 'sk_bench', baseUrl, validateResponses: 'throw' });
    for (const [route, text] of bodies) {
      const init = { params: { query: QUERY } };
      const operation = `GET ${route}`;
      const parsed = JSON.parse(text) as unknown;
      if (schemas.check(operation, 200, parsed)?.length !== 0) {
        throw new PipelineError(`${operation}: the bench body does not match the spec`);
      }
      await Promise.all([off.GET(route, init), on.GET(route, init)]); // first use: load, compile
      const [offUs, onUs] = await interleaved(
        [() => off.GET(route, init), () => on.GET(route, init)],
        REQUESTS,
      );
      const [parseUs, checkUs] = await interleaved(
        [() => JSON.parse(text), () => schemas.check(operation, 200, parsed)],
        CHECKS,
      );
      lines.push(
        `  ${operation} (${text.length} bytes): request with validation / without ` +
          `${(onUs! / offUs!).toFixed(2)}x; the check alone / JSON.parse of the body ` +
          `${(checkUs! / parseUs!).toFixed(2)}x`,
      );
    }
  } finally {
    server.close();
  }
  return lines.join('\n');
}

if (isEntryPoint(import.meta.url)) {
  await runCommand(async () => {
    console.log(await benchValidation());
    return EXIT_OK;
  });
}
