/**
 * The "What breaks here" section that heads the drift report when the workspace was checked:
 * each call site and import of a dependent that stops compiling against the regenerated client,
 * as `file:line:column  operation: cause`, or a line saying that nothing does.
 */
import type { ConsumersReport } from './check.ts';

/** Places listed in the markdown section before the rest are counted (the JSON has them all). */
export const MAX_BREAKS_SHOWN = 50;

const plural = (count: number, word: string, many = `${word}s`): string =>
  `${count} ${count === 1 ? word : many}`;

/** `packages/app/src/agents.ts:42:7  GET /v1/agents/{agent_id}: removed upstream; ...` lines. */
export function breakLines(consumers: ConsumersReport): string[] {
  return consumers.dependents.flatMap((dependent) =>
    dependent.breaks.map((b) => `${b.file}:${b.line}:${b.column}  ${b.summary}`),
  );
}

function checkedLine(consumers: ConsumersReport): string {
  const checked = consumers.dependents.filter((d) => d.checked);
  const seconds = ((consumers.ms.regenerate + consumers.ms.typecheck) / 1000).toFixed(1);
  return `${plural(checked.length, 'workspace package')} that depend${checked.length === 1 ? 's' : ''} on the client type-checked against it regenerated from the other side (${seconds} s)${checked.length > 0 ? `: ${checked.map((d) => d.dir).join(', ')}` : ''}.`;
}

function notChecked(consumers: ConsumersReport): string[] {
  return consumers.dependents
    .filter((d) => !d.checked)
    .map((d) => `${d.dir}: not checked (${d.note ?? 'no reason given'})`);
}

export function formatConsumersText(consumers: ConsumersReport): string {
  const lines = breakLines(consumers);
  return [
    `What breaks here: ${lines.length === 0 ? 'nothing' : plural(lines.length, 'place')}`,
    `  ${checkedLine(consumers)}`,
    ...notChecked(consumers).map((line) => `  ${line}`),
    ...lines.map((line) => `  ${line}`),
    '',
    '',
  ].join('\n');
}

export function formatConsumersMarkdown(consumers: ConsumersReport): string {
  const lines = breakLines(consumers);
  const shown = lines.slice(0, MAX_BREAKS_SHOWN);
  const verdict =
    lines.length === 0
      ? '**Nothing breaks here**: no call site or import stops compiling.'
      : `**${plural(lines.length, 'place')} stop${lines.length === 1 ? 's' : ''} compiling** (call sites and imports, with the drift cause behind each):`;
  return [
    '## What breaks here',
    '',
    checkedLine(consumers),
    ...notChecked(consumers).map((line) => `- ${line}`),
    '',
    verdict,
    ...(shown.length > 0 ? ['', '```', ...shown, '```'] : []),
    ...(lines.length > shown.length
      ? ['', `... and ${lines.length - shown.length} more (\`--format json\` lists every one).`]
      : []),
    '',
    '',
  ].join('\n');
}
