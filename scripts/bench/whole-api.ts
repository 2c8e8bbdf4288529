/**
 * Where the benchmarks find Feather's whole published API: `../shared/feather-api/` beside the
 * checkout, or `FEATHER_API_DIR`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folder holding `openapi-<release>.json` for each release. */
export const FEATHER_API_DIR =
  process.env['FEATHER_API_DIR'] ?? path.resolve(ROOT, '..', 'shared', 'feather-api');

/** The benchmarks' default `--api`: the whole 1.87.0. */
export const DEFAULT_BENCH_API = path.join(FEATHER_API_DIR, 'openapi-1.87.0.json');

/** Throws a PipelineError (exit 2) saying how to give one when there is no document at `api`. */
export function assertApiDocument(api: string): void {
  if (!existsSync(api))
    throw new PipelineError(
      `no API document at ${api}: pass --api=<openapi.json> or set FEATHER_API_DIR`,
    );
}
