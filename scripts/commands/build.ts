/**
 * `npm run build`: src/index.ts and everything it imports (generated/ included) -> dist/ with
 * `tsc -p tsconfig.build.json`: ES modules, `.d.ts`, source maps. tsc rewrites our `./x.ts`
 * imports to `./x.js` in the JavaScript only (microsoft/TypeScript#61037), so the declarations
 * get the same rewrite here: TypeScript accepts either, but editors and other tools that read
 * `.d.ts` files expect the specifiers to name files that exist.
 */
import { runNode } from '../lib/child.ts';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { packageBin } from '../lib/packages.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `from '../x.ts'`, `import('../../y.ts')`: a relative specifier ending in `.ts` (not `.d.ts`). */
const RELATIVE_TS_SPECIFIER = /(\b(?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)(?<!\.d)\.ts\2/g;

/** The declaration text with each relative `.ts` specifier ending in `.js` instead. */
export function rewriteDeclarationSpecifiers(text: string): string {
  return text.replace(RELATIVE_TS_SPECIFIER, '$1$2$3.js$2');
}

/** Relative `.ts` specifiers left in a declaration (empty once rewritten). */
export function relativeTsSpecifiers(text: string): string[] {
  return [...text.matchAll(RELATIVE_TS_SPECIFIER)].map((match) => `${match[3]}.ts`);
}

/** Compiles into `<root>/dist` (emptied first) and rewrites the declarations; counts the files. */
export async function build(root = ROOT): Promise<{ files: number; declarations: number }> {
  const outDir = path.join(root, 'dist');
  await rm(outDir, { recursive: true, force: true });
  const tsc = packageBin('typescript', 'tsc');
  const { code, output } = await runNode([tsc, '-p', 'tsconfig.build.json', '--pretty', 'false'], {
    cwd: root,
  });
  if (code !== 0) {
    throw new PipelineError(
      `tsc -p tsconfig.build.json failed (exit ${code}); nothing was written:\n${output.trim()}`,
      [],
      EXIT_CHECK_FAILED,
    );
  }
  const files = (await readdir(outDir, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  const declarations = files.filter((entry) => entry.name.endsWith('.d.ts'));
  for (const entry of declarations) {
    const file = path.join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    const rewritten = rewriteDeclarationSpecifiers(text);
    if (rewritten !== text) await writeFile(file, rewritten);
  }
  return { files: files.length, declarations: declarations.length };
}

export async function buildCommand(): Promise<number> {
  const { files, declarations } = await build();
  console.log(`build: dist/ (${files} files, ${declarations} declarations) from src/index.ts`);
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(buildCommand);
