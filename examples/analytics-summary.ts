/**
 * Example: a week of Feather analytics in one screen. Calls both operations through the client
 * (in parallel, throwing style) and prints the tools that time out most and the integrations
 * dashboard's headline numbers.
 *
 *   npm run example                      # against the mock, no key needed (examples/run-example.ts)
 *   FEATHER_API_KEY=... FEATHER_BASE_URL=https://api-sandbox.featherhq.com npm run example
 *
 * In your own code, import from '@featherhq/api-client' instead of '../src/index.ts'.
 */
import { parseArgs } from 'node:util';
import {
  APIConnectionError,
  AuthenticationError,
  createFeatherClient,
  FeatherError,
  unwrap,
  type DashboardEnvelope,
  type FeatherClient,
  type TimeoutAnalysisRow,
} from '../src/index.ts';

/** Both query parameters the two operations require. */
export interface DateRange {
  start_date: string;
  end_date: string;
}

export interface AnalyticsData {
  timeouts: TimeoutAnalysisRow[];
  dashboard: DashboardEnvelope;
}

/** The `days` days ending today (UTC), as the API's `YYYY-MM-DD` dates. */
export function lastDays(days: number, today = new Date()): DateRange {
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  return { start_date: start.toISOString().slice(0, 10), end_date: end.toISOString().slice(0, 10) };
}

/** Calls both operations at once; throws the client's typed errors (see `explainFailure`). */
export async function fetchAnalytics(
  client: FeatherClient,
  range: DateRange,
): Promise<AnalyticsData> {
  const [timeouts, dashboard] = await Promise.all([
    unwrap(
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
        params: { query: { ...range, limit: 100 } },
      }),
    ),
    unwrap(client.GET('/v1/analytics/integrations/dashboard', { params: { query: range } })),
  ]);
  return { timeouts, dashboard };
}

/**
 * Timeouts per invocation, from the counts (`undefined` with no invocations). The spec does not
 * say whether `timeout_rate` is a fraction or a percentage, so the example does not rely on it.
 */
export function timeoutShare(row: TimeoutAnalysisRow): number | undefined {
  return row.invocation_count > 0 ? row.timeout_count / row.invocation_count : undefined;
}

/** The `count` tools with the highest timeout share (ties: more timeouts first, then by name). */
export function topToolsByTimeoutRate(
  rows: readonly TimeoutAnalysisRow[],
  count: number,
): TimeoutAnalysisRow[] {
  return [...rows]
    .sort(
      (a, b) =>
        (timeoutShare(b) ?? -1) - (timeoutShare(a) ?? -1) ||
        b.timeout_count - a.timeout_count ||
        a.tool_name.localeCompare(b.tool_name),
    )
    .slice(0, count);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : integer.format(value);
}

