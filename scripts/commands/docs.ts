/**
 * `npm run docs [-- --out <file>]`: renders the joined spec (generated/openapi.json) into one
 * self-contained HTML page with Redocly `build-docs` (Redoc inlined: opens from disk, offline).
 */
import { runNode } from '../lib/child.ts';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { packageBin } from '../lib/packages.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DOCS_SPEC = path.join(ROOT, 'generated', 'openapi.json');
/** Not committed (see docs/pipeline.md, "API reference"): rebuilt from the committed spec in a second. */
export const DOCS_OUTPUT = path.join(ROOT, 'docs', 'api', 'index.html');
export const DOCS_TITLE = 'Feather API reference (@featherhq/api-client)';

/** Redocly phones home (telemetry, update notice) unless told not to; the build needs no network. */
const OFFLINE_ENV = {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SDK_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  DO_NOT_TRACK: '1',
};

/** The `redocly build-docs` arguments for one spec and output file. */
export function buildDocsArgs(spec: string, out: string, title = DOCS_TITLE): string[] {
  // --inlineBundle: without it the page loads Redoc from Redocly's CDN and is blank offline.
  return ['build-docs', spec, '--output', out, '--title', title, '--inlineBundle'];
}

/** Builds the HTML reference; resolves with its path and size, rejects with Redocly's output. */
export async function buildDocs(
  options: { spec?: string; out?: string } = {},
): Promise<{ out: string; bytes: number }> {
  const spec = options.spec ?? DOCS_SPEC;
  const out = path.resolve(options.out ?? DOCS_OUTPUT);
  const args = [packageBin('@redocly/cli', 'redocly'), ...buildDocsArgs(spec, out)];
  const { code, output } = await runNode(args, {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV },
  });
  if (code !== 0) {
    throw new PipelineError(`redocly build-docs failed (exit ${code}) for ${spec}:\n${output}`);
  }
  return { out, bytes: (await stat(out)).size };
}

export async function docsCommand(argv: string[]): Promise<number> {
  let values: { out?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: { out: { type: 'string', short: 'o' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\nusage: npm run docs -- [--out <file>]`);
  }
  const { out, bytes } = await buildDocs(values.out === undefined ? {} : { out: values.out });
  console.log(
    `docs: ${path.relative(process.cwd(), out)} (${Math.round(bytes / 1024)} KiB), open it in a browser`,
  );
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(docsCommand);
