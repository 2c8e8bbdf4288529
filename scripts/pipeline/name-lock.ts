/**
 * `generated/names.lock.json`: every exported alias and what it names. The pipeline reads it
 * before naming (scripts/pipeline/aliases.ts `lockedAliases`) and writes it back with the new
 * names, so a published name is never renamed or re-pointed. Removing one is a breaking change,
 * so it only happens when asked for by name (`--remove-name`) or wholesale (`--remove-gone-names`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_CHECK_FAILED, PipelineError } from '../lib/errors.ts';
import type { NameLock } from './aliases.ts';

/** The lock's file name inside generated/. */
export const NAME_LOCK_FILE = 'names.lock.json';

/** Which locked names whose target is gone may be dropped: these names, or all of them. */
export type NameRemoval = readonly string[] | 'all-gone';

const ABOUT =
  'Published alias names (generated/aliases.ts) and operation-function names (generated/functions.ts), and what each names. `npm run generate` keeps every name here on its target; see docs/pipeline.md "Friendly type names".';

export function renderNameLock(lock: NameLock): string {
  return `${JSON.stringify({ about: ABOUT, names: lock }, null, 2)}\n`;
}

/** Parses a lock file's text; `file` names it in errors. */
export function parseNameLock(file: string, text: string): NameLock {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PipelineError(
      `invalid JSON (${(error as Error).message}): restore it with \`git checkout -- ${file}\``,
      [{ file }],
    );
  }
  const names = (parsed as { names?: unknown } | null)?.names;
  if (names === null || typeof names !== 'object' || Array.isArray(names))
    throw new PipelineError('expected `{ "names": { "<Alias>": "<target>" } }`', [
      { file, pointer: '#/names' },
    ]);
  for (const [name, key] of Object.entries(names))
    if (typeof key !== 'string')
      throw new PipelineError(`the target of ${name} must be a string`, [
        { file, pointer: `#/names/${name}` },
      ]);
  return names as NameLock;
}

/** The lock in `outDir`, or an empty one when there is none yet (a first generate). */
export async function readNameLock(root: string, outDir: string): Promise<NameLock> {
  const file = path.posix.join(outDir, NAME_LOCK_FILE);
  const text = await readFile(path.join(root, file), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  return text === undefined ? {} : parseNameLock(file, text);
}

/**
 * The join generated/ was last written from (`<outDir>/openapi.json`), where the name lock's
 * targets stood: the place a re-keyed target is looked for, by generate and by drift alike.
 * Undefined when there is none.
 */
export async function readNameLockJoin(
  root: string,
  outDir: string,
): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path.join(root, outDir, 'openapi.json'), 'utf8').catch(
    () => undefined,
  );
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits the gone names into those `removal` allows to drop and those it does not. Pure; a name
 * in `removal` that is not gone is `unknown` (a typo, or a name that still has its target).
 */
export function decideRemovals(
  gone: readonly { name: string; key: string }[],
  removal: NameRemoval = [],
): {
  removed: { name: string; key: string }[];
  blocked: { name: string; key: string }[];
  unknown: string[];
} {
  const allowed = (name: string): boolean => removal === 'all-gone' || removal.includes(name);
  const goneNames = new Set(gone.map((g) => g.name));
  return {
    removed: gone.filter((g) => allowed(g.name)),
    blocked: gone.filter((g) => !allowed(g.name)),
    unknown: removal === 'all-gone' ? [] : removal.filter((name) => !goneNames.has(name)),
  };
}

/** The error for locked names whose target is gone and whose removal was not asked for. */
export function goneNamesError(
  outDir: string,
  blocked: readonly { name: string; key: string }[],
): PipelineError {
  const lines = blocked.map(({ name, key }) => `  ${name} (named ${key})`);
  return new PipelineError(
    `${blocked.length} published alias name(s) lost their target in spec/:\n${lines.join('\n')}\n` +
      'Removing a name breaks code that imports it. If that is intended, run ' +
      `\`npm run generate -- ${blocked.map((b) => `--remove-name ${b.name}`).join(' ')}\` ` +
      '(or `--remove-gone-names`), and say so in the release notes.',
    [{ file: path.posix.join(outDir, NAME_LOCK_FILE) }],
    EXIT_CHECK_FAILED,
  );
}
