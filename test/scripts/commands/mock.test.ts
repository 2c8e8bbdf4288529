import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import {
  DEFAULT_MOCK_PORT,
  mockBanner,
  parseMockArgs,
  PLACEHOLDER_API_KEY,
} from '../../../scripts/commands/mock.ts';
import { packageBin } from '../../../scripts/lib/packages.ts';
import { freePort } from '../../../scripts/lib/prism.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const TSX = packageBin('tsx');
const DASHBOARD = '/v1/analytics/integrations/dashboard?start_date=2025-01-01&end_date=2025-01-31';
const TIMEOUTS =
  '/v1/analytics/tools/reliability/timeout-analysis?start_date=2025-01-01&end_date=2025-01-31';

describe('parseMockArgs', () => {
  it.each([
    ['no arguments', [], DEFAULT_MOCK_PORT],
    ['--port', ['--port', '5123'], 5123],
    ['-p after npm run’s --', ['--', '-p', '5123'], 5123],
    ['--port 0 (any free port)', ['--port', '0'], 0],
  ])('%s', (_name, argv, port) => {
    expect(parseMockArgs(argv)).toEqual({ port });
  });

  it.each([
    ['a port that is not a number', ['--port', 'abc'], /--port must be an integer.*"abc"/],
    ['a port above 65535', ['--port', '70000'], /--port must be an integer.*"70000"/],
    ['an unknown option', ['--verbose'], /usage: npm run mock/],
    ['a positional argument', ['spec.yaml'], /usage: npm run mock/],
  ])('rejects %s with exit code 2', (_name, argv, message) => {
    const error = (() => {
      try {
        parseMockArgs(argv);
      } catch (thrown) {
        return thrown;
      }
      throw new Error('parseMockArgs accepted bad arguments');
    })();
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });

  it('banner names the URL and a request that works with the placeholder key', () => {
    const banner = mockBanner('http://127.0.0.1:4010');
    expect(banner).toContain('http://127.0.0.1:4010');
    expect(banner).toContain(`x-api-key: ${PLACEHOLDER_API_KEY}`);
  });
});

/** `npm run mock` as a user runs it, collecting what it prints. */
function runMock(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [TSX, 'scripts/commands/mock.ts', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

let running: ChildProcess | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  if (running && running.exitCode === null) {
    running.kill('SIGKILL');
    await exitCode(running);
  }
  running = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

describe('npm run mock', () => {
  it('serves both operations on 127.0.0.1 with a placeholder key, refuses without one, stops on Ctrl-C', async () => {
    const port = await freePort();
    const mock = runMock(['--port', String(port)]);
    running = mock.child;
    await expect.poll(mock.output, { timeout: 60_000, interval: 100 }).toContain('Ctrl-C to stop');
    const url = `http://127.0.0.1:${port}`;
    expect(mock.output()).toContain(url);

    const headers = { 'x-api-key': PLACEHOLDER_API_KEY };
    const dashboard = await fetch(url + DASHBOARD, { headers });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.json()).toHaveProperty('summary');
    const timeouts = await fetch(url + TIMEOUTS, { headers });
    expect(timeouts.status).toBe(200);
    expect(Array.isArray(await timeouts.json())).toBe(true);
    expect((await fetch(url + TIMEOUTS)).status).toBe(401);

    mock.child.kill('SIGINT');
    expect(await exitCode(mock.child)).toBe(0);
    expect(mock.output()).toContain('mock: stopped (SIGINT)');
    await expect(fetch(url + TIMEOUTS, { headers })).rejects.toThrow();
  });

  it('exits 2 naming the port when the port is taken', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, '127.0.0.1', resolve));
    const mock = runMock(['--port', String(port)]);
    running = mock.child;
    expect(await exitCode(mock.child)).toBe(2);
    expect(mock.output()).toContain(`could not start Prism on 127.0.0.1:${port}`);
  });
});
