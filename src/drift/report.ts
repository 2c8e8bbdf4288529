/**
 * The drift report in three forms: JSON (machines: every change, with its cause), text (a
 * terminal) and markdown (a pull-request body or a CI step summary). Text and markdown are by
 * cause: summary first (counts by level, then the breaking causes), details after. Markdown
 * fits a size bound, saying what it left out and where the whole report is.
 */
import { printableLine } from '../../common/printable-line.ts';
import { EACH_OPERATION, type DriftCause } from './causes.ts';
import type { DriftReport } from './compare.ts';
import type { ChangeLevel } from './rules.ts';

export type ReportFormat = 'text' | 'json' | 'markdown';

/** GitHub keeps 65,536 characters of a pull-request (or issue) body. */
export const PULL_REQUEST_BODY_MAX_CHARS = 65_536;
/** GitHub drops a step summary over 1 MiB (counted here in characters, leaving room for bytes). */
export const STEP_SUMMARY_MAX_CHARS = 1_000_000;

/** What the report compared, for its heading. */
export interface ReportContext {
  base: string;
  revision: string;
}

export interface MarkdownOptions {
  /** Longest report; rows that do not fit are left out and counted. @default 65536 */
  maxChars?: number;
  /** Where the whole report is (a file, an artifact), named when something is left out. */
  wholeReport?: string;
}

/** `{ changes, causes, summary }`, as `--format json` prints it: nothing left out. */
export function formatJson(report: DriftReport): string {
  return `${JSON.stringify({ changes: report.changes, causes: report.causes, summary: report.summary }, null, 2)}\n`;
}

const plural = (count: number, word: string, many = `${word}s`): string =>
  `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;

function verdict(report: DriftReport): string {
  const { total, breaking, warning, info, causes } = report.summary;
  if (total === 0) return 'no API change';
  return `${plural(total, 'change')} from ${plural(causes.total, 'cause')}: ${breaking} breaking, ${plural(warning, 'warning')}, ${info} info`;
}

/** Upstream-only operations listed in a bounded markdown report; the rest are counted. */
export const UPSTREAM_ONLY_SHOWN = 20;

/** Operations upstream that we do not pin: many against the whole API, listed apart. */
const isUpstreamOnly = (cause: DriftCause): boolean => cause.id === 'operation-added';

const SECTIONS: [ChangeLevel, string][] = [
  ['breaking', 'Breaking'],
  ['warning', 'Warnings'],
  ['info', 'Other changes'],
];

function reach(cause: DriftCause, limit: number): string {
  const { operations } = cause;
  if (operations.length === 0) return 'the document';
  if (operations.length === 1) return printableLine(operations[0]!);
  const shown = printableLine(operations.slice(0, limit).join(', '));
  const more = operations.length - limit;
  return `${operations.length} operations: ${shown}${more > 0 ? `, ... (+${more})` : ''}`;
}

/**
 * The place inside each operation of a cause at `{operation}/...` (`responses/409`; '' for the
 * operation itself), or undefined for a shared node or a document-level place.
 */
function placeInOperation(at: string): string | undefined {
  if (at === EACH_OPERATION) return '';
  return at.startsWith(`${EACH_OPERATION}/`) ? at.slice(EACH_OPERATION.length + 1) : undefined;
}

/**
 * For a terminal: `at parameters/3 of GET /x`, `at responses/503 of each of 4 operations: ...`,
 * or a shared node and what it reaches, `at #/components/...; 4 operations: ...`.
 */
function whereText(cause: DriftCause, limit: number): string {
  const inside = placeInOperation(cause.at);
  if (inside === undefined) return `at ${printableLine(cause.at)}; ${reach(cause, limit)}`;
  const of = cause.operations.length === 1 ? reach(cause, limit) : `each of ${reach(cause, limit)}`;
  return `at ${inside ? `${printableLine(inside)} of ` : ''}${of}`;
}

/** The "where" cell: `` `parameters/3` of each operation `` (as "reaches" lists), or the node. */
function whereCell(cause: DriftCause): string {
  const inside = placeInOperation(cause.at);
  if (inside === undefined) return codeSpan(cell(cause.at));
  const of = cause.operations.length === 1 ? 'the operation' : 'each operation';
  return inside ? `${codeSpan(cell(inside))} of ${of}` : of;
}

/**
 * `text` as one code span, whatever backticks it holds (a name upstream): fenced by a run of
 * backticks longer than any inside it, and padded with a space each side (which CommonMark
 * strips) when it starts or ends with one, so that no backtick inside can close it.
 */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * For a terminal: one entry per cause, breaking first, with the operations it reaches. Text from
 * either side (names, paths, messages quoting them) is one printable line each (printableLine).
 */
