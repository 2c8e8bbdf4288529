/**
 * A client run inside a child process with a small heap (`node --max-old-space-size=64`), for the
 * hostile-input cases whose failure is memory without bound: the parent serves the hostile
 * response on loopback, this process calls it once and prints one JSON line saying how the call
 * ended. A process that runs out of memory prints no line and exits 134.
 *
 * Usage: node --max-old-space-size=64 --import tsx small-heap-client.ts URL json|stream [OPTIONS_JSON]
 */
import { createFeatherClient, streamEvents } from '../../src/index.ts';

const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const [url, mode, optionsJson] = process.argv.slice(2);
const client = createFeatherClient({
  apiKey: 'sk_small_heap_child',
  baseUrl: url,
  initialRetryDelayMs: 1,
  logLevel: 'off',
  ...(JSON.parse(optionsJson ?? '{}') as object),
});

function report(outcome: object): void {
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exit(0);
}

try {
  if (mode === 'stream') {
    let events = 0;
    for await (const _event of streamEvents(
      client.GET(PATH, { params: { query: QUERY }, parseAs: 'stream' }),
    )) {
      events++;
    }
    report({ ended: true, events });
  } else {
    const { response } = await client.GET(PATH, { params: { query: QUERY } });
    report({ ended: true, status: response.status });
  }
} catch (error) {
  const { name, message, limitName, limitBytes } = error as Record<string, unknown>;
  report({ name, message, limitName, limitBytes });
}
