/**
 * Lints the joined document with Redocly (`redocly.yaml`) in this process, and points every
 * problem at the file and line in `spec/` it came from.
 */
import {
  BaseResolver,
  Source,
  lintDocument,
  loadConfig,
  type NormalizedProblem,
} from '@redocly/openapi-core';
import { originOf } from './join.ts';
import { formatPlace, type SourcePlace } from '../lib/errors.ts';
import { locatePointer, type SpecSource } from '../lib/spec-files.ts';

export interface LintProblem {
  severity: 'error' | 'warn';
  ruleId: string;
  message: string;
  place: SourcePlace;
}

/** Lints `joined` and maps each problem to its source file and line. */
export async function lintJoined(
  joined: Record<string, unknown>,
  joinedText: string,
  origins: ReadonlyMap<string, string>,
  sources: readonly SpecSource[],
  configPath = 'redocly.yaml',
): Promise<LintProblem[]> {
  const config = await loadConfig({ configPath });
  const document = {
    source: new Source('generated/openapi.json', joinedText, 'application/json'),
    parsed: joined,
  };
  const problems = await lintDocument({
    document,
    config,
    externalRefResolver: new BaseResolver(),
  });
  const textOf = new Map(sources.map((source) => [source.file, source.text]));
  return problems
    .filter((problem) => !problem.ignored)
    .map((problem) => toLintProblem(problem, origins, textOf, sources[0]?.file ?? 'spec/'));
}

function toLintProblem(
  problem: NormalizedProblem,
  origins: ReadonlyMap<string, string>,
  textOf: ReadonlyMap<string, string>,
  fallbackFile: string,
): LintProblem {
  const pointer = problem.location[0]?.pointer ?? '#/';
  const file = originOf(origins, pointer, fallbackFile);
  const text = textOf.get(file);
  const position = text === undefined ? {} : locatePointer(text, pointer);
  return {
    severity: problem.severity === 'error' ? 'error' : 'warn',
    ruleId: problem.ruleId,
    message: problem.message,
    place: { file, ...position, pointer },
  };
}

/** One line per problem: `spec/a.yaml:12:5 (#/paths/...) error rule-id: message`. */
export function formatLintProblem(problem: LintProblem): string {
  return `${formatPlace(problem.place)} ${problem.severity} ${problem.ruleId}: ${problem.message}`;
}
