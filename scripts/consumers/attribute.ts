/**
 * Ties each place that stops compiling to the drift causes behind it: the operation's removal
 * (with its probable successor), the removed response property the code reads, the exported name
 * it imports. Pure: the type check finds the places, the drift report has the causes.
 */
import type { DriftCause } from '../../src/drift/index.ts';
import type { BreakSite } from './typecheck.ts';

/** One call site or import in a dependent that stops compiling, with why. */
export interface ConsumerBreak {
  /** Relative to the workspace root, `/`-separated. */
  file: string;
  line: number;
  column: number;
  /** `GET /v1/...` when the place calls an operation or reads its result. */
  operation?: string;
  /** Keys of the report's causes behind it (empty when none could be told). */
  causes: string[];
  /** `GET /v1/agents/{agent_id}: removed upstream; probable successor GET /v1/assistants/...`. */
  summary: string;
  /** TypeScript's errors at this place (`TS2339 Property 'plan' does not exist ...`). */
  errors: string[];
}

const escapePointer = (segment: string): string =>
  segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The causes a site is tied to, and the one-line reason. */
function causesOf(
  site: BreakSite,
  causes: readonly DriftCause[],
): { tied: DriftCause[]; summary: string } {
  if (site.importedName !== undefined) {
    const name = site.importedName;
    const tied = causes.filter(
      (c) => c.id.startsWith('exported-name-') && c.at.endsWith(`#${name}`),
    );
    return {
      tied,
      summary: `import ${name}: ${tied[0]?.message ?? 'no longer exported (no drift cause names it)'}`,
    };
  }
  if (site.operation === undefined)
    return { tied: [], summary: `${site.message} (no client call found for it)` };
  const op = site.operation;
  const reaching = causes.filter((c) => c.operations.includes(op) && c.level !== 'info');
  const removed = reaching.find((c) => c.id === 'operation-removed');
  if (removed)
    return {
      tied: [removed],
      summary: `${op}: removed upstream${removed.successor ? `; probable successor ${removed.successor}` : ''}`,
    };
  const property = site.property;
  const byProperty =
    property === undefined
      ? []
      : reaching.filter(
          (c) =>
            c.at.endsWith(`/properties/${escapePointer(property)}`) ||
            c.at.endsWith(`/properties/${escapePointer(property)}/items`),
        );
  const tied = byProperty.length > 0 ? byProperty : reaching.filter((c) => c.breaking);
  if (tied.length === 0)
    return { tied, summary: `${op}: ${site.message} (no breaking drift cause reaches it)` };
  const more = tied.length > 1 ? ` (+${tied.length - 1} more causes)` : '';
  return { tied, summary: `${op}: ${tied[0]!.message}${more}` };
}

/**
 * The sites as breaks, one per place: the errors a removed operation causes (its call, and the
 * reads of its result) are one break at the call; others are one per line and operation.
 */
export function attributeSites(
  sites: readonly BreakSite[],
  causes: readonly DriftCause[],
  relative: (file: string) => string,
): ConsumerBreak[] {
  const breaks = new Map<string, ConsumerBreak>();
  for (const site of sites) {
    const { tied, summary } = causesOf(site, causes);
    const atCall = tied.some((c) => c.id === 'operation-removed') && site.call;
    const { line, column } = atCall ? site.call! : site;
    const file = relative(site.file);
    const key = `${file}:${line}:${site.operation ?? ''}:${summary}`;
    const error = `${site.code} ${site.message}`;
    const existing = breaks.get(key);
    if (existing) {
      if (!existing.errors.includes(error)) existing.errors.push(error);
      continue;
    }
    breaks.set(key, {
      file,
      line,
      column,
      ...(site.operation !== undefined ? { operation: site.operation } : {}),
      causes: tied.map((c) => c.key),
      summary,
      errors: [error],
    });
  }
  return [...breaks.values()].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}
