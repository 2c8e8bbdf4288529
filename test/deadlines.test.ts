/**
 * src/deadlines.ts: one timer bounds all of a client's running attempts. Real timers, short
 * waits; what is asserted is order and "never early", never how fast. The last two tests run a
 * client in a child process: it must keep Node alive while an attempt is bounded, and not after.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../src/deadlines.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When each named deadline expired (`performance.now()`). */
const expiredAt = new Map<string, number>();

/** Starts a deadline of `ms` that logs its name and records when it expired. */
function recorded(deadlines: Deadlines, ms: number, log: string[], name: string) {
  return deadlines.start(ms, () => {
    log.push(name);
    expiredAt.set(name, performance.now());
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

describe('Deadlines', () => {
  it('expires an attempt once its time has passed, never before', async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const deadline = recorded(deadlines, 30, log, 'a');
    await until(() => log.length === 1);
    expect(expiredAt.get('a')).toBeGreaterThanOrEqual(deadline.atMs);
    expect(deadlines.size).toBe(0);
  });

  it('a cancelled deadline never expires; the others still do', async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const cancelled = recorded(deadlines, 10, log, 'cancelled');
    recorded(deadlines, 40, log, 'kept');
    deadlines.cancel(cancelled);
    deadlines.cancel(cancelled); // twice: still nothing
    await until(() => log.length === 1);
    await sleep(20);
    expect(log).toEqual(['kept']);
  });

  it('a shorter deadline started after a longer one expires first', async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const long = recorded(deadlines, 200, log, 'long');
    const short = recorded(deadlines, 10, log, 'short');
    await until(() => log.length === 2);
    expect(log).toEqual(['short', 'long']);
    expect(expiredAt.get('short')).toBeGreaterThanOrEqual(short.atMs);
    expect(expiredAt.get('long')).toBeGreaterThanOrEqual(long.atMs);
  });

  it('expires each of many deadlines exactly once, in order of their time', async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    for (const ms of [50, 5, 30, 15, 5]) recorded(deadlines, ms, log, String(ms));
    await until(() => log.length === 5);
    await sleep(20);
    expect(log.map(Number)).toEqual([5, 5, 15, 30, 50]);
    expect(deadlines.size).toBe(0);
  });

  it('starting a deadline from an expiring one works (a retry after a timeout)', async () => {
    const deadlines = new Deadlines();
    const log: string[] = [];
    deadlines.start(5, () => {
      log.push('first');
      recorded(deadlines, 5, log, 'second');
    });
    await until(() => log.length === 2);
    expect(log).toEqual(['first', 'second']);
  });
});

/** Runs `code` (an ES module, tsx loaded) in a child node; its stdout, or what went wrong. */
async function runChild(code: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: REPO_ROOT, timeout: 60_000 },
  );
  return stdout.trim();
}
const CLIENT = JSON.stringify(path.join(REPO_ROOT, 'src', 'index.ts'));
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';

describe('a client in a Node process', () => {
  it(
    'does not keep the process alive once its calls have ended (the one timer is let go)',
    { timeout: 90_000 },
    async () => {
      // A timeoutMs of ~24.8 days: were the timer still holding the process, it would not exit
      // and execFile would kill it at 60 s.
      const output = await runChild(`
        import { createServer } from 'node:http';
        const { createFeatherClient } = await import(${CLIENT});
        const server = createServer((req, res) => res.end('[]'));
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        const client = createFeatherClient({
          apiKey: 'sk_test_deadline',
          baseUrl: 'http://127.0.0.1:' + server.address().port,
          timeoutMs: 2147483647,
          logLevel: 'off',
        });
        const { response } = await client.GET(${JSON.stringify(PATH)}, {
          params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
        });
        server.closeAllConnections();
        server.close();
        console.log('status', response.status);
      `);
      expect(output).toBe('status 200');
    },
  );

  it(
    'keeps the process alive while an attempt is bounded, until its timeout fires',
    { timeout: 90_000 },
    async () => {
      // The fetch holds nothing open: only the deadline's timer keeps Node running. Were it let
      // go, the process would end with the call unsettled and print nothing.
      const output = await runChild(`
        const { createFeatherClient } = await import(${CLIENT});
        const client = createFeatherClient({
          apiKey: 'sk_test_deadline',
          baseUrl: 'http://127.0.0.1:9',
          timeoutMs: 200,
          maxRetries: 0,
          logLevel: 'off',
          fetch: (input, init) =>
            new Promise((_, reject) =>
              init.signal.addEventListener('abort', () => reject(init.signal.reason)),
            ),
        });
        const error = await client
          .GET(${JSON.stringify(PATH)}, {
            params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
          })
          .catch((caught) => caught);
        console.log(error.name);
      `);
      expect(output).toBe('APIConnectionTimeoutError');
    },
  );
});