export function formatText(report: DriftReport, context: ReportContext): string {
  const lines = [
    `drift: ${printableLine(context.base)} vs ${printableLine(context.revision)}`,
    verdict(report),
  ];
  const labels: Record<ChangeLevel, string> = {
    breaking: 'BREAKING',
    warning: 'warning',
    info: 'info',
  };
  for (const [level, title] of SECTIONS) {
    const causes = report.causes.filter((c) => c.level === level && !isUpstreamOnly(c));
    if (causes.length === 0) continue;
    lines.push('', `${title} (${plural(causes.length, 'cause')}):`);
    for (const cause of causes)
      lines.push(
        `  ${labels[level].padEnd(8)} ${cause.id}: ${printableLine(cause.message)}`,
        `           ${whereText(cause, 10)}`,
      );
  }
  const added = report.causes.filter(isUpstreamOnly);
  if (added.length > 0) {
    lines.push(
      '',
      `${plural(added.length, 'operation')} upstream that we do not pin (not breaking):`,
    );
    for (const cause of added) lines.push(`  ${printableLine(cause.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The summary's list of breaking causes, one row per rule (the details follow). */
function breakingByRule(causes: readonly DriftCause[]): string[] {
  const rules = new Map<string, { causes: number; changes: number; reached: Set<string> }>();
  for (const cause of causes.filter((c) => c.level === 'breaking')) {
    const rule = rules.get(cause.id) ?? { causes: 0, changes: 0, reached: new Set<string>() };
    rule.causes++;
    rule.changes += cause.changes;
    for (const operation of cause.operations) rule.reached.add(operation);
    rules.set(cause.id, rule);
  }
  if (rules.size === 0) return [];
  return [
    '',
    '**Breaking causes**, by rule:',
    '',
    '| rule | causes | changes | operations reached |',
    '| --- | --- | --- | --- |',
    ...[...rules].map(
      ([id, rule]) => `| \`${id}\` | ${rule.causes} | ${rule.changes} | ${rule.reached.size} |`,
    ),
  ];
}

/** `text` as one shell word for a command line a reader copies. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Text from either side as markdown text: `<` as an entity (no tag or autolink opens without it;
 * the `->` of our messages stays) and the `](` of an inline link escaped, so that a name upstream
 * shows as written instead of rendering HTML, a link or an image in the pull-request body (a
 * reference definition needs a line of its own, which a cell cannot start). Also inside a
 * message's code spans (a command): the names there are plain, and a backtick upstream could
 * otherwise open one. An `@` before a name gets a zero-width space after it (`&#8203;`, as
 * Dependabot writes release notes), so that `@someone` or `@org/team` upstream shows as text
 * and notifies nobody when the report is a pull-request body or comment. Outside the commands a
 * message names (`COMMAND_SPAN`), a backtick or backslash is upstream's and escaped: a name
 * holding one would otherwise pair with another and turn the rest of the message inside out.
 */
/** A command in a message, our own code span (`npm run generate -- --remove-name X`, X a TypeScript name). */
const COMMAND_SPAN = /(`npm run [\w ./:=-]*`)/;

