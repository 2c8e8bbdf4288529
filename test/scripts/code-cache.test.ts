import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
});
