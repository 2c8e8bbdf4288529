/**
 * The drift diff: compares the pinned API (base) with another version of it (revision),
 * operation by operation, and classifies every change with the rules in `rules.ts`.
 */
import {
  Compare,
  sortChanges,
  type DriftReport,
  type DriftSide,
  type Position,
} from './compare.ts';
import { groupByCause } from './causes.ts';
import { isDict } from '../../common/json.ts';
import {
  pointer,
  listOperations,
  restrictToOperations,
  type Dict,
  type OperationEntry,
} from './document.ts';
import { DEFAULT_BASE_URL } from '../../common/base-url.ts';
import { compareExportedNames, type ExportedNamesOf } from './exported-names.ts';
import { pairOperations } from './operations.ts';
import { compareParameters, compareRequestBody } from './request.ts';
import { compareResponses } from './responses.ts';
import { DOC_RULES, same } from './schema.ts';
import { compareSecurity } from './security.ts';
import { probableSuccessors } from './successors.ts';

export interface DiffOptions {
  /**
   * Compare only these operations (`GET /path`); others on either side are out of scope, not
   * added or removed (an operation that moved to another path is in scope when either of its
   * keys is). Used when the other side is one documentation page.
   * @default every operation of either side
   */
  only?: Iterable<string>;
  /**
   * Derives the exported type names a regeneration would write (the pipeline's `lockedAliases`).
   * When given, names that a regeneration from the other side would remove or re-point are
   * reported, computed on the operations both sides have (a removed operation is reported as
   * such).
   * @default exported names are not compared
   */
  exportedNames?: ExportedNamesOf;
}

function versionOf(doc: Dict): string {
  return isDict(doc.info) && typeof doc.info.version === 'string' ? doc.info.version : '';
}

/** Compares two OpenAPI 3.x documents. Throws DriftInputError on an unresolvable `$ref`. */
export function diffDocuments(
  base: DriftSide,
  revision: DriftSide,
  options: DiffOptions = {},
): DriftReport {
  const compare = new Compare(base, revision);
  const only = options.only ? new Set(options.only) : null;
  const { pairs, removed, added } = pairOperations(
    listOperations(base.doc),
    listOperations(revision.doc),
    (key) => only === null || only.has(key),
  );

  compareDocumentLevel(compare);
  let changed = 0;
  for (const [entry, other] of pairs) {
    compare.operation = entry.key;
    const counted = compare.changes.length;
    compareOperation(compare, entry, other);
    if (compare.changes.length > counted) changed++;
  }
  const successors = probableSuccessors(removed, added, base, revision);
  for (const entry of removed) {
    compare.operation = entry.key;
    const at = ['paths', entry.path, entry.method];
    const next = successors.get(entry.key);
    const successor = next ? `${next.key}${idOf(next)}` : undefined;
    compare.reportAt(
      'operation-removed',
      pointer(at),
      `${entry.key} is gone${successor ? `; probable successor: ${successor}` : ''}`,
      successor ? { successor } : {},
    );
  }
  for (const entry of added) {
    compare.operation = entry.key;
    const at = ['paths', entry.path, entry.method];
    compare.report(
      'operation-added',
      { logical: at, base: at, revision: at },
      `${entry.key}${idOf(entry)} added`,
    );
  }
  if (options.exportedNames)
    compareExportedNames(
      compare,
      options.exportedNames(
        // Every pinned operation still upstream (the usual case): the pinned document is its own
        // restriction, and the names are those generate derived from it.
        removed.length === 0 && only === null
          ? base.doc
          : restrictToOperations(
              base.doc,
              pairs.map(([b]) => b.key),
              base.name,
            ),
      ),
      options.exportedNames(
        restrictToOperations(
          revision.doc,
          pairs.map(([, r]) => r.key),
          revision.name,
        ),
        // Where the lock's targets stood, to follow one that upstream re-keyed.
        base.doc,
      ),
    );

  const changes = sortChanges(compare.changes);
  const causes = groupByCause(changes);
  const count = (list: readonly { level: string }[], level: string): number =>
    list.filter((c) => c.level === level).length;
  return {
    changes,
    causes,
    summary: {
      total: changes.length,
      breaking: count(changes, 'breaking'),
      warning: count(changes, 'warning'),
      info: count(changes, 'info'),
      causes: {
        total: causes.length,
        breaking: count(causes, 'breaking'),
        warning: count(causes, 'warning'),
        info: count(causes, 'info'),
      },
      operations: {
        compared: pairs.length,
        added: added.length,
        removed: removed.length,
        changed,
      },
      versions: { base: versionOf(base.doc), revision: versionOf(revision.doc) },
    },
  };
}

const idOf = (entry: OperationEntry): string =>
  typeof entry.operation.operationId === 'string' ? ` (${entry.operation.operationId})` : '';

function compareDocumentLevel(compare: Compare): void {
  const b = compare.base.doc;
  const r = compare.revision.doc;
  const at = (logical: string[]): Position => ({ logical, base: logical, revision: logical });
  const version = { base: versionOf(b), revision: versionOf(r) };
  if (version.base !== version.revision)
    compare.report(
      'info-version-changed',
      at(['info', 'version']),
      `info.version ${version.base} -> ${version.revision}`,
    );
  const bInfo = isDict(b.info) ? b.info : {};
  const rInfo = isDict(r.info) ? r.info : {};
  if (!same(bInfo.description, rInfo.description))
    compare.report('description-changed', at(['info', 'description']), 'API description changed');
  const urls = (doc: Dict): string[] =>
    (Array.isArray(doc.servers) ? doc.servers : []).flatMap((s) =>
      isDict(s) && typeof s.url === 'string' ? [s.url] : [],
    );
  const bUrls = urls(b);
  const rUrls = urls(r);
  for (const url of bUrls.filter((u) => !rUrls.includes(u))) {
    // The client's default base URL was taken from the first server; it does not follow the spec.
    const first =
      url === bUrls[0]
        ? `: the client's default base URL (DEFAULT_BASE_URL, ${DEFAULT_BASE_URL}) was taken from this first server and stays as shipped; ${rUrls.length === 0 ? 'upstream now publishes no servers' : `upstream's first server is now ${rUrls[0]}`}: change the default by hand if the API moved`
        : '';
    compare.report('server-removed', at(['servers']), `server ${url} removed${first}`, 'base');
  }
  for (const url of rUrls.filter((u) => !bUrls.includes(u)))
    compare.report('server-added', at(['servers']), `server ${url} added`);
}

function compareOperation(compare: Compare, b: OperationEntry, r: OperationEntry): void {
  const at = ['paths', r.path, r.method];
  const position: Position = { logical: at, base: ['paths', b.path, b.method], revision: at };
  const bOp = b.operation;
  const rOp = r.operation;
  if (b.key !== r.key)
    compare.report(
      'operation-path-changed',
      position,
      `${b.key} moved to ${r.key} (same operationId ${String(rOp.operationId)})`,
    );
  if (!same(bOp.operationId, rOp.operationId))
    compare.report(
      'operation-id-changed',
      { ...position, logical: [...at, 'operationId'] },
      `operationId ${String(bOp.operationId)} -> ${String(rOp.operationId)}`,
    );
  for (const keyword of ['summary', 'description', 'deprecated'])
    if (!same(bOp[keyword], rOp[keyword]))
      compare.report(
        DOC_RULES[keyword]!,
        { ...position, logical: [...at, keyword] },
        `operation ${keyword} changed`,
      );
  compareParameters(compare, b, r);
  compareRequestBody(compare, b, r, at);
  compareResponses(compare, b, r, at);
  compareSecurity(compare, b, r, at);
}
