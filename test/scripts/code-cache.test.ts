import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.ts';

const run = promisify(execFile);
const TYPESCRIPT = createRequire(import.meta.url).resolve('typescript');

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'code-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** Loads TypeScript through the code cache in a fresh node; what it saw. */
async function load(): Promise<{ version: string; same: boolean; printed: string }> {
  const script = [
    `import { requireWithCodeCache } from ${JSON.stringify(path.join(REPO_ROOT, 'scripts', 'code-cache.mjs'))};`,
    "import { createRequire } from 'node:module';",
    `const ts = requireWithCodeCache(${JSON.stringify(TYPESCRIPT)}, ${JSON.stringify(cacheDir)});`,
    `const same = createRequire(import.meta.url)(${JSON.stringify(TYPESCRIPT)}) === ts;`,
    "const file = ts.createSourceFile('x.ts', 'const x:number=1', ts.ScriptTarget.Latest);",
    'const printed = ts.createPrinter().printFile(file).trim();',
    'console.log(JSON.stringify({ version: ts.version, same, printed }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as { version: string; same: boolean; printed: string };
}

async function cacheFiles(): Promise<string[]> {
  return (await readdir(cacheDir)).filter((f) => f.endsWith('.cache'));
}

describe('scripts/code-cache.mjs', () => {
  it('loads the module once for require() too, and keeps its compiled code for the next run', async () => {
    const version = (
      JSON.parse(
        await readFile(path.join(path.dirname(TYPESCRIPT), '..', 'package.json'), 'utf8'),
      ) as {
        version: string;
      }
    ).version;
    expect(await load()).toEqual({ version, same: true, printed: 'const x: number = 1;' });
    const [file] = await cacheFiles();
    expect(file).toMatch(/^typescript\.js-[0-9a-f]+\.cache$/);
    const written = await readFile(path.join(cacheDir, file!));
    expect(written.length).toBeGreaterThan(100_000);
    // Accepted: a second run loads from it and leaves it as it was.
    expect((await load()).printed).toBe('const x: number = 1;');
    expect((await readFile(path.join(cacheDir, file!))).equals(written)).toBe(true);
  });

  it('rejects a cache that does not fit, still loads, and writes a good one', async () => {
    await load();
    const [file] = await cacheFiles();
    await writeFile(path.join(cacheDir, file!), Buffer.from('not a V8 code cache'));
    expect((await load()).printed).toBe('const x: number = 1;');
    expect((await readFile(path.join(cacheDir, file!))).length).toBeGreaterThan(100_000);
  });

  it('never writes through a symbolic link planted at the old temporary name (<cache>.tmp-<pid>)', async () => {
    // A small CommonJS module: cheap to load, and enough for V8 to make a code cache of.
    const module = path.join(cacheDir, 'small.cjs');
    await writeFile(module, 'module.exports = function add(a, b) { return a + b; };\n');
    const victim = path.join(cacheDir, 'victim');
    await writeFile(victim, 'victim');
    const loader = JSON.stringify(path.join(REPO_ROOT, 'scripts', 'code-cache.mjs'));
    const loadSmall = (before: string): Promise<unknown> =>
      run(process.execPath, [
        '--input-type=module',
        '-e',
        [
          `import { requireWithCodeCache } from ${loader};`,
          "import { symlinkSync } from 'node:fs';",
          before,
          `if (requireWithCodeCache(${JSON.stringify(module)}, ${JSON.stringify(cacheDir)})(1, 2) !== 3) process.exit(1);`,
        ].join('\n'),
      ]);
    // A first run names the cache file; without it, the next run writes it again.
    await loadSmall('');
    const [file] = await cacheFiles();
    const cacheFile = path.join(cacheDir, file!);
    await rm(cacheFile);
    // The next run's predictable name (its own pid), planted before it writes.
    await loadSmall(
      `symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(cacheFile)} + '.tmp-' + process.pid);`,
    );
    expect(await readFile(victim, 'utf8')).toBe('victim');
    expect((await readFile(cacheFile)).length).toBeGreaterThan(0);
    const planted = (await readdir(cacheDir)).filter((f) => f.includes('.tmp-'));
    expect(planted).toHaveLength(1);
    expect(await readlink(path.join(cacheDir, planted[0]!))).toBe(victim);
  });
});
