import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatSummary,
  lastDays,
  parseExampleArgs,
  runExample,
  topToolsByTimeoutRate,
  type AnalyticsData,
} from '../../examples/analytics-summary.ts';
import {
  chooseTarget,
  SAMPLE_RESPONSES,
  SAMPLE_RESPONSES_DIR,
  withSampleResponses,
} from '../../examples/run-example.ts';
import type { DashboardEnvelope, TimeoutAnalysisRow } from '../../src/index.ts';
import { FeatherError } from '../../src/index.ts';
import { packageBin } from '../../scripts/lib/packages.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

const TSX = packageBin('tsx');
const API_KEY = 'example-test-secret-77f1';

async function samples(): Promise<AnalyticsData> {
  const read = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(path.join(SAMPLE_RESPONSES_DIR, file), 'utf8'));
  return {
    timeouts: (await read('timeout-analysis.json')) as TimeoutAnalysisRow[],
    dashboard: (await read('dashboard.json')) as DashboardEnvelope,
  };
}

function row(name: string, invocations: number, timeouts: number): TimeoutAnalysisRow {
  return {
    tool_id: `tool_${name}`,
    tool_name: name,
    tool_type: 'http',
    invocation_count: invocations,
    timeout_count: timeouts,
    timeout_rate: invocations ? timeouts / invocations : 0,
    p95_latency_ms: 100,
    max_latency_ms: 200,
  };
}

const RANGE = { start_date: '2025-01-01', end_date: '2025-01-31' };

describe('formatSummary', () => {
  it('prints the top tools by timeout rate, then the dashboard headline and integrations', async () => {
    expect(formatSummary(await samples(), { range: RANGE, source: 'test', top: 3 })).toBe(
      [
        'Feather analytics, 2025-01-01 to 2025-01-31 (test)',
        '',
        'Top 3 of 4 tools by timeout rate',
        '  tool        type       invocations  timeouts  timeout rate  p95 latency',
        '  crm_lookup  http             1,840        92          5.0%        8.2 s',
        '  kb_search   retrieval        5,120       128          2.5%        4.1 s',
        '  send_sms    http               610         3          0.5%       950 ms',
        '',
        'Integrations dashboard',
        '  invocations   7,645  (+9.0% on the previous period)',
        '  success rate  97.0%  (+0.7% on the previous period)',
        '  p95 latency   4.3 s  (-7.5% on the previous period)',
        '',
        '  integration  invocations  success rate  p95 latency',
        '  salesforce         5,120         97.5%        4.1 s',
        '  twilio             2,525         96.0%       950 ms',
        '',
        '  errors: timeout 97.4%, vendor_5xx 2.6%',
      ].join('\n'),
    );
  });

  it('says so when a period has no tools and no summary, and prints n/a for nulls', () => {
    const empty: DashboardEnvelope = {
      summary: [],
      usage: [],
      success_rate: [],
      latency: [],
      by_integration: [],
      by_mode: [],
      error_breakdown: [],
    };
    const text = formatSummary({ timeouts: [], dashboard: empty }, { range: RANGE, source: 'x' });
    expect(text).toContain('(no tool invocations in this period)');
    expect(text).toContain('(no summary for this period)');

    const nulls = { ...empty, summary: [{ current_invocations: null }] };
    const withNulls = formatSummary(
      { timeouts: [row('idle', 0, 0)], dashboard: nulls },
      { range: RANGE, source: 'x' },
    );
    expect(withNulls).toMatch(/invocations\s+n\/a/);
    expect(withNulls).toMatch(/idle\s+http\s+0\s+0\s+n\/a/);
  });
});

describe('topToolsByTimeoutRate', () => {
  it.each([
    ['highest share first', [row('a', 100, 1), row('b', 10, 5)], ['b', 'a']],
    ['equal share: more timeouts first', [row('a', 10, 1), row('b', 100, 10)], ['b', 'a']],
    ['equal everything: by name', [row('b', 10, 1), row('a', 10, 1)], ['a', 'b']],
    ['no invocations last', [row('idle', 0, 0), row('a', 10, 0)], ['a', 'idle']],
  ])('%s', (_name, rows, order) => {
    expect(topToolsByTimeoutRate(rows, 10).map((r) => r.tool_name)).toEqual(order);
  });

  it('keeps only the requested count and leaves its input alone', () => {
    const rows = [row('a', 10, 1), row('b', 10, 2), row('c', 10, 3)];
    expect(topToolsByTimeoutRate(rows, 2).map((r) => r.tool_name)).toEqual(['c', 'b']);
    expect(rows.map((r) => r.tool_name)).toEqual(['a', 'b', 'c']);
  });
});

describe('lastDays', () => {
  it.each([
    [7, '2025-03-01T10:00:00Z', '2025-02-23', '2025-03-01'],
    [1, '2025-03-01T23:59:59Z', '2025-03-01', '2025-03-01'],
    [2, '2024-03-01T00:00:00Z', '2024-02-29', '2024-03-01'],
  ])('%i day(s) ending %s', (days, now, start, end) => {
    expect(lastDays(days, new Date(now))).toEqual({ start_date: start, end_date: end });
  });
});

