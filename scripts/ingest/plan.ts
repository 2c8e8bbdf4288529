/**
 * What an ingest run changes in spec/, decided before anything is written. Pure: the source's
 * operations and spec/'s documents in, a plan out.
 *
 * spec/ is one release. Every document already in spec/ that the source also has (same
 * operationId, else same METHOD and path) is refreshed from it, whatever the filters say;
 * operations the source no longer has are reported as gone and, with `--prune`, removed. A run
 * that would still leave spec/ holding more than one `info.version` is refused whole.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { canonicalJson } from '../../common/canonical.ts';
import type { Dict } from '../../common/json.ts';
import { EXIT_CHECK_FAILED, EXIT_COULD_NOT_RUN, PipelineError } from '../lib/errors.ts';
import type { OperationKey } from './page.ts';

/** One operation as the source gives it, page-shaped. */
export interface IncomingOperation extends OperationKey {
  version: string | undefined;
  doc: Dict;
  /** Where it came from: the page (URL or file), or `<document> get /v1/...`. */
  origin: string;
  /** Its YAML text: a page's block as published, or the document stringified. */
  yaml: () => string;
  /** The YAML text when it is already at hand (a page's block), without stringifying. */
  publishedYaml?: string;
}

/** A document already in spec/. */
export interface ExistingDocument {
  /** Relative to the repository root, forward slashes (`spec/getFoo.yaml`). */
  file: string;
  doc: Dict;
  operations: OperationKey[];
  version: string | undefined;
}

export interface PlanInput {
  /** spec/ relative to the root, forward slashes. */
  specDir: string;
  existing: readonly ExistingDocument[];
  /** Every operation the source gave, selected or not (all are candidates for a refresh). */
  incoming: readonly IncomingOperation[];
  selected: (operation: OperationKey) => boolean;
  /** The source is a whole release (an index or a whole document), so absence means gone. */
  wholeSource: boolean;
  /** Every page of the source could be read (otherwise absence proves nothing). */
  sourceComplete: boolean;
  prune: boolean;
}

export interface Write {
  kind: 'added' | 'updated';
  file: string;
  text: string;
  operation: IncomingOperation;
  /** The old file of a renamed operation, removed once `file` is written. */
  replaces?: string;
}

export interface Plan {
  writes: Write[];
  unchanged: string[];
  /** Documents whose operation the source no longer has. */
  gone: ExistingDocument[];
  /** Files to delete (`--prune`). */
  removals: string[];
  /** Operations of the source that cannot be written (each named), the rest still can. */
  failures: PipelineError[];
  /** Set when the run would leave spec/ holding more than one release: write nothing. */
  refusal?: PipelineError;
}

const operationKey = (op: { method: string; path: string }): string =>
  `${op.method.toUpperCase()} ${op.path}`;

/** The text of a document written to `file`: JSON for `.json`, otherwise YAML. */
export function documentText(file: string, operation: IncomingOperation): string {
  return file.toLowerCase().endsWith('.json')
    ? `${JSON.stringify(operation.doc, null, 2)}\n`
    : operation.yaml();
}

/** `yaml` stringify of a page-shaped document, as `--openapi` writes it. */
export function yamlOf(doc: Dict): string {
  return stringify(doc);
}

/**
 * Ingest keeps spec/ as one document per operation: a document holding several (a whole
 * openapi.json) cannot be refreshed operation by operation. Throws naming each.
 */
export function checkOneOperationPerDocument(existing: readonly ExistingDocument[]): void {
  const multi = existing.filter((doc) => doc.operations.length > 1);
  if (multi.length === 0) return;
  throw new PipelineError(
    `holds ${multi[0]!.operations.length} operations; ingest keeps spec/ as one document per operation, so it cannot refresh this file: move it out of spec/ (or ingest it with --openapi into an empty spec/)`,
    multi.map((doc) => ({ file: doc.file })),
  );
}

/** Same content, whatever the key order or formatting (the same object when read from the same text). */
const sameDocument = (a: Dict, b: Dict): boolean =>
  a === b || canonicalJson(a) === canonicalJson(b);

const stem = (file: string): string => path.posix.basename(file, path.posix.extname(file));

