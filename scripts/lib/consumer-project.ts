/**
 * An app that type-checks against the client, as the type and editor benchmarks and the
 * whole-API completion test set one up: its tsconfig, and a tree holding the client's sources.
 */
import { cp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A strict app's tsconfig.json: Node's module rules, `skipLibCheck` as most apps set it, over
 * `files` or `include`. `sources`: the app imports the client's `.ts` sources (`../src/index.ts`).
 */
export function consumerTsconfig(
  scope: { files: string[] } | { include: string[] },
  options: { sources?: boolean } = {},
): string {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    ...(options.sources ? { allowImportingTsExtensions: true } : {}),
  };
  return `${JSON.stringify({ compilerOptions, ...scope }, null, 2)}\n`;
}

/**
 * Makes `root` (which holds or will hold a generated/) an ES module tree with this checkout's
 * client sources (common/, src/, copied) and node_modules (linked), so that an app in a folder
 * of it type-checks against the client as the repository does.
 */
export async function addClientSources(root: string): Promise<void> {
  for (const dir of ['common', 'src'])
    await cp(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  await writeFile(path.join(root, 'package.json'), '{ "type": "module" }\n');
}
