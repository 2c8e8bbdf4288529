/**
 * The pipeline, in memory: reads and joins the documents of spec/, lints them with Redocly,
 * generates path types and friendly aliases, the parameter checks and the fingerprint. All steps
 * run in this one process, parsing each file once. Writing is scripts/pipeline/generate.ts's job.
 *
 * Formatting: generated TypeScript comes out of the TypeScript printer (openapi-typescript's
 * `astToString`) and of our own renderers (scripts/pipeline/render.ts) already in its final form;
 * prettier is not run on it. Measured at 500 operations: prettier took 14.7 s of a 19.5 s run
 * (schema.ts alone 10.4 s).
 */
import path from 'node:path';
import type { Linter } from './lint.ts';
import { fingerprintSpec } from '../../common/canonical.ts';
import { EXIT_CHECK_FAILED, PipelineError, PipelineErrors } from '../lib/errors.ts';
import { listSpecFiles } from '../lib/spec-list.ts';
import {
  NAME_LOCK_FILE,
  decideRemovals,
  goneNamesError,
  readNameLock,
  readNameLockJoin,
  renderNameLock,
  type NameRemoval,
} from './name-lock.ts';
import {
  GENERATED_HEADER,
  GENERATED_README,
  renderAliasesModule,
  renderFingerprintJson,
  renderFingerprintModule,
  renderIndexModule,
  renderOperationMeta,
  renderParameters,
  renderParameterShards,
  renderResponseSchemas,
} from './render.ts';
import { responseSchemas } from './response-schemas.ts';

export interface PipelinePaths {
  /** Repository root; every other path is relative to it. */
  root: string;
  specDir: string;
  outDir: string;
  configFile: string;
}

export const DEFAULT_PATHS: PipelinePaths = {
  root: process.cwd(),
  specDir: 'spec',
  outDir: 'generated',
  configFile: 'redocly.yaml',
};

export interface BuildOptions {
  /** Locked alias names that may be dropped because their target is gone (see name-lock.ts). */
  removeNames?: NameRemoval;
}

export interface StepReport {
  step: string;
  detail: string;
  ms: number;
}

export interface BuildResult {
  /** Output file name (inside generated/) -> content. */
  files: Map<string, string>;
  steps: StepReport[];
  warnings: string[];
  counts: { documents: number; operations: number; schemas: number; aliases: number };
}

/** Said by generate when spec/ declares no `servers` (a release may publish none). */
export const NO_SERVERS_WARNING =
  "spec/ declares no servers: the client's default base URL stays what the package shipped (DEFAULT_BASE_URL in common/base-url.ts); callers of another host pass baseUrl or set FEATHER_BASE_URL";

/** The order steps are listed in (lint and types run at the same time). */
const STEP_ORDER = ['read', 'join', 'lint', 'types'];

/** Lint errors listed in full before the rest are counted (a broken shared part repeats a lot). */
const MAX_LINT_ERRORS_SHOWN = 50;

async function timed<T>(
  steps: StepReport[],
  step: string,
  work: () => Promise<T>,
  detail: (result: T) => string,
): Promise<T> {
  const started = performance.now();
  const result = await work();
  steps.push({ step, detail: detail(result), ms: performance.now() - started });
  return result;
}

/**
 * Runs the whole pipeline in memory. Throws a PipelineError on bad input or lint errors.
 * `specBytes` (file -> content already read) makes it build from exactly the bytes hashed.
 */
export async function buildGenerated(
  paths: PipelinePaths = DEFAULT_PATHS,
  specFiles?: string[],
  specBytes?: ReadonlyMap<string, Uint8Array>,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const { startLinter } = await import('./lint.ts');
  const linter = startLinter(path.join(paths.root, paths.configFile));
  try {
    return await buildWithLinter(paths, linter, specFiles, specBytes, options);
  } finally {
    linter.close();
  }
}

