import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/helpers/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers (loopback, Prism) and run the real pipeline: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One test file per core. vitest's default is one less than the cores (`vitest run`:
    // availableParallelism() - 1), which on CI's 2 cores is a single worker: the 95 files ran one
    // after another (1320 s of wall time, 1231 s of it inside them), the second core left to
    // whatever the running file's child processes (tsc, npm, pnpm, yarn, Prism) did.
    maxWorkers: availableParallelism(),
    // The files that take minutes start first, beside the short ones (the sequencer says why).
    sequence: { sequencer: SlowFirstSequencer },
    // vitest's summary, then one line per skipped group with its reason and a closing count.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // The type tests (test/**/*.test-d.ts) are compiled by test/e2e/typescript.test.ts with the
    // rest of the project, not by vitest's typecheck mode: it prints an "experimental feature"
    // warning on every run, and tsc fails on the same expectTypeOf and @ts-expect-error lines.
  },
});
