/**
 * The order vitest starts test files in (vitest.config.ts `sequence.sequencer`): the files known
 * to take minutes first, so that with two workers they overlap with the many short files instead
 * of one of them running alone at the end. vitest's own order (BaseSequencer) sorts by the
 * durations it cached from an earlier run, and by file size where it has none, as on a clean
 * clone (`npm ci` empties node_modules/, where the cache lives); the size of a file says little
 * about its time: test/e2e/workspace-managers.test.ts is mid-sized and the slowest by far.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Slowest first, from CI's log (the first `npm test` of `bash .ci/run`, seconds per file:
 * workspace-managers 317, workspace 155, drift-workflow-run 102, package 62, build 58,
 * ingest-whole-api 45, readme-snippets 36, generate-growth 33, types-whole-api 33,
 * drift-consumers 27, typescript 25, generate 21 (68 over the whole API)). A file not named here
 * keeps vitest's order after these; a name that no longer exists is ignored.
 */
export const SLOW_FILES: readonly string[] = [
  'test/e2e/workspace-managers.test.ts',
  'test/e2e/workspace.test.ts',
  'test/workflows/drift-workflow-run.test.ts',
  'test/e2e/package.test.ts',
  'test/scripts/pipeline/generate.test.ts',
  'test/e2e/build.test.ts',
  'test/scripts/ingest/ingest-whole-api.test.ts',
  'test/e2e/readme-snippets.test.ts',
  'test/scripts/pipeline/generate-growth.test.ts',
  'test/e2e/types-whole-api.test.ts',
  'test/e2e/typescript.test.ts',
  'test/scripts/consumers/drift-consumers.test.ts',
];

/** `files` with those SLOW_FILES names first, in its order, then the rest in their own order. */
export function slowFirst<T>(files: readonly T[], relativePath: (file: T) => string): T[] {
  const rank = (file: T): number => {
    const index = SLOW_FILES.indexOf(relativePath(file));
    return index === -1 ? SLOW_FILES.length : index;
  };
  return files
    .map((file, order) => ({ file, order, rank: rank(file) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ file }) => file);
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    return slowFirst(ordered, (spec) =>
      path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/'),
    );
  }
}
