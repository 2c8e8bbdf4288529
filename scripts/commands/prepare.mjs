// npm's `prepare` (every `npm install`/`npm ci` of this package or of a workspace holding it):
// builds dist/ through `build.ts --prepare`, run by scripts/run.mjs. Plain JavaScript because it
// must also run where the dev dependencies are not installed (`npm ci --omit=dev`): there it
// builds nothing and says so.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
try {
  require.resolve('esbuild/package.json');
  require.resolve('typescript/package.json');
} catch {
  console.log('prepare: dev dependencies not installed (esbuild, typescript): dist/ not built');
  process.exit(0);
}
const run = path.join(root, 'scripts', 'run.mjs');
const { status } = spawnSync(process.execPath, [run, 'build', '--prepare'], { stdio: 'inherit' });
process.exit(status ?? 1);
