/**
 * What `npm run build` removes from tsc's output because no consumer needs it. Built from the
 * whole published API the package was 9.9 MB unpacked; most of it was the JavaScript and
 * source maps of `schema.ts`/`aliases.ts` (types only: their JS is `export {};`), maps of
 * generated data, and the pinned spec re-printed by tsc with 4-space indentation.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A trailing `//# sourceMappingURL=...` line, as tsc writes it. */
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;
/** Relative specifiers in emitted JS: `from './x.js'`, `import('./x.js')`, `import './x.js'`. */
const RELATIVE_JS_SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * True when emitted JavaScript does nothing at run time: only comments and `export {};`, what
 * tsc writes for a module of types only.
 */
export function isEmptyModule(js: string): boolean {
  const code = js
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .trim();
  return code === '' || code === 'export {};';
}

/** The relative modules an emitted JS file imports, as paths relative to `outDir`. */
export function importedFiles(file: string, js: string): string[] {
  return [...js.matchAll(RELATIVE_JS_SPECIFIER)].map((match) =>
    path.posix.join(path.posix.dirname(file), match[1]!),
  );
}

/**
 * The `.js` files (relative to `outDir`, POSIX separators) that can go: empty at run time and
 * imported by no other emitted module. Takes every `.js` file with its text.
 */
export function removableModules(files: ReadonlyMap<string, string>): string[] {
  const imported = new Set([...files].flatMap(([file, js]) => importedFiles(file, js)));
  return [...files]
    .filter(([file, js]) => isEmptyModule(js) && !imported.has(file))
    .map(([file]) => file)
    .sort();
}

/** The JS text without its source map comment. */
export function withoutSourceMapComment(js: string): string {
  return js.replace(SOURCE_MAP_COMMENT, '\n');
}

export interface TrimResult {
  /** Files deleted, relative to `outDir`. */
  removed: string[];
  /** Bytes before and after, over every file touched. */
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Trims tsc's output in `outDir` (`dist/`):
 * - type-only modules lose their `.js` and `.js.map` (their `.d.ts` stays);
 * - modules of `generated/` (data and re-exports, no code worth stepping through) lose their map;
 * - JSON (the pinned spec `checkSpecDrift` imports) is written minified: the same value.
 */
export async function trimDist(outDir: string): Promise<TrimResult> {
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  const relative = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(outDir, path.join(entry.parentPath, entry.name)))
    .map((file) => file.split(path.sep).join('/'));
  const scripts = new Map<string, string>();
  for (const file of relative.filter((name) => name.endsWith('.js')))
    scripts.set(file, await readFile(path.join(outDir, file), 'utf8'));

  const result: TrimResult = { removed: [], bytesBefore: 0, bytesAfter: 0 };
  const remove = async (file: string): Promise<void> => {
    const full = path.join(outDir, file);
    const size = (await readFile(full).catch(() => undefined))?.length;
    if (size === undefined) return;
    await rm(full);
    result.removed.push(file);
    result.bytesBefore += size;
  };
  const rewrite = async (file: string, before: string, after: string): Promise<void> => {
    result.bytesBefore += Buffer.byteLength(before);
    result.bytesAfter += Buffer.byteLength(after);
    if (after !== before) await writeFile(path.join(outDir, file), after);
  };

  const gone = new Set(removableModules(scripts));
  for (const file of gone) {
    await remove(file);
    await remove(`${file}.map`);
  }
  for (const [file, js] of scripts) {
    if (gone.has(file) || !file.startsWith('generated/')) continue;
    await remove(`${file}.map`);
    await rewrite(file, js, withoutSourceMapComment(js));
  }
  for (const file of relative.filter((name) => name.endsWith('.json'))) {
    const text = await readFile(path.join(outDir, file), 'utf8');
    await rewrite(file, text, JSON.stringify(JSON.parse(text)));
  }
  result.removed.sort();
  return result;
}
