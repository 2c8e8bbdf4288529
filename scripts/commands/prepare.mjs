// npm's `prepare` (every `npm install`/`npm ci` of this package or of a workspace holding it):
// builds dist/ through `build.ts --prepare`. Plain JavaScript because it must also run where the
// dev dependencies are not installed (`npm ci --omit=dev`): there it builds nothing and says so.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
let tsx;
try {
  const manifest = require.resolve('tsx/package.json');
  tsx = path.join(path.dirname(manifest), require(manifest).bin);
  require.resolve('typescript/package.json');
} catch {
  console.log('prepare: dev dependencies not installed (tsx, typescript): dist/ not built');
  process.exit(0);
}
const build = path.join(root, 'scripts', 'commands', 'build.ts');
const { status } = spawnSync(process.execPath, [tsx, build, '--prepare'], { stdio: 'inherit' });
process.exit(status ?? 1);
