/**
 * Exported names: the type aliases the package exports (`generated/aliases.ts`), as a
 * regeneration from the other side would write them. A name that goes, or that points at
 * another type, breaks every importer, whatever the API change behind it. The pipeline keeps
 * published names in a lock (`generated/names.lock.json`): a locked name stays on what it names
 * while that is still in the spec, and a regeneration stops when it is gone, until the name is
 * removed by hand. The names are derived by the pipeline (`lockedAliases` in
 * scripts/pipeline/aliases.ts); the engine takes them as a function so that it stays free of the
 * pipeline (and of `node:`), and decides here what each difference means to an importer.
 */
import type { Compare } from './compare.ts';
import type { Dict } from './document.ts';

/** One exported name. */
export interface ExportedName {
  /** The type it stands for (`components["schemas"]["X"]`). */
  target: string;
  /** What it names, as the name lock records it: `schema:<key>`, `operation:<id>:<part>`. */
  key: string;
}

/** The exported names a regeneration from one document would write. */
export interface ExportedNames {
  /** Name -> what it stands for, with the name lock applied. */
  names: ReadonlyMap<string, ExportedName>;
  /** Locked names whose target the document no longer has: a regeneration stops on them. */
  gone: ReadonlySet<string>;
  /** What each target would be named with no lock (key -> name), to tell what the lock keeps. */
  unlocked: ReadonlyMap<string, string>;
  /**
   * Locked names kept on the successor of a target upstream re-keyed (same title, same place:
   * scripts/pipeline/rekeyed.ts): name -> the key it named and the key it names now.
   */
  followed?: ReadonlyMap<string, { from: string; to: string }>;
}

/**
 * Derives the exported names a regeneration from `doc` would write; `previous` is the pinned
 * document, where a re-keyed target's successor is looked for when nothing better is known. The
 * pipeline's (`pipelineExportedNames`) looks in the join the lock was written from instead, as
 * generate does: after `--update-spec` the pinned document is already upstream's.
 */
export type ExportedNamesOf = (doc: Dict, previous?: Dict) => ExportedNames;

/** Where a change to an exported name is reported. */
export const ALIASES_FILE = 'generated/aliases.ts';
/** The pipeline's name lock, named in messages. */
export const NAME_LOCK_PATH = 'generated/names.lock.json';

/**
 * Reports, for each exported name: removed (breaking; with the lock, what to run to remove it),
 * re-pointed (breaking), kept by the lock where a regeneration without it would rename it
 * (info), and each new name (info).
 */
export function compareExportedNames(
  compare: Compare,
  before: ExportedNames,
  after: ExportedNames,
): void {
  compare.operation = null;
  const byTarget = new Map([...after.names].map(([name, { target }]) => [target, name]));
  const unlockedOwner = new Map([...after.unlocked].map(([key, name]) => [name, key]));
  const added = [...after.names.keys()].filter((name) => !before.names.has(name));
  for (const [name, { target, key }] of before.names) {
    const now = after.names.get(name);
    const where = `${ALIASES_FILE}#${name}`;
    const followed = after.followed?.get(name);
    if (followed !== undefined && now !== undefined) {
      // Upstream re-keyed what it names (FastAPI does when a second model takes its class name).
      compare.reportAt(
        'exported-name-kept',
        where,
        `exported type ${name} stays: upstream re-keyed ${followed.from} as ${followed.to} (same title, same place), and ${NAME_LOCK_PATH} follows it; ${name} now stands for ${now.target}`,
      );
    } else if (after.gone.has(name)) {
      // The lock names something upstream no longer has: generate stops until told to drop it.
      const removal = `it names ${key}, gone upstream, so \`npm run generate\` stops on ${NAME_LOCK_PATH} until the name is removed: \`npm run generate -- --remove-name ${name}\``;
      if (now !== undefined)
        compare.reportAt(
          'exported-name-repointed',
          where,
          `exported type ${name} (${target}): ${removal}; after that, ${name} would point at ${now.target} (importers get another type: say so in the release notes)`,
        );
      else {
        // Qualified names upstream (IntegrationsLatencyTimeseriesRow) are likely the successors.
        const likely = added.filter((other) => other.endsWith(name));
        compare.reportAt(
          'exported-name-removed',
          where,
          `exported type ${name} (${target}): ${removal} (importers stop compiling: say so in the release notes)${likely.length > 0 ? `; types of that name upstream are exported as ${likely.join(', ')}` : ''}`,
        );
      }
    } else if (now === undefined) {
      const renamed = byTarget.get(target);
      compare.reportAt(
        'exported-name-removed',
        where,
        `exported type ${name} (${target}) would be removed by a regeneration${renamed ? `; the same type would be exported as ${renamed}` : ''}`,
      );
    } else if (now.target !== target) {
      compare.reportAt(
        'exported-name-repointed',
        where,
        `exported type ${name} would point at ${now.target} instead of ${target}`,
      );
    } else if (before.unlocked.get(key) === name && after.unlocked.get(key) !== name) {
      // The lock is what keeps this name: say so, and what it would otherwise have become.
      const taker = unlockedOwner.get(name);
      compare.reportAt(
        'exported-name-kept',
        where,
        `exported type ${name} stays on ${target}: ${NAME_LOCK_PATH} keeps it, where a regeneration without the lock would name it ${after.unlocked.get(key)}${taker !== undefined ? ` and give ${name} to ${taker}` : ''}`,
      );
    }
  }
  for (const [name, { target }] of after.names)
    if (!before.names.has(name))
      compare.reportAt(
        'exported-name-added',
        `${ALIASES_FILE}#${name}`,
        `exported type ${name} (${target}) would be added`,
      );
}
