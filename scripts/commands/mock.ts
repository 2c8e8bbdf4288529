/**
 * `npm run mock [-- --port <n>]`: serves the joined spec (generated/openapi.json) with Prism on
 * 127.0.0.1 until Ctrl-C, so that the client, the example or curl can be tried without an API key.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';
import { startPrism, type PrismServer } from '../lib/prism.ts';

/** Prism's own default port: what its documentation and most tutorials assume. */
export const DEFAULT_MOCK_PORT = 4010;
/** Any non-empty value: Prism checks that the header is present, not what it holds. */
export const PLACEHOLDER_API_KEY = 'placeholder-key-for-the-mock';

export interface MockOptions {
  /** 0 picks a free port. */
  port: number;
}

/** Reads `--port <n>` (default 4010; 0 = any free port); anything else is a usage error (exit 2). */
export function parseMockArgs(argv: string[]): MockOptions {
  let values: { port?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: { port: { type: 'string', short: 'p' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\nusage: npm run mock -- [--port <n>]`);
  }
  if (values.port === undefined) return { port: DEFAULT_MOCK_PORT };
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new PipelineError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  return { port };
}

/** What `npm run mock` prints once Prism listens: where it is and one request to try. */
export function mockBanner(url: string): string {
  return [
    `mock: Prism serves generated/openapi.json at ${url} (Ctrl-C to stop)`,
    'try:',
    `  curl -H 'x-api-key: ${PLACEHOLDER_API_KEY}' '${url}/v1/analytics/tools/reliability/timeout-analysis?start_date=2025-01-01&end_date=2025-01-31'`,
    `  FEATHER_BASE_URL=${url} FEATHER_API_KEY=${PLACEHOLDER_API_KEY} npm run example`,
  ].join('\n');
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function mockCommand(argv: string[]): Promise<number> {
  const { port } = parseMockArgs(argv);
  let prism: PrismServer;
  try {
    prism = await startPrism(port === 0 ? {} : { port });
  } catch (error) {
    throw new PipelineError(
      `could not start Prism on 127.0.0.1:${port || '<free port>'} (is the port in use? try --port 0)\n${(error as Error).message}`,
    );
  }
  console.log(mockBanner(prism.url));
  const signal = await untilStopped();
  await prism.stop();
  console.log(`mock: stopped (${signal})`);
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(mockCommand);