describe('parseExampleArgs', () => {
  it('defaults to 7 days and the top 5 tools', () => {
    expect(parseExampleArgs([])).toEqual({ days: 7, top: 5 });
    expect(parseExampleArgs(['--', '--days', '30', '--top', '10'])).toEqual({ days: 30, top: 10 });
  });

  it.each([
    [['--days', '0'], /--days must be a whole number from 1, got "0"/],
    [['--top', 'many'], /--top must be a whole number from 1, got "many"/],
    [['--verbose'], /usage: npm run example/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseExampleArgs(argv)).toThrow(FeatherError);
    expect(() => parseExampleArgs(argv)).toThrow(message);
  });
});

describe('chooseTarget', () => {
  it.each([
    ['nothing set: the mock', {}, { mode: 'mock' }],
    [
      'key and URL: the API',
      { FEATHER_API_KEY: 'k', FEATHER_BASE_URL: 'https://api.example' },
      { mode: 'api', apiKey: 'k', baseUrl: 'https://api.example' },
    ],
    [
      'a key alone: the mock, saying the key is not used',
      { FEATHER_API_KEY: 'k' },
      { mode: 'mock', note: expect.stringContaining('without your key') },
    ],
    [
      'a URL alone: the mock, saying why',
      { FEATHER_BASE_URL: 'https://api.example' },
      { mode: 'mock', note: expect.stringContaining('FEATHER_API_KEY is not') },
    ],
    [
      'empty values count as unset',
      { FEATHER_API_KEY: '', FEATHER_BASE_URL: '' },
      { mode: 'mock' },
    ],
  ])('%s', (_name, env, target) => {
    expect(chooseTarget(env)).toEqual(target);
  });
});

describe('withSampleResponses', () => {
  it('sets each sample as the 200 JSON example of its operation, on a copy', async () => {
    const specText = await readFile(path.join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8');
    const spec = JSON.parse(specText);
    const patched = withSampleResponses(spec, { [Object.keys(SAMPLE_RESPONSES)[0]!]: ['x'] });
    const apiPath = Object.keys(SAMPLE_RESPONSES)[0]!;
    expect(
      patched.paths[apiPath]?.['get']?.responses?.['200']?.content?.['application/json'],
    ).toMatchObject({ example: ['x'] });
    expect(JSON.stringify(spec)).toBe(JSON.stringify(JSON.parse(specText)));
  });

  it('names an operation the spec does not have', () => {
    expect(() => withSampleResponses({ paths: {} }, { '/v1/gone': [] })).toThrow(
      'the spec has no GET /v1/gone 200 JSON response',
    );
  });
});

/** `npm run example` with `env` (FEATHER_* variables removed first). */
function runExampleCli(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FEATHER_')),
  );
  const child = spawn(process.execPath, [TSX, 'examples/run-example.ts'], {
    cwd: REPO_ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback API answering both operations with the samples, for the key `API_KEY` only. */
async function startApi(): Promise<{ url: string; keys: (string | undefined)[] }> {
  const keys: (string | undefined)[] = [];
  const bodies = new Map<string, Buffer>();
  for (const [apiPath, file] of Object.entries(SAMPLE_RESPONSES)) {
    bodies.set(apiPath, await readFile(path.join(SAMPLE_RESPONSES_DIR, file)));
  }
  server = createServer((request, response) => {
    const key = request.headers['x-api-key'];
    keys.push(typeof key === 'string' ? key : undefined);
    const body = bodies.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const [status, payload] =
      key !== API_KEY
        ? [401, '{"error":"unauthorized","message":"invalid API key"}']
        : body
          ? [200, body]
          : [404, '{"error":"not_found","message":"no such route"}'];
    response.writeHead(status, { 'content-type': 'application/json' }).end(payload);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys };
}

describe('npm run example', () => {
  it('without a key: starts the mock, prints the summary from both operations, stops the mock', async () => {
    const ran = await runExampleCli({});
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/example: mock API at http:\/\/127\.0\.0\.1:\d+/);
    expect(ran.stdout).toMatch(/crm_lookup\s+http\s+1,840\s+92\s+5\.0%/);
    expect(ran.stdout).toMatch(/invocations\s+7,645/);
    expect(ran.stdout).toMatch(/success rate\s+97\.0%/);
    expect(ran.stderr).toContain('example: mock stopped');
  });

  it('with FEATHER_API_KEY and FEATHER_BASE_URL: calls that API, sends the key, never prints it', async () => {
    const api = await startApi();
    const ran = await runExampleCli({ FEATHER_API_KEY: API_KEY, FEATHER_BASE_URL: api.url });
    expect(ran.code, ran.stderr).toBe(0);
    expect(api.keys).toEqual([API_KEY, API_KEY]);
    expect(ran.stdout).toContain(`(${api.url})`);
    expect(ran.stdout).toMatch(/kb_search\s+retrieval\s+5,120\s+128\s+2\.5%/);
    expect(ran.stderr).not.toContain('mock');
    expect(ran.stdout + ran.stderr).not.toContain(API_KEY);
  });

  it('exits 1 saying to check FEATHER_API_KEY when the API refuses the key, without printing it', async () => {
    const api = await startApi();
    const out: string[] = [];
    const code = await runExample({
      baseUrl: api.url,
      apiKey: 'rejected-key-5c2e',
      source: api.url,
      write: (text) => out.push(text),
      writeError: (text) => out.push(text),
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('check FEATHER_API_KEY');
    expect(out.join('\n')).toContain('401');
    expect(out.join('\n')).not.toContain('rejected-key-5c2e');
  });
});
