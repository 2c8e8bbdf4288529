/**
 * `npm run check` (first half; `tsc --noEmit` runs after it): rebuilds generated/ in memory from
 * spec/, lints on the way, and fails naming every file that differs from what is committed.
 */
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../lib/errors.ts';
import { expectedOutput, staleFiles } from '../pipeline/generate.ts';
import { DEFAULT_PATHS, formatSteps, type PipelinePaths } from '../pipeline/pipeline.ts';

/** Files under generated/ that differ from what `generate` would write (empty when current). */
export async function checkGenerated(
  paths: PipelinePaths = DEFAULT_PATHS,
): Promise<{ stale: string[]; report: string }> {
  const build = await expectedOutput(paths);
  return { stale: await staleFiles(paths, build.files), report: formatSteps(build) };
}

export async function checkCommand(): Promise<number> {
  const { stale, report } = await checkGenerated();
  console.log(`check: spec/ -> generated/ (in memory)\n${report}`);
  if (stale.length > 0) {
    console.error(
      `error: generated/ is not what \`npm run generate\` would write from spec/:\n${stale.map((f) => `  ${f}`).join('\n')}\n` +
        'Run `npm run generate` and commit the result. Never edit generated/ by hand.',
    );
    return EXIT_CHECK_FAILED;
  }
  console.log('check: generated/ is current');
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(checkCommand);
