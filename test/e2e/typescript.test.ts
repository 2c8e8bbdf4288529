import { describe, expect, it } from 'vitest';
import { runNode } from '../../scripts/lib/child.ts';
import { packageBin } from '../../scripts/lib/packages.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

describe('the whole project', () => {
  // vitest runs .ts files without checking their types; this makes a type error anywhere in
  // src/, scripts/, generated/, examples/ or test/ fail the tests (and so CI), as `npm run check`
  // does. It is also what runs the type tests, test/**/*.test-d.ts (vitest.config.ts says why).
  it('type-checks under tsconfig.json (strict)', async () => {
    const tsc = packageBin('typescript', 'tsc');
    const { code, output } = await runNode(
      [tsc, '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false'],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(output).toBe('');
    expect(code).toBe(0);
    // A ceiling, not a speed check: tsc over the whole project took over a minute on a busy machine.
  }, 300_000);
});
