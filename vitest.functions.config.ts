import path from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:functions`: the client's path-style tests with every call of a generated
 * operation sent through an operation function (test/helpers/through-functions.ts).
 */
export default mergeConfig(
  base,
  defineConfig({
    resolve: {
      alias: [
        {
          find: /^\.\.\/src\/index\.ts$/,
          replacement: path.resolve(import.meta.dirname, 'test/helpers/through-functions.ts'),
        },
      ],
    },
  }),
);
