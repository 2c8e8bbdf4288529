import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../scripts/lib/child.ts';
import { REPO_ROOT } from './helpers/workspace.ts';

describe('the whole project', () => {
  // vitest runs .ts files without checking their types; this makes a type error anywhere in
  // src/, scripts/, generated/, examples/ or test/ fail the tests (and so CI), as `npm run check` does.
  it('type-checks under tsconfig.json (strict)', async () => {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const { code, output } = await runNode(
      [tsc, '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false'],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
