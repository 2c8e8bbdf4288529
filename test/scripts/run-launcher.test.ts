import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.ts';

const run = promisify(execFile);
const RUN = path.join(REPO_ROOT, 'scripts', 'run.mjs');

let dir: string;
let cache: string;

beforeEach(async () => {
  // Inside the repository, as the real cache (.tmp/scripts/) is: packages stay external and are
  // found from the bundle's place, up through node_modules/.
  await mkdir(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  dir = await mkdtemp(path.join(REPO_ROOT, '.tmp', 'run-launcher-'));
  cache = path.join(dir, 'cache');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function launch(
  args: string[],
  nodeArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, RUN, ...args], {
      cwd: dir,
      env: { ...process.env, FEATHER_SCRIPTS_CACHE: cache },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The build directory the cache's manifest points at. */
async function currentBuild(): Promise<string> {
  const manifest = (await readdir(cache)).find((f) => f.endsWith('.json'))!;
  return (JSON.parse(await readFile(path.join(cache, manifest), 'utf8')) as { build: string })
    .build;
}

describe('scripts/run.mjs', () => {
  beforeEach(async () => {
    await writeFile(
      path.join(dir, 'entry.ts'),
      [
        "import { value, where } from './dep.ts';",
        "import { isEntryPoint } from '" + path.join(REPO_ROOT, 'scripts', 'lib', 'cli.ts') + "';",
        'const n: number = value;',
        "console.log(`value=${n} where=${where} args=${process.argv.slice(2).join(',')}`);",
        'console.log(`entry=${isEntryPoint(import.meta.url)}`);',
        "if (process.argv[2] === 'lazy') await import('./heavy.ts');",
        "const { createRequire } = await import('node:module');",
        'const cache = createRequire(import.meta.url).cache;',
        "console.log(`typescript=${Object.keys(cache).some((k) => k.includes('/typescript/'))}`);",
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'dep.ts'),
      "export const value: number = 1;\nexport const where = import.meta.url.split('/').pop();\n",
    );
    await writeFile(
      path.join(dir, 'heavy.ts'),
      "import ts from 'typescript';\nconsole.log(`heavy ts ${typeof ts.createSourceFile}`);\n",
    );
  });

  it('runs a TypeScript file with its arguments, each module keeping its own import.meta.url', async () => {
    const result = await launch([path.join(dir, 'entry.ts'), 'a', 'b']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('value=1 where=dep.ts args=a,b');
    expect(result.stdout).toContain('entry=true');
  });

  it('reuses the bundle while the sources are unchanged and rebuilds when one changes', async () => {
    await launch([path.join(dir, 'entry.ts')]);
    const first = await currentBuild();
    expect((await launch([path.join(dir, 'entry.ts')])).stdout).toContain('value=1');
    expect(await currentBuild()).toBe(first);
    await writeFile(
      path.join(dir, 'dep.ts'),
      "export const value = 22;\nexport const where = 'x';\n",
    );
    expect((await launch([path.join(dir, 'entry.ts')])).stdout).toContain('value=22 where=x');
    expect(await currentBuild()).not.toBe(first);
  });

  it('keeps dynamic imports lazy: a package reached only through one is not loaded', async () => {
    const eager = await launch([path.join(dir, 'entry.ts')]);
    expect(eager.stdout).toContain('typescript=false');
    expect(eager.stdout).not.toContain('heavy');
    const lazy = await launch([path.join(dir, 'entry.ts'), 'lazy']);
    expect(lazy.stdout).toContain('heavy ts function');
    expect(lazy.stdout).toContain('typescript=true');
  });

  it('names the file and line of a syntax error, exits 2 and runs nothing', async () => {
    await writeFile(path.join(dir, 'dep.ts'), 'export const value = ;\n');
    const result = await launch([path.join(dir, 'entry.ts')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/could not bundle .*entry\.ts:\n {2}.*dep\.ts:1:\d+: /);
    expect(result.stdout).toBe('');
  });

  it('never writes its manifest through a symbolic link planted at the old temporary name (<manifest>.tmp-<pid>)', async () => {
    expect((await launch([path.join(dir, 'entry.ts')])).code).toBe(0);
    const manifest = path.join(
      cache,
      (await readdir(cache)).find((f) => f.endsWith('.json'))!,
    );
    await rm(manifest); // so the next run builds and writes it again
    const victim = path.join(dir, 'victim');
    await writeFile(victim, 'victim');
    // Runs in the launcher's own process before it, so it knows the pid the old name used.
    const plant = path.join(dir, 'plant.mjs');
    await writeFile(
      plant,
      `import { symlinkSync } from 'node:fs';\nsymlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(manifest)} + '.tmp-' + process.pid);\n`,
    );
    const result = await launch(
      [path.join(dir, 'entry.ts')],
      ['--import', pathToFileURL(plant).href],
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('value=1');
    expect(await readFile(victim, 'utf8')).toBe('victim');
    expect(JSON.parse(await readFile(manifest, 'utf8'))).toHaveProperty('build');
    const planted = (await readdir(cache)).filter((f) => f.includes('.tmp-'));
    expect(planted).toHaveLength(1);
    expect(await readlink(path.join(cache, planted[0]!))).toBe(victim);
  });

  it('refuses an unknown command with exit 2', async () => {
    const result = await launch(['no-such-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "no-such-command"');
  });
});
