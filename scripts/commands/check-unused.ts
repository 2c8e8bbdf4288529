/**
 * `npm run check:unused` (part of `npm run check`): knip, for unused files, exports and
 * dependencies (knip.jsonc). Under yarn's Plug'n'Play it is skipped, saying so: knip 6 cannot load
 * there on Node 20 (its parser, oxc-parser, is required as ES modules out of yarn's zip archives,
 * and it loads vitest.config.ts as CommonJS). With node_modules (npm, pnpm, yarn's
 * `nodeLinker: node-modules`) it runs.
 */
import { runNode } from '../lib/child.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_OK } from '../lib/errors.ts';
import { packageBin } from '../lib/packages.ts';

export async function checkUnusedCommand(argv: string[]): Promise<number> {
  if (process.versions['pnp']) {
    console.log(
      "check:unused: skipped under yarn Plug'n'Play (knip cannot load there); it runs wherever node_modules exists",
    );
    return EXIT_OK;
  }
  const { code, output } = await runNode([packageBin('knip', 'knip'), ...argv], {
    cwd: process.cwd(),
  });
  process.stdout.write(output);
  return code ?? 1;
}

if (isEntryPoint(import.meta.url)) await runCommand(checkUnusedCommand);
