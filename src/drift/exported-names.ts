/**
 * Exported names: the type aliases the package exports (`generated/aliases.ts`), as a
 * regeneration from the other side would write them. A name that goes, or that points at
 * another type, breaks every importer, whatever the API change behind it. The names are
 * derived by the pipeline (`allAliases` in scripts/pipeline/aliases.ts); the engine takes them
 * as a function so that it stays free of the pipeline (and of `node:`).
 */
import type { Compare } from './compare.ts';
import type { Dict } from './document.ts';

/** Exported name -> the type it points at (`components["schemas"]["X"]`). */
export type ExportedNames = ReadonlyMap<string, string>;

/** Derives the exported names a regeneration from `doc` would write. */
export type ExportedNamesOf = (doc: Dict) => ExportedNames;

/** Where a change to an exported name is reported. */
export const ALIASES_FILE = 'generated/aliases.ts';

/**
 * Reports each exported name that is removed or re-pointed (breaking: importers stop compiling
 * or get another type), and each new one (info).
 */
export function compareExportedNames(
  compare: Compare,
  before: ExportedNames,
  after: ExportedNames,
): void {
  compare.operation = null;
  const byTarget = new Map([...after].map(([name, target]) => [target, name]));
  for (const [name, target] of before) {
    const now = after.get(name);
    const where = `${ALIASES_FILE}#${name}`;
    if (now === undefined) {
      const renamed = byTarget.get(target);
      compare.reportAt(
        'exported-name-removed',
        where,
        `exported type ${name} (${target}) would be removed by a regeneration${renamed ? `; the same type would be exported as ${renamed}` : ''}`,
      );
    } else if (now !== target)
      compare.reportAt(
        'exported-name-repointed',
        where,
        `exported type ${name} would point at ${now} instead of ${target}`,
      );
  }
  for (const [name, target] of after)
    if (!before.has(name))
      compare.reportAt(
        'exported-name-added',
        `${ALIASES_FILE}#${name}`,
        `exported type ${name} (${target}) would be added`,
      );
}
