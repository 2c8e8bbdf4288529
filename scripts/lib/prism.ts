/**
 * Starts and stops the Prism mock server on loopback, from our own joined spec. Used by
 * `npm run mock`, the example and the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageBin } from './packages.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** How long Prism may take to say it is listening. */
export const PRISM_START_TIMEOUT_MS = 60_000;

export interface PrismServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Everything Prism printed so far (its request log names every violation). */
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `prism mock` (with `--errors`: violations answer 4xx/5xx) and waits until it listens. */
export async function startPrism(
  options: { spec?: string; port?: number; errors?: boolean } = {},
): Promise<PrismServer> {
  const spec = options.spec ?? path.join(ROOT, 'generated', 'openapi.json');
  const port = options.port ?? (await freePort());
  const args = [
    packageBin('@stoplight/prism-cli', 'prism'),
    'mock',
    spec,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
  ];
  if (options.errors ?? true) args.push('--errors');
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`Prism did not start within ${PRISM_START_TIMEOUT_MS} ms:\n${output}`));
    }, PRISM_START_TIMEOUT_MS);
    const onData = (): void => {
      if (/Prism is listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with code ${code} before listening:\n${output}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, port, output: () => output, stop };
}
