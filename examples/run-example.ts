/**
 * `npm run example [-- --days <n> --top <n>]`: runs examples/analytics-summary.ts against the
 * real API when FEATHER_API_KEY and FEATHER_BASE_URL are both set; otherwise against Prism
 * mocking our own spec on a free 127.0.0.1 port, with a placeholder key, stopped afterwards.
 * The mock answers with examples/sample-responses/ (Prism would otherwise invent "string" and 0
 * for every field); it still checks each request (parameters, x-api-key) against the spec.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint, runCommand } from '../scripts/lib/cli.ts';
import { EXIT_COULD_NOT_RUN } from '../scripts/lib/errors.ts';
import { PLACEHOLDER_API_KEY } from '../scripts/commands/mock.ts';
import { startPrism } from '../scripts/lib/prism.ts';
import { FeatherError } from '../src/index.ts';
import { parseExampleArgs, runExample } from './analytics-summary.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLE_RESPONSES_DIR = path.join(ROOT, 'examples', 'sample-responses');
/** Operation path -> the sample its 200 response gives in the mock. */
export const SAMPLE_RESPONSES: Readonly<Record<string, string>> = {
  '/v1/analytics/tools/reliability/timeout-analysis': 'timeout-analysis.json',
  '/v1/analytics/integrations/dashboard': 'dashboard.json',
};

type MediaTypeObject = { example?: unknown; examples?: unknown };
type SpecDocument = {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, MediaTypeObject> }> }>
  >;
};

/** A copy of the spec whose GET 200 JSON responses carry `samples[path]` as their example. */
export function withSampleResponses(
  spec: SpecDocument,
  samples: Record<string, unknown>,
): SpecDocument {
  const copy = structuredClone(spec);
  for (const [apiPath, sample] of Object.entries(samples)) {
    const media = copy.paths[apiPath]?.['get']?.responses?.['200']?.content?.['application/json'];
    if (!media)
      throw new FeatherError(`the spec has no GET ${apiPath} 200 JSON response for its sample`);
    media.example = sample;
    delete media.examples;
  }
  return copy;
}

/** Writes the spec with samples into `dir`; returns its path. */
async function writeSampleSpec(dir: string): Promise<string> {
  const spec = JSON.parse(await readFile(path.join(ROOT, 'generated', 'openapi.json'), 'utf8'));
  const samples: Record<string, unknown> = {};
  for (const [apiPath, file] of Object.entries(SAMPLE_RESPONSES)) {
    samples[apiPath] = JSON.parse(await readFile(path.join(SAMPLE_RESPONSES_DIR, file), 'utf8'));
  }
  const specPath = path.join(dir, 'openapi.json');
  await writeFile(specPath, JSON.stringify(withSampleResponses(spec, samples)));
  return specPath;
}

export type ExampleTarget =
  { mode: 'api'; baseUrl: string; apiKey: string } | { mode: 'mock'; note?: string };

/**
 * The real API only when both variables are set: a key alone would go to the default (sandbox)
 * URL, which the user did not choose here, and a URL alone has no key to send.
 */
export function chooseTarget(env: Record<string, string | undefined>): ExampleTarget {
  const apiKey = env['FEATHER_API_KEY'] || undefined;
  const baseUrl = env['FEATHER_BASE_URL'] || undefined;
  if (apiKey && baseUrl) return { mode: 'api', baseUrl, apiKey };
  if (apiKey) {
    return {
      mode: 'mock',
      note: 'FEATHER_API_KEY is set but FEATHER_BASE_URL is not: using the mock, without your key. Set both to call the API.',
    };
  }
  if (baseUrl) {
    return {
      mode: 'mock',
      note: 'FEATHER_BASE_URL is set but FEATHER_API_KEY is not: using the mock. Set both to call the API.',
    };
  }
  return { mode: 'mock' };
}

export async function exampleCommand(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let args: { days: number; top: number };
  try {
    args = parseExampleArgs(argv);
  } catch (error) {
    if (!(error instanceof FeatherError)) throw error;
    console.error(`error: ${error.message}`);
    return EXIT_COULD_NOT_RUN;
  }
  const target = chooseTarget(env);
  if (target.mode === 'api') {
    return runExample({ ...args, ...target, source: target.baseUrl });
  }
  if (target.note) console.error(`example: ${target.note}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'feather-example-'));
  const prism = await startPrism({ spec: await writeSampleSpec(dir) }).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  console.error(
    `example: mock API at ${prism.url} (Prism: generated/openapi.json, examples/sample-responses/)`,
  );
  try {
    return await runExample({
      ...args,
      baseUrl: prism.url,
      apiKey: PLACEHOLDER_API_KEY,
      source: `mock at ${prism.url}`,
    });
  } finally {
    await prism.stop();
    await rm(dir, { recursive: true, force: true });
    console.error('example: mock stopped');
  }
}

if (isEntryPoint(import.meta.url)) await runCommand((argv) => exampleCommand(argv));
