/**
 * The drift report in three forms: JSON (machines), text (a terminal), markdown (a pull-request
 * body or a CI step summary).
 */
import type { DriftChange, DriftReport } from './compare.ts';
import type { ChangeLevel } from './rules.ts';

export type ReportFormat = 'text' | 'json' | 'markdown';

const LEVEL_LABEL: Record<ChangeLevel, string> = {
  breaking: 'BREAKING',
  warning: 'warning',
  info: 'info',
};

/** What the report compared, for its heading. */
export interface ReportContext {
  base: string;
  revision: string;
}

/** `{ changes, summary }`, as `--format json` prints it. */
export function formatJson(report: DriftReport): string {
  return `${JSON.stringify({ changes: report.changes, summary: report.summary }, null, 2)}\n`;
}

function verdict(report: DriftReport): string {
  const { total, breaking, warning, info } = report.summary;
  if (total === 0) return 'no API change';
  return `${total} change${total === 1 ? '' : 's'}: ${breaking} breaking, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info`;
}

/** Added operations are many when the other side is the whole API: listed apart, briefly. */
function split(report: DriftReport): { added: DriftChange[]; rest: DriftChange[] } {
  return {
    added: report.changes.filter((c) => c.id === 'operation-added'),
    rest: report.changes.filter((c) => c.id !== 'operation-added'),
  };
}

/** For a terminal: one line per change, grouped by operation, breaking first. */
export function formatText(report: DriftReport, context: ReportContext): string {
  const lines = [`drift: ${context.base} vs ${context.revision}`, verdict(report)];
  const { added, rest } = split(report);
  let operation: string | null | undefined;
  for (const change of rest) {
    if (change.operation !== operation) {
      operation = change.operation;
      lines.push('', operation ?? '(document)');
    }
    const where = change.definedAt
      ? `${change.location} (defined at ${change.definedAt})`
      : change.location;
    lines.push(
      `  ${LEVEL_LABEL[change.level].padEnd(8)} ${change.id}: ${change.message}`,
      `           at ${where}`,
    );
  }
  if (added.length > 0) {
    lines.push(
      '',
      `${added.length} operation${added.length === 1 ? '' : 's'} upstream that we do not pin (not breaking):`,
    );
    for (const change of added) lines.push(`  ${change.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** For a pull-request body or `$GITHUB_STEP_SUMMARY`. */
export function formatMarkdown(report: DriftReport, context: ReportContext): string {
  const { summary } = report;
  const lines = [
    '## API drift report',
    '',
    `Pinned: \`${context.base}\` (info.version ${summary.versions.base || '?'})  `,
    `Compared with: \`${context.revision}\` (info.version ${summary.versions.revision || '?'})`,
    '',
    `**${summary.breaking > 0 ? 'Breaking changes found' : summary.total > 0 ? 'No breaking change' : 'No API change'}**: ${verdict(report)}.`,
    '',
    '| | count |',
    '| --- | --- |',
    `| breaking | ${summary.breaking} |`,
    `| warning | ${summary.warning} |`,
    `| info | ${summary.info} |`,
    `| operations compared / changed | ${summary.operations.compared} / ${summary.operations.changed} |`,
    `| operations removed upstream | ${summary.operations.removed} |`,
    `| operations upstream we do not pin | ${summary.operations.added} |`,
  ];
  const { added, rest } = split(report);
  const sections: [ChangeLevel, string][] = [
    ['breaking', 'Breaking'],
    ['warning', 'Warnings'],
    ['info', 'Other changes'],
  ];
  for (const [level, title] of sections) {
    const changes = rest.filter((c) => c.level === level);
    if (changes.length === 0) continue;
    lines.push(
      '',
      `### ${title} (${changes.length})`,
      '',
      '| operation | rule | change | location |',
      '| --- | --- | --- | --- |',
    );
    for (const change of changes) {
      const where = change.definedAt
        ? `\`${change.location}\` (defined at \`${change.definedAt}\`)`
        : `\`${change.location}\``;
      lines.push(
        `| ${cell(change.operation ?? '(document)')} | \`${change.id}\` | ${cell(change.message)} | ${cell(where)} |`,
      );
    }
  }
  if (added.length > 0) {
    lines.push(
      '',
      `<details><summary>${added.length} operation${added.length === 1 ? '' : 's'} upstream that we do not pin</summary>`,
      '',
    );
    for (const change of added) lines.push(`- ${cell(change.message)}`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** The report in the asked format. */
export function formatReport(
  report: DriftReport,
  format: ReportFormat,
  context: ReportContext,
): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report, context);
  return formatText(report, context);
}
