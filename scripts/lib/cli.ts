import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
 * Runs a command handler and turns its outcome into an exit code: the handler's number, or
 * 2 with the error's message (no stack for known errors) when it throws.
 */
export async function runCommand(handler: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await handler(process.argv.slice(2));
  } catch (error) {
    if (error instanceof PipelineError) {
      console.error(`error: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error);
      process.exitCode = EXIT_COULD_NOT_RUN;
    }
  }
}
