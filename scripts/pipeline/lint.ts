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

/** A lint worker, started before there is anything to lint. */
export interface Linter {
  /** Lints the joined document (its JSON text); maps each problem to its file and line. */
  lint(
    joinedText: string,
    origins: ReadonlyMap<string, string>,
    sources: readonly SpecSource[],
  ): Promise<LintProblem[]>;
  /** Stops the worker (a build that failed before linting must not wait for it). */
  close(): void;
}

/**
 * Starts the lint worker, which loads Redocly and `configPath` at once. It ends by itself once it
 * has replied; `close()` ends it sooner.
 */
export function startLinter(configPath: string): Linter {
  const worker = new Worker(new URL('./lint-worker.mjs', import.meta.url), {
    workerData: { configPath },
  });
  const reply = new Promise<WorkerProblem[]>((resolve, reject) => {
    worker.once('message', (message: { problems?: WorkerProblem[]; error?: string }) => {
      if (message.problems) resolve(message.problems);
      // A config Redocly cannot load is bad input: named, with Redocly's reason, and no stack.
      else
        reject(new PipelineError(`${path.relative(process.cwd(), configPath)}: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`lint worker exited with code ${code}`)));
  });
  reply.catch(() => undefined);
  return {
    async lint(joinedText, origins, sources) {
      worker.postMessage(joinedText);
      const problems = await reply;
      const textOf = new Map(sources.map((source) => [source.file, source.text]));
      return problems.map((problem) =>
        toLintProblem(problem, origins, textOf, sources[0]?.file ?? 'spec/'),
      );
    },
    close() {
      void worker.terminate();
    },
  };
}

/** Lints the joined document (its JSON text) with a worker of its own. */
export function lintJoined(
  joinedText: string,
  origins: ReadonlyMap<string, string>,
  sources: readonly SpecSource[],
  configPath = 'redocly.yaml',
): Promise<LintProblem[]> {
  const linter = startLinter(configPath);
  return linter.lint(joinedText, origins, sources).finally(() => linter.close());
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
