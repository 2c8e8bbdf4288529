/**
 * The changelog entry of a regeneration, written from the drift report: what upstream version
 * it follows, why the bump is what it is, what breaks in this workspace (with `--consumers`),
 * then the breaking causes and the additions, each list bounded. The same text goes into
 * CHANGELOG.md under a version heading, or into a Changesets file (which adds the heading).
 */
import type { DriftCause } from '../../src/drift/index.ts';
import type { ConsumersReport } from '../consumers/check.ts';
import { countedCauses, type Bump } from './version-bump.ts';
import { printableLine } from '../../common/printable-line.ts';

/** Entries listed per section before the rest are counted (the drift report has them all). */
export const MAX_LISTED = 40;

export interface ReportForChangelog {
  causes: DriftCause[];
  summary: { versions: { base: string; revision: string } };
  consumers?: ConsumersReport;
}

const WHY: Record<Exclude<Bump, 'none'>, string> = {
  major: 'major: code compiled against the previous types can stop compiling',
  minor: 'minor: the types only gain (operations, properties, exported names)',
  patch: 'patch: no type users import changes in a way that breaks or adds',
};

/**
 * A cause in one line: its message, and where when the message does not say. Its text comes from
 * the upstream spec (a path, a name) by way of the report: printable, one line (`printableLine`),
 * so that it can neither start a heading of the changelog nor carry bidi or control characters.
 */
function causeLine(cause: DriftCause): string {
  const [first] = cause.operations;
  const where =
    cause.operations.length === 0 || (first !== undefined && cause.message.includes(first))
      ? ''
      : cause.operations.length === 1
        ? ` (${first})`
        : ` (${cause.operations.length} operations)`;
  return `- ${printableLine(cause.message + where)}`;
}

function bounded(lines: readonly string[], what: string): string[] {
  if (lines.length <= MAX_LISTED) return [...lines];
  return [
    ...lines.slice(0, MAX_LISTED),
    `- ... and ${lines.length - MAX_LISTED} more ${what} (see the drift report)`,
  ];
}

/** The entry's body (no version heading). */
export function changelogBody(report: ReportForChangelog, bump: Exclude<Bump, 'none'>): string {
  const base = printableLine(String(report.summary.versions.base ?? ''));
  const revision = printableLine(String(report.summary.versions.revision ?? ''));
  const causes = countedCauses(report.causes);
  const breaking = causes.filter((cause) => cause.breaking);
  const added = causes.filter((cause) => !cause.breaking && cause.id.endsWith('-added'));
  const others = causes.length - breaking.length - added.length;
  const lines = [
    `Regenerated from the Feather API ${revision || '(version not stated)'} (was ${base || '?'}); ${WHY[bump]}.`,
  ];
  const consumers = report.consumers;
  if (consumers) {
    const breaks = consumers.dependents.flatMap((dependent) => dependent.breaks);
    lines.push('', '### What breaks in this workspace', '');
    if (breaks.length === 0) lines.push('Nothing: every dependent type-checks against it.');
    else
      lines.push(
        ...bounded(
          breaks.map((b) => printableLine(`- \`${b.file}:${b.line}:${b.column}\` ${b.summary}`)),
          'places',
        ),
      );
  }
  if (breaking.length > 0)
    lines.push('', '### Breaking', '', ...bounded(breaking.map(causeLine), 'breaking changes'));
  if (added.length > 0)
    lines.push('', '### Added', '', ...bounded(added.map(causeLine), 'additions'));
  if (others > 0)
    lines.push(
      '',
      `${others} other change${others === 1 ? '' : 's'} (warnings, info): see the drift report.`,
    );
  return `${lines.join('\n')}\n`;
}

/** CHANGELOG.md with the entry for `version` first (below a leading `# ` title, if any). */
export function prependChangelog(
  existing: string | undefined,
  version: string,
  body: string,
): string {
  const entry = `## ${version}\n\n${body}`;
  if (existing === undefined || existing.trim() === '') return `# Changelog\n\n${entry}`;
  const title = /^# .*\n+/.exec(existing);
  if (!title) return `${entry}\n${existing}`;
  return `${title[0]}${entry}\n${existing.slice(title[0].length)}`;
}

/** A Changesets file: the package and its bump in the front matter, the entry below. */
export function changesetFile(
  packageName: string,
  bump: Exclude<Bump, 'none'>,
  body: string,
): string {
  return `---\n${JSON.stringify(packageName)}: ${bump}\n---\n\n${body}`;
}
