import path from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

const INDEX = path.resolve(import.meta.dirname, 'src/index.ts');
const HELPER = path.resolve(import.meta.dirname, 'test/helpers/through-functions.ts');

/**
 * `npm run test:functions`: the client's path-style tests with every call of a generated
 * operation sent through an operation function: a test's import of src/index.ts gets
 * test/helpers/through-functions.ts instead (which itself imports the real one).
 */
export default mergeConfig(
  base,
  defineConfig({
    plugins: [
      {
        name: 'through-functions',
        enforce: 'pre',
        resolveId(source, importer) {
          if (importer === undefined || importer === HELPER || !source.endsWith('src/index.ts')) {
            return null;
          }
          return path.resolve(path.dirname(importer), source) === INDEX ? HELPER : null;
        },
      },
    ],
  }),
);