async function buildWithLinter(
  paths: PipelinePaths,
  linter: Linter,
  specFiles: string[] | undefined,
  specBytes: ReadonlyMap<string, Uint8Array> | undefined,
  options: BuildOptions,
): Promise<BuildResult> {
  const { formatLintProblem } = await import('./lint.ts');
  const steps: StepReport[] = [];
  const files = specFiles ?? (await listSpecFiles(paths.specDir, paths.root));
  const { readSpecFile } = await import('../lib/spec-files.ts');
  const sources = await timed(
    steps,
    'read',
    async () => {
      const results = await Promise.allSettled(
        files.map((file) => readSpecFile(file, paths.root, specBytes?.get(file))),
      );
      const failures = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as unknown] : [],
      );
      if (failures.length > 0) {
        const known = failures.filter((f): f is PipelineError => f instanceof PipelineError);
        if (known.length !== failures.length)
          throw failures.find((f) => !(f instanceof PipelineError));
        throw known.length === 1 ? known[0] : new PipelineErrors(known);
      }
      return results.map(
        (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof readSpecFile>>>).value,
      );
    },
    (result) => `${result.length} documents`,
  );
  const { joinDocuments } = await import('./join.ts');
  const { withSourceLines } = await import('../lib/spec-files.ts');
  const joined = await timed(
    steps,
    'join',
    async () => {
      try {
        return joinDocuments(sources);
      } catch (error) {
        if (!(error instanceof PipelineError)) throw error;
        throw withSourceLines(error, new Map(sources.map((source) => [source.file, source.text])));
      }
    },
    (r) => `${r.operationCount} operations, ${r.schemaCount} schemas`,
  );
  const openapiJson = `${JSON.stringify(joined.doc, null, 2)}\n`;

  // The lint runs in a worker thread (started above) while this one generates the types. Its
  // errors, if any, are reported first, as when it ran alone: they explain a failure better.
  const linting = timed(
    steps,
    'lint',
    () => linter.lint(openapiJson, joined.origins, sources),
    (r) =>
      `${r.filter((p) => p.severity === 'error').length} errors, ${r.filter((p) => p.severity === 'warn').length} warnings`,
  );
  const typing = timed(
    steps,
    'types',
    () => generateTypes(joined.doc, paths, options),
    (r) => `paths, components, operations + ${r.aliasCount} aliases`,
  );
  const [linted, typed] = await Promise.allSettled([linting, typing]);
  if (linted.status === 'rejected') throw linted.reason;
  const lintErrors = linted.value.filter((p) => p.severity === 'error');
  if (lintErrors.length > 0) {
    const shown = lintErrors
      .slice(0, MAX_LINT_ERRORS_SHOWN)
      .map((p) => `  ${formatLintProblem(p)}`);
    if (lintErrors.length > shown.length)
      shown.push(`  ... and ${lintErrors.length - shown.length} more`);
    throw new PipelineError(
      `lint found ${lintErrors.length} error(s):\n${shown.join('\n')}`,
      [],
      EXIT_CHECK_FAILED,
    );
  }
  if (typed.status === 'rejected') throw typed.reason;
  const { output, aliasCount } = typed.value;
  const warnings = [...linted.value.map(formatLintProblem), ...typed.value.warnings];
  if (!Array.isArray(joined.doc.servers) || joined.doc.servers.length === 0)
    warnings.push(NO_SERVERS_WARNING);
  steps.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));

  const fingerprint = await fingerprintSpec(joined.doc);
  output.set('openapi.json', openapiJson);
  output.set('fingerprint.json', renderFingerprintJson(fingerprint));
  output.set('fingerprint.ts', renderFingerprintModule(fingerprint));
  output.set('index.ts', renderIndexModule());
  output.set('response-schemas.ts', renderResponseSchemas(responseSchemas(joined.doc)));
  output.set('README.md', GENERATED_README);

  const { escapeUnsafeCharacters } = await import('../../common/unsafe-characters.ts');
  return {
    files: new Map(
      [...output]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, text]) => [name, escapeUnsafeCharacters(text)]),
    ),
    steps,
    warnings,
    counts: {
      documents: sources.length,
      operations: joined.operationCount,
      schemas: joined.schemaCount,
      aliases: aliasCount,
    },
  };
}

