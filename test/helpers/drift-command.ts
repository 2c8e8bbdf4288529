import { driftCommand } from '../../scripts/commands/drift.ts';
import { commandExitCode } from '../../scripts/lib/cli.ts';

/**
 * Runs `npm run drift`'s handler in this process on the tree at `root`, its errors mapped to
 * exit codes as `runCommand` maps them; its exit code and output.
 */
export async function runDrift(
  root: string,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = (text: string): void => void (err += text);
  const code = await commandExitCode(
    () => driftCommand(argv, { root, out: (text) => (out += text), err: write }),
    write,
  );
  return { code, out, err };
}