function formatPercent(value: number | null | undefined, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${signed && value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** Lays out rows as columns: text left-aligned, numbers (`align: 'right'`) right-aligned. */
function table(header: string[], rows: string[][], align: ('left' | 'right')[]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) =>
        align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [header, ...rows].map((cells) => `  ${line(cells)}`);
}

/** The readable summary: top tools by timeout rate, then the dashboard's headline numbers. */
export function formatSummary(
  data: AnalyticsData,
  context: { range: DateRange; source: string; top?: number },
): string {
  const top = topToolsByTimeoutRate(data.timeouts, context.top ?? 5);
  const lines = [
    `Feather analytics, ${context.range.start_date} to ${context.range.end_date} (${context.source})`,
    '',
    `Top ${top.length} of ${data.timeouts.length} tools by timeout rate`,
  ];
  if (top.length === 0) lines.push('  (no tool invocations in this period)');
  else {
    lines.push(
      ...table(
        ['tool', 'type', 'invocations', 'timeouts', 'timeout rate', 'p95 latency'],
        top.map((row) => {
          const share = timeoutShare(row);
          return [
            row.tool_name,
            row.tool_type,
            formatCount(row.invocation_count),
            formatCount(row.timeout_count),
            formatPercent(share === undefined ? undefined : share * 100),
            formatMs(row.p95_latency_ms),
          ];
        }),
        ['left', 'left', 'right', 'right', 'right', 'right'],
      ),
    );
  }

  const summary = data.dashboard.summary[0];
  const change = (pct: number | null | undefined): string =>
    pct === null || pct === undefined ? '' : `(${formatPercent(pct, true)} on the previous period)`;
  lines.push('', 'Integrations dashboard');
  if (!summary) lines.push('  (no summary for this period)');
  else {
    lines.push(
      ...table(
        ['', '', ''],
        [
          [
            'invocations',
            formatCount(summary.current_invocations),
            change(summary.pct_change_invocations),
          ],
          [
            'success rate',
            formatPercent(summary.current_success_rate_pct),
            change(summary.pct_change_success_rate_pct),
          ],
          [
            'p95 latency',
            formatMs(summary.current_p95_latency_ms),
            change(summary.pct_change_p95_latency_ms),
          ],
        ],
        ['left', 'right', 'left'],
      ).slice(1),
    );
  }
  if (data.dashboard.by_integration.length > 0) {
    lines.push(
      '',
      ...table(
        ['integration', 'invocations', 'success rate', 'p95 latency'],
        data.dashboard.by_integration.map((row) => [
          row.integration_key,
          formatCount(row.invocations),
          formatPercent(row.success_rate_pct),
          formatMs(row.p95_latency_ms),
        ]),
        ['left', 'right', 'right', 'right'],
      ),
    );
  }
  const errors = data.dashboard.error_breakdown;
  if (errors.length > 0) {
    lines.push(
      '',
      `  errors: ${errors.map((row) => `${row.error_category} ${formatPercent(row.share_pct)}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}

/** One line saying what went wrong and what to do; never the key (the client's errors omit it). */
export function explainFailure(error: unknown): string {
  if (error instanceof AuthenticationError) {
    return `${error.message}\nThe API refused the key: check FEATHER_API_KEY.`;
  }
  if (error instanceof APIConnectionError) {
    return `${error.message}\nNo answer from the API: check FEATHER_BASE_URL and the network.`;
  }
  if (error instanceof FeatherError) return error.message;
  return String(error);
}

/** Reads `--days <n>` (default 7) and `--top <n>` (default 5); throws a `FeatherError` on bad input. */
export function parseExampleArgs(argv: string[]): { days: number; top: number } {
  let values: { days: string; top: string };
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: { days: { type: 'string', default: '7' }, top: { type: 'string', default: '5' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new FeatherError(`${(error as Error).message}\n${EXAMPLE_USAGE}`);
  }
  const days = Number(values.days);
  const top = Number(values.top);
  if (!Number.isInteger(days) || days < 1) {
    throw new FeatherError(`--days must be a whole number from 1, got "${values.days}"`);
  }
  if (!Number.isInteger(top) || top < 1) {
    throw new FeatherError(`--top must be a whole number from 1, got "${values.top}"`);
  }
  return { days, top };
}

export const EXAMPLE_USAGE = 'usage: npm run example -- [--days <n>] [--top <n>]';

export interface RunOptions {
  /** Where the API is; the key goes only there. */
  baseUrl: string;
  apiKey: string;
  /** Named in the heading: the base URL, or the mock's. */
  source: string;
  days?: number;
  top?: number;
  /** @default console.log */
  write?: (text: string) => void;
  /** @default console.error */
  writeError?: (text: string) => void;
}

/** Fetches and prints the summary; resolves with the exit code (0 ok, 1 the API call failed). */
export async function runExample(options: RunOptions): Promise<number> {
  const write = options.write ?? ((text: string) => console.log(text));
  const writeError = options.writeError ?? ((text: string) => console.error(text));
  const client = createFeatherClient({ apiKey: options.apiKey, baseUrl: options.baseUrl });
  const range = lastDays(options.days ?? 7);
  try {
    const data = await fetchAnalytics(client, range);
    write(formatSummary(data, { range, source: options.source, top: options.top ?? 5 }));
    return 0;
  } catch (error) {
    writeError(`error: ${explainFailure(error)}`);
    return 1;
  }
}
