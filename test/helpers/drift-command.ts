import { driftCommand } from '../../scripts/commands/drift.ts';

/** Runs `npm run drift`'s handler in this process on the tree at `root`; its exit code and output. */
export async function runDrift(
  root: string,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await driftCommand(argv, {
    root,
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}
