/**
 * What the join collectors share: one context, filled document by document, then turned into
 * the joined document. Each collector (collect-*.ts) owns one part of it, as in Redocly CLI's
 * `commands/join/utils/collect-*.ts`.
 */
import { SHARED_TOP_LEVEL_FIELDS } from '../../../common/canonical.ts';
import { isDict, type Dict } from '../../../common/json.ts';
import type { PipelineError } from '../../lib/errors.ts';

/** `node[key]` only when `node` has it itself: `constructor` is not found on Object.prototype. */
export function own(node: Dict, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/** A part seen in one document: its canonical JSON (for comparison) and where it came from. */
export interface Seen {
  canonical: string;
  file: string;
}

export interface JoinContext {
  errors: PipelineError[];
  /** Which source file a pointer prefix came from (`#/paths/~1a/get` -> `spec/a.yaml`). */
  origins: Map<string, string>;
  /** Shared top-level fields (`openapi`, `info`, ...), first seen. */
  shared: Map<string, Seen & { value: unknown }>;
  tags: Map<string, Seen & { value: Dict }>;
  /** Component section -> name -> value. */
  components: Map<string, Map<string, unknown>>;
  componentSeen: Map<string, Seen>;
  /** Route -> field (method or path-item field) -> value. */
  paths: Map<string, Map<string, unknown>>;
  pathFields: Map<string, Map<string, Seen>>;
  operationIds: Map<string, { file: string; pointer: string }>;
  operationCount: number;
}

export function createJoinContext(): JoinContext {
  return {
    errors: [],
    origins: new Map(),
    shared: new Map(),
    tags: new Map(),
    components: new Map(),
    componentSeen: new Map(),
    paths: new Map(),
    pathFields: new Map(),
    operationIds: new Map(),
    operationCount: 0,
  };
}

function sortedDict(entries: Map<string, unknown>): Dict {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The joined document: shared fields, tags by name, paths and components with sorted keys. */
export function joinedDocument(context: JoinContext): Dict {
  const doc: Dict = {};
  for (const key of SHARED_TOP_LEVEL_FIELDS) {
    const seen = context.shared.get(key);
    if (seen) doc[key] = seen.value;
  }
  if (context.tags.size > 0)
    doc.tags = [...context.tags.values()]
      .map((tag) => tag.value)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  doc.paths = sortedDict(
    new Map([...context.paths].map(([route, item]) => [route, Object.fromEntries(item)])),
  );
  if (context.components.size > 0) {
    doc.components = sortedDict(
      new Map([...context.components].map(([section, entries]) => [section, sortedDict(entries)])),
    );
  }
  return doc;
}
