/**
 * Lints the joined document with Redocly (`redocly.yaml`) in a worker thread
 * (scripts/pipeline/lint-worker.mjs), and points every problem at the file and line in `spec/` it
 * came from. The worker lets the lint (~1.5 s on the whole API, mostly Redocly's cold walk) run
 * while this thread generates the types.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { originOf } from './join.ts';
import { PipelineError, formatPlace, type SourcePlace } from '../lib/errors.ts';
import { locatePointer, type SpecSource } from '../lib/spec-files.ts';

export interface LintProblem {
  severity: 'error' | 'warn';
  ruleId: string;
  message: string;
  place: SourcePlace;
}

/** What the worker reports of one problem. */
interface WorkerProblem {
  severity: string;
  ruleId: string;
  message: string;
  pointer: string;
}

/** Redocly's problems in the joined document (its JSON text), found in a worker thread. */
function lintInWorker(joinedText: string, configPath: string): Promise<WorkerProblem[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./lint-worker.mjs', import.meta.url), {
      workerData: { text: joinedText, configPath },
    });
    worker.once('message', (reply: { problems?: WorkerProblem[]; error?: string }) => {
      if (reply.problems) resolve(reply.problems);
      // A config Redocly cannot load is bad input: named, with Redocly's reason, and no stack.
      else reject(new PipelineError(`${path.relative(process.cwd(), configPath)}: ${reply.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
}

/** Lints the joined document (its JSON text) and maps each problem to its source file and line. */
export async function lintJoined(
  joinedText: string,
  origins: ReadonlyMap<string, string>,
  sources: readonly SpecSource[],
  configPath = 'redocly.yaml',
): Promise<LintProblem[]> {
  const problems = await lintInWorker(joinedText, configPath);
  const textOf = new Map(sources.map((source) => [source.file, source.text]));
  return problems.map((problem) =>
    toLintProblem(problem, origins, textOf, sources[0]?.file ?? 'spec/'),
  );
}

function toLintProblem(
  problem: WorkerProblem,
  origins: ReadonlyMap<string, string>,
  textOf: ReadonlyMap<string, string>,
  fallbackFile: string,
): LintProblem {
  const pointer = problem.pointer;
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
