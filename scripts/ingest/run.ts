/**
 * One ingest run: load the source, plan against spec/, write (unless the plan is refused), and
 * say what happened.
 */
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';
import {
  checkOneOperationPerDocument,
  planIngest,
  type ExistingDocument,
  type Plan,
} from './plan.ts';
import { SELECT_ALL, checkFiltersMatch, selector, type Selection } from './select.ts';
import { loadSource, type IngestSource, type LoadOptions } from './sources.ts';
import { applyPlan, readSpecDocuments } from './spec-dir.ts';

export interface IngestOptions extends LoadOptions {
  /** Repository root; spec/ is `specDir` below it. @default process.cwd() */
  root?: string;
  /** @default 'spec' */
  specDir?: string;
  /** @default everything */
  selection?: Selection;
  /** Remove documents whose operation the source no longer has. @default false */
  prune?: boolean;
}

export interface IngestReport {
  source: IngestSource;
  /** Operations the source gave. */
  operations: number;
  /** Of those, taken because selected (refreshes come on top). */
  selected: number;
  added: string[];
  updated: string[];
  unchanged: string[];
  /** Pages or documents that failed, each naming where. */
  failed: PipelineError[];
  /** Index pages without an OpenAPI block. */
  skipped: string[];
  /** Documents of spec/ whose operation the source no longer has (as they were). */
  gone: ExistingDocument[];
  removed: string[];
  /** Set when nothing was written because spec/ would have mixed releases. */
  refused?: PipelineError;
  retries: number;
}

/** Runs one ingest. Throws (writing nothing) when the source or spec/ is unusable as a whole. */
export async function ingest(
  source: IngestSource,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const root = options.root ?? process.cwd();
  const specDir = (options.specDir ?? 'spec').split('\\').join('/');
  const selection = options.selection ?? SELECT_ALL;
  const loaded = await loadSource(source, options);
  const known = new Map(
    loaded.incoming
      .filter((op) => op.publishedYaml !== undefined)
      .map((op) => [`${specDir}/${op.operationId}.yaml`, { text: op.publishedYaml!, doc: op.doc }]),
  );
  const existing = await readSpecDocuments(root, specDir, known);
  checkOneOperationPerDocument(existing);
  const wholeSource = source.kind !== 'pages';
  const sourceComplete = loaded.failures.length === 0;
  if (wholeSource && sourceComplete)
    checkFiltersMatch(sourceName(source), selection, loaded.incoming);

  const selected = wholeSource ? selector(selection) : () => true;
  const plan: Plan = planIngest({
    specDir,
    existing,
    incoming: loaded.incoming,
    selected,
    wholeSource,
    sourceComplete,
    prune: options.prune ?? false,
  });
  const report: IngestReport = {
    source,
    operations: loaded.incoming.length,
    selected: loaded.incoming.filter(selected).length,
    added: [],
    updated: [],
    unchanged: plan.unchanged,
    failed: [...loaded.failures, ...plan.failures],
    skipped: loaded.skipped,
    gone: plan.gone,
    removed: [],
    retries: loaded.retries,
  };
  if (plan.refusal) return { ...report, unchanged: [], refused: plan.refusal };
  const applied = await applyPlan(root, plan);
  return {
    ...report,
    added: applied.added,
    updated: applied.updated,
    removed: applied.removed,
    failed: [...report.failed, ...applied.failures],
  };
}

/** The source as the user named it. */
export function sourceName(source: IngestSource): string {
  if (source.kind === 'index') return source.index;
  if (source.kind === 'openapi') return source.document;
  return source.pages.length === 1 ? source.pages[0]! : `${source.pages.length} pages`;
}

/** 1 when anything failed, the refusal's code when refused, else 0. */
export function exitCodeOf(report: IngestReport): number {
  if (report.failed.length > 0) return EXIT_CHECK_FAILED;
  return report.refused ? report.refused.exitCode : EXIT_OK;
}

const LISTED_FILES_MAX = 20;

function listFiles(verb: string, files: readonly string[]): string[] {
  if (files.length === 0) return [];
  if (files.length > LISTED_FILES_MAX) return [`${verb} ${files.length} files (see git status)`];
  return files.map((file) => `${verb} ${file}`);
}

/** A line of the report; `problem` lines go to stderr. */
export interface ReportLine {
  text: string;
  problem: boolean;
}

/** What the run did, as lines for the terminal: changes, failures, gone operations, summary. */
export function formatReport(report: IngestReport, prune: boolean): ReportLine[] {
  const info = (text: string): ReportLine => ({ text, problem: false });
  const lines = [
    ...listFiles('added', report.added).map(info),
    ...listFiles('updated', report.updated).map(info),
    ...listFiles('removed', report.removed).map(info),
    ...report.failed.map((error) => ({ text: `failed: ${error.message}`, problem: true })),
  ];
  if (report.gone.length > 0) {
    const what = report.gone.map(
      (doc) => `${doc.operations[0]!.operationId || '(no operationId)'} (${doc.file})`,
    );
    const shown =
      what.length > LISTED_FILES_MAX
        ? [...what.slice(0, LISTED_FILES_MAX), `... and ${what.length - LISTED_FILES_MAX} more`]
        : what;
    lines.push(
      info(
        `${report.gone.length} operation${report.gone.length === 1 ? '' : 's'} in spec/ gone from the source${prune && !report.refused ? ', removed' : ` (--prune removes ${report.gone.length === 1 ? 'it' : 'them'})`}: ${shown.join(', ')}`,
      ),
    );
  }
  if (report.refused) lines.push({ text: `error: ${report.refused.message}`, problem: true });
  const extra = [
    report.skipped.length > 0
      ? `${report.skipped.length} pages without an OpenAPI block skipped`
      : '',
    report.retries > 0 ? `${report.retries} retries` : '',
  ].filter(Boolean);
  lines.push(
    info(
      `ingest: ${report.operations} operations from ${sourceName(report.source)}, ${report.selected} selected: ` +
        `${report.added.length} added, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.failed.length} failed` +
        (extra.length > 0 ? `; ${extra.join(', ')}` : '') +
        (report.refused ? ' (refused: nothing written)' : ''),
    ),
  );
  return lines;
}
