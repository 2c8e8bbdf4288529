import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers (loopback, Prism) and run the real pipeline: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // vitest's summary, then one line per skipped group with its reason and a closing count.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // The type tests (test/**/*.test-d.ts) are compiled by test/e2e/typescript.test.ts with the
    // rest of the project, not by vitest's typecheck mode: it prints an "experimental feature"
    // warning on every run, and tsc fails on the same expectTypeOf and @ts-expect-error lines.
  },
});