function markdownText(text: string): string {
  return text
    .split(COMMAND_SPAN)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\`]/g, '\\$&')))
    .join('')
    .replace(/</g, '&lt;')
    .replace(/\]\(/g, '\\](')
    .replace(/@(?=[\w-])/g, '@&#8203;');
}

/** A table cell: one printable line (printableLine), its pipes escaped, cut at `max`. */
function cell(text: string, max = 300): string {
  const flat = printableLine(text.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** A table cell of markdown text (`markdownText`), not a code span. */
const textCell = (text: string, max = 300): string => cell(markdownText(text), max);

/**
 * For a pull-request body or `$GITHUB_STEP_SUMMARY`, within `maxChars`: the summary always, then
 * one row per cause, breaking first, as many as fit; what is left out is counted at the end.
 */
export function formatMarkdown(
  report: DriftReport,
  context: ReportContext,
  options: MarkdownOptions = {},
): string {
  const maxChars = options.maxChars ?? PULL_REQUEST_BODY_MAX_CHARS;
  const bounded = Number.isFinite(maxChars);
  const { summary } = report;
  const causes = report.causes.filter((c) => !isUpstreamOnly(c));
  const added = report.causes.filter(isUpstreamOnly);
  const head = [
    '## API drift report',
    '',
    `Pinned: ${codeSpan(printableLine(context.base))} (info.version ${markdownText(printableLine(summary.versions.base)) || '?'})  `,
    `Compared with: ${codeSpan(printableLine(context.revision))} (info.version ${markdownText(printableLine(summary.versions.revision)) || '?'})`,
    '',
    `**${summary.breaking > 0 ? 'Breaking changes found' : summary.total > 0 ? 'No breaking change' : 'No API change'}**: ${verdict(report)}.`,
    '',
    '| level | changes | causes |',
    '| --- | --- | --- |',
    `| breaking | ${summary.breaking} | ${summary.causes.breaking} |`,
    `| warning | ${summary.warning} | ${summary.causes.warning} |`,
    `| info | ${summary.info} | ${summary.causes.info} |`,
    '',
    `Operations: ${summary.operations.compared} compared, ${summary.operations.changed} changed, ${summary.operations.removed} removed upstream, ${summary.operations.added} upstream that we do not pin. A cause is one change upstream (a shared schema, a security scheme); it may show in many operations.`,
    ...breakingByRule(causes),
  ];
  let text = `${head.join('\n')}\n`;
  // Room kept for the closing note, so that it always fits.
  const reserve = bounded ? 1_000 : 0;
  const left: Record<ChangeLevel | 'upstream', number> = {
    breaking: 0,
    warning: 0,
    info: 0,
    upstream: 0,
  };
  let full = false;
  /** Appends a block if it fits; once one does not, nothing after it is added either. */
  const add = (block: string): boolean => {
    if (!full && text.length + block.length + reserve <= maxChars) text += block;
    else full = true;
    return !full;
  };
  const operationsShown = bounded ? 3 : Infinity;
  for (const [level, title] of SECTIONS) {
    const ofLevel = causes.filter((c) => c.level === level);
    if (ofLevel.length === 0) continue;
    const header = `\n### ${title} (${plural(ofLevel.length, 'cause')}, ${plural(
      ofLevel.reduce((n, c) => n + c.changes, 0),
      'change',
    )})\n\n| rule | change | where | reaches |\n| --- | --- | --- | --- |\n`;
    if (!add(header)) {
      left[level] += ofLevel.length;
      continue;
    }
    for (const cause of ofLevel) {
      // What to do is in the message of a breaking cause, a warning or an exported name (kept or
      // not): never cut it short. A row that does not fit is left out whole and counted.
      const whole = level !== 'info' || cause.id.startsWith('exported-name-');
      const row = `| \`${cause.id}\` | ${textCell(cause.message, whole ? Infinity : 300)} | ${whereCell(cause)} | ${textCell(reach(cause, operationsShown), bounded ? 600 : Infinity)} |\n`;
      if (!add(row)) left[level]++;
    }
  }
  if (added.length > 0) {
    // For people: a count and a few lines; the whole report (unbounded) lists every one.
    const shown = bounded ? added.slice(0, UPSTREAM_ONLY_SHOWN) : added;
    const list = shown.map((c) => `- ${textCell(c.message)}\n`).join('');
    const rest = added.length - shown.length;
    const all = `\`npm run drift -- --against ${shellWord(printableLine(context.revision)).replace(/`/g, "'")} --format text\``;
    const more =
      rest > 0
        ? `- ... and ${plural(rest, 'more', 'more')}. All of them: ${all}${options.wholeReport ? `, or ${options.wholeReport}` : ''}.\n`
        : '';
    const block = `\n### ${plural(added.length, 'operation')} upstream that we do not pin (not breaking)\n\n${list}${more}`;
    if (!add(block)) left.upstream = added.length;
  }
  const omitted = [
    left.breaking && plural(left.breaking, 'breaking cause'),
    left.warning && plural(left.warning, 'warning cause'),
    left.info && plural(left.info, 'other cause'),
    left.upstream && `the list of ${plural(left.upstream, 'upstream-only operation')}`,
  ].filter(Boolean);
  if (omitted.length > 0) {
    const where = options.wholeReport
      ? `The whole report: ${options.wholeReport}.`
      : 'The whole report: `npm run drift -- --output FILE` (add `--format json` for every change with its cause).';
    text += `\n**Left out** to stay within ${maxChars.toLocaleString('en-US')} characters: ${omitted.join(', ')}. ${where}\n`;
  }
  return text;
}

/** The report in the asked format. */
export function formatReport(
  report: DriftReport,
  format: ReportFormat,
  context: ReportContext,
  markdown: MarkdownOptions = {},
): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report, context, markdown);
  return formatText(report, context);
}
