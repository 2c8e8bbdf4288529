/**
 * `npm run generate`: spec/ -> generated/ (the work is scripts/pipeline/generate.ts); argument
 * parsing and the exit code.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';
import { generate } from '../pipeline/generate.ts';
import { DEFAULT_PATHS, formatSteps, type BuildOptions } from '../pipeline/pipeline.ts';

const USAGE =
  'usage: npm run generate [-- [--force] [--remove-name NAME]... [--remove-gone-names]]';

/** `--force`, and which locked names may be removed. Throws a PipelineError (exit 2) on bad usage. */
export function parseGenerateArgs(argv: readonly string[]): {
  force: boolean;
  options: BuildOptions;
} {
  let values: { force?: boolean; 'remove-name'?: string[]; 'remove-gone-names'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        force: { type: 'boolean' },
        'remove-name': { type: 'string', multiple: true },
        'remove-gone-names': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\n${USAGE}`);
  }
  const names = values['remove-name'] ?? [];
  const removeNames = values['remove-gone-names']
    ? 'all-gone'
    : names.length > 0
      ? names
      : undefined;
  return { force: values.force ?? false, options: removeNames ? { removeNames } : {} };
}

export async function generateCommand(argv: string[]): Promise<number> {
  const parsed = parseGenerateArgs(argv);
  const started = performance.now();
  const result = await generate(DEFAULT_PATHS, parsed.force, parsed.options);
  const total = `${Math.round(performance.now() - started)} ms`;
  if (result.skipped) {
    console.log(
      `generate: nothing changed in spec/, config or generator; generated/ is current (${total})`,
    );
    return EXIT_OK;
  }
  const build = result.build!;
  console.log(`generate: spec/ -> generated/`);
  console.log(formatSteps(build));
  console.log(
    result.changed.length === 0
      ? `done: generated/ already matched; nothing written (${total})`
      : `done: wrote ${result.changed.join(', ')} (${total})`,
  );
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(generateCommand);