/** Output files from the types step, and what it has to say. */
interface TypesResult {
  output: Map<string, string>;
  aliasCount: number;
  warnings: string[];
}

async function generateTypes(
  doc: Record<string, unknown>,
  paths: PipelinePaths,
  options: BuildOptions,
): Promise<TypesResult> {
  const { pathTypes } = await import('./typegen.ts');
  const { aliasCandidates, lockedAliases, renderAliases } = await import('./aliases.ts');
  const previousLock = await readNameLock(paths.root, paths.outDir);
  const { operationShapes, parameterRules } = await import('./parameter-rules.ts');
  const { operationMeta } = await import('./operation-meta.ts');
  const output = new Map<string, string>();
  const warnings: string[] = [];
  const schemas = ((doc.components as Record<string, unknown> | undefined)?.schemas ??
    {}) as Record<string, { title?: unknown }>;
  const { renderOperationFunctions, renderOperationInits } =
    await import('./operation-functions.ts');
  const operations = operationShapes(doc);
  const candidates = aliasCandidates(schemas, operations);
  const known = new Set(
    [...candidates.schemaSide, ...candidates.operationSide, ...candidates.functionSide].map(
      (c) => c.key,
    ),
  );
  // Only a lock with a target gone needs the previous join (a few MB for the whole API).
  const previousDoc = Object.values(previousLock).every((key) => known.has(key))
    ? undefined
    : await readNameLockJoin(paths.root, paths.outDir);
  const { lockKeySuccessors } = await import('./rekeyed.ts');
  const { aliases, functions, lock, gone, followed } = lockedAliases(
    schemas,
    operations,
    previousLock,
    {
      candidates,
      ...(previousDoc ? { follow: (keys) => lockKeySuccessors(previousDoc, doc, keys) } : {}),
    },
  );
  for (const { name, from, to } of followed)
    warnings.push(
      `kept the published name ${name} on ${to}: upstream re-keyed ${from} (same title, same place)`,
    );
  const { removed, blocked, unknown } = decideRemovals(gone, options.removeNames);
  if (unknown.length > 0)
    throw new PipelineError(
      `--remove-name ${unknown.join(', ')}: not a locked name whose target is gone (see ${paths.outDir}/${NAME_LOCK_FILE})`,
    );
  if (blocked.length > 0) throw goneNamesError(paths.outDir, blocked);
  for (const { name, key } of removed)
    warnings.push(`removed the published name ${name} (it named ${key}, gone from spec/)`);
  output.set('schema.ts', `${GENERATED_HEADER}\n${pathTypes(doc)}`);
  output.set('aliases.ts', renderAliasesModule(renderAliases(aliases)));
  output.set(NAME_LOCK_FILE, renderNameLock(lock));
  const rules = parameterRules(doc);
  output.set('parameters.ts', renderParameters(rules));
  const meta = operationMeta(doc);
  output.set('operations.ts', renderOperationMeta(meta));
  for (const [file, text] of renderParameterShards(rules, meta.idempotencyKeyBody))
    output.set(file, text);
  output.set(
    'functions.ts',
    renderOperationFunctions(doc, functions, rules, meta.idempotencyKeyBody, GENERATED_HEADER),
  );
  output.set('inits.ts', renderOperationInits(doc, rules, GENERATED_HEADER));
  for (const skipped of meta.skipped) {
    warnings.push(
      `${skipped}: pages with a cursor but has several array fields, none named items; not paginated by paginate()`,
    );
  }
  return { output, aliasCount: aliases.length, warnings };
}

/** The step list printed by generate and check. */
export function formatSteps(build: BuildResult): string {
  const lines = build.steps.map(
    (s, i) =>
      `  ${i + 1}. ${s.step.padEnd(7)}${s.detail.padEnd(52)}${`${Math.round(s.ms)} ms`.padStart(8)}`,
  );
  for (const warning of build.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}