export function planIngest(input: PlanInput): Plan {
  const byId = new Map<string, ExistingDocument>();
  const byRoute = new Map<string, ExistingDocument>();
  for (const doc of input.existing) {
    const op = doc.operations[0];
    if (!op) continue;
    if (op.operationId) byId.set(op.operationId, doc);
    byRoute.set(operationKey(op), doc);
  }

  // Match by operationId first, then what is left by METHOD + path (a renamed operationId).
  const matched = new Map<IncomingOperation, ExistingDocument>();
  const taken = new Set<ExistingDocument>();
  for (const op of input.incoming) {
    const doc = byId.get(op.operationId);
    if (doc && !taken.has(doc)) {
      matched.set(op, doc);
      taken.add(doc);
    }
  }
  for (const op of input.incoming) {
    if (matched.has(op)) continue;
    const doc = byRoute.get(operationKey(op));
    if (doc && !taken.has(doc)) {
      matched.set(op, doc);
      taken.add(doc);
    }
  }

  const plan: Plan = { writes: [], unchanged: [], gone: [], removals: [], failures: [] };
  const existingFiles = new Map(input.existing.map((doc) => [doc.file, doc]));
  const claimed = new Map<string, IncomingOperation>();
  for (const op of input.incoming) {
    const current = matched.get(op);
    if (!current && !input.selected(op)) continue;
    const file =
      current && stem(current.file) === op.operationId
        ? current.file
        : path.posix.join(input.specDir, `${op.operationId}.yaml`);
    const holder = existingFiles.get(file);
    const earlier = claimed.get(file);
    if (earlier || (holder && holder !== current)) {
      const other = earlier
        ? earlier.origin
        : `${holder!.file}, which holds ${holder!.operations[0]?.operationId ?? 'another operation'}`;
      plan.failures.push(
        new PipelineError(
          `operation ${op.operationId} (${operationKey(op)}) would be written to ${file}, already taken by ${other}: one operation per operationId`,
          [{ file: op.origin }],
        ),
      );
      continue;
    }
    claimed.set(file, op);
    if (current && current.file === file && sameDocument(current.doc, op.doc)) {
      plan.unchanged.push(file);
      continue;
    }
    plan.writes.push({
      kind: current ? 'updated' : 'added',
      file,
      text: documentText(file, op),
      operation: op,
      ...(current && current.file !== file ? { replaces: current.file } : {}),
    });
  }

  if (input.wholeSource && input.sourceComplete) {
    plan.gone = input.existing.filter((doc) => doc.operations.length > 0 && !taken.has(doc));
    if (input.prune) plan.removals = plan.gone.map((doc) => doc.file);
  }

  const refusal = mixedReleases(input, plan);
  if (refusal) plan.refusal = refusal;
  return plan;
}

/** The release every document of spec/ would hold after the plan, with its files. */
export function releasesAfter(
  existing: readonly ExistingDocument[],
  plan: Pick<Plan, 'writes' | 'removals'>,
): Map<string, string[]> {
  const versions = new Map<string, string>();
  for (const doc of existing) versions.set(doc.file, doc.version ?? '(none)');
  for (const file of plan.removals) versions.delete(file);
  for (const write of plan.writes) {
    if (write.replaces) versions.delete(write.replaces);
    versions.set(write.file, write.operation.version ?? '(none)');
  }
  const releases = new Map<string, string[]>();
  for (const [file, version] of [...versions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    releases.set(version, [...(releases.get(version) ?? []), file]);
  }
  return releases;
}

function mixedReleases(input: PlanInput, plan: Plan): PipelineError | undefined {
  const releases = releasesAfter(input.existing, plan);
  if (releases.size <= 1) return undefined;
  const incomingVersions = new Set(input.incoming.map((op) => op.version ?? '(none)'));
  const counts = [...releases]
    .sort(([, a], [, b]) => b.length - a.length)
    .map(([version, files], rank) => {
      const count = `${version}: ${files.length} document${files.length === 1 ? '' : 's'}`;
      // The files of the largest release say nothing; the others are what to act on.
      if (rank === 0) return count;
      const more = files.length > 5 ? `, and ${files.length - 5} more` : '';
      return `${count} (${files.slice(0, 5).join(', ')}${more})`;
    });
  let hint: string;
  if (!input.wholeSource) {
    hint =
      'ingest the whole release with --index or --openapi: they refresh every document already in spec/';
  } else if (incomingVersions.size > 1) {
    hint = `the source itself mixes releases (${[...incomingVersions].sort().join(', ')}); try again once it is consistent`;
  } else if (!input.sourceComplete) {
    hint =
      'some pages could not be read, so the documents in spec/ they hold were not refreshed; run again';
  } else {
    hint = `--prune removes the ${plan.gone.length} operation${plan.gone.length === 1 ? '' : 's'} gone from the source`;
  }
  return new PipelineError(
    `spec/ would hold more than one release after this run (${counts.join('; ')}); nothing was written: ${hint}`,
    [],
    input.sourceComplete ? EXIT_COULD_NOT_RUN : EXIT_CHECK_FAILED,
  );
}
