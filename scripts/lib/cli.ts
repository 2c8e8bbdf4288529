import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { escapeUnsafeCharacters } from '../../common/unsafe-characters.ts';
import { EXIT_COULD_NOT_RUN, PipelineError } from './errors.ts';

/**
 * True when `moduleUrl` is the script node was started with (so tests can import it freely).
 * Compares real paths, so a script reached through a symlink still runs.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * The exit code of one run of a command: the handler's number, or, when it throws, the error's:
 * a PipelineError's `exitCode` after `error: <message>` (no stack), anything else 2 after the
 * error as `console.error` prints it. The one place where errors become exit codes. A message
 * often quotes a spec (a `$ref`, a name): its control and bidi characters are written escaped.
 */
export async function commandExitCode(
  run: () => Promise<number>,
  err: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PipelineError) {
      err(`error: ${escapeUnsafeCharacters(error.message)}\n`);
      return error.exitCode;
    }
    err(`${escapeUnsafeCharacters(format(error))}\n`);
    return EXIT_COULD_NOT_RUN;
  }
}

/** Runs a command handler on the process's arguments and sets the exit code from its outcome. */
export async function runCommand(handler: (argv: string[]) => Promise<number>): Promise<void> {
  process.exitCode = await commandExitCode(() => handler(process.argv.slice(2)));
}
