/**
 * `npm run generate`: spec/ -> generated/ (the work is scripts/pipeline/generate.ts); argument
 * parsing and the exit code.
 */
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_COULD_NOT_RUN, EXIT_OK } from '../lib/errors.ts';
import { generate } from '../pipeline/generate.ts';
import { DEFAULT_PATHS, formatSteps, type BuildOptions } from '../pipeline/pipeline.ts';

const USAGE =
  'usage: npm run generate [-- [--force] [--remove-name NAME]... [--remove-gone-names]]';

/** `--force`, and which locked names may be removed; an error message on bad arguments. */
export function parseGenerateArgs(
  argv: readonly string[],
): { force: boolean; options: BuildOptions } | { error: string } {
  let force = false;
  const names: string[] = [];
  let allGone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    else if (arg === '--force') force = true;
    else if (arg === '--remove-gone-names') allGone = true;
    else if (arg.startsWith('--remove-name=')) names.push(arg.slice('--remove-name='.length));
    else if (arg === '--remove-name' && argv[i + 1] && !argv[i + 1]!.startsWith('--'))
      names.push(argv[++i]!);
    else return { error: `unknown or incomplete argument ${arg}; ${USAGE}` };
  }
  const removeNames = allGone ? 'all-gone' : names.length > 0 ? names : undefined;
  return { force, options: removeNames ? { removeNames } : {} };
}

export async function generateCommand(argv: string[]): Promise<number> {
  const parsed = parseGenerateArgs(argv);
  if ('error' in parsed) {
    console.error(parsed.error);
    return EXIT_COULD_NOT_RUN;
  }
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
