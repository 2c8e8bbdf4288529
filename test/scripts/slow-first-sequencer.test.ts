import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES, slowFirst } from '../helpers/slow-first-sequencer.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

describe('the slow-first test order (vitest.config.ts)', () => {
  it('names test files that exist, each once', () => {
    expect(SLOW_FILES.filter((file) => !existsSync(path.join(REPO_ROOT, file)))).toEqual([]);
    expect(new Set(SLOW_FILES).size).toBe(SLOW_FILES.length);
  });

  it('starts the named files first, slowest first, and keeps the order of the rest', () => {
    const given = [
      'test/a.test.ts',
      'test/e2e/package.test.ts',
      'test/b.test.ts',
      'test/e2e/workspace-managers.test.ts',
      'test/c.test.ts',
    ];
    expect(slowFirst(given, (file) => file)).toEqual([
      'test/e2e/workspace-managers.test.ts',
      'test/e2e/package.test.ts',
      'test/a.test.ts',
      'test/b.test.ts',
      'test/c.test.ts',
    ]);
  });
});
