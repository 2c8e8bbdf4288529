/**
 * `npm run bench:editor`: how long tsserver (over its stdio protocol, as an editor drives it)
 * takes to complete inside a call's query object, the first time and again, at the size of the
 * whole API: bare openapi-fetch (`createClient<paths>()` over the same generated `paths`), our
 * path style (`feather.GET(path, { params: { query: { | } } })`) and our operation functions
 * (`fn(client, { params: { query: { | } } })`). Each style gets its own tsserver, opened fresh.
 * "load" is the project's loading: opening a file of the app that makes no call (`load.ts`, the
 * same imports and client) and asking its semantic diagnostics, which parses and binds the
 * program (the 2 MB `schema.ts` included) and builds the checker; "first" is then the first
 * completion in `call.ts`, "again" the repeat. The figures are medians of `--rounds` sessions,
 * with ratios to bare from this run.
 *
 * A second call, in fresh sessions too, leaves a required query parameter out (an incomplete
 * init, as while it is typed). Then the checker's instantiations during each first completion,
 * counted in a language service in this process (they do not move with the machine's load).
 *
 * Options: --rounds=N (default 3), --api=<openapi.json> (default Feather's 1.87.0 beside the
 * checkout: ../shared/feather-api/, or FEATHER_API_DIR), --counts-only (no tsserver timing).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { generate } from '../pipeline/generate.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { addClientSources, consumerTsconfig } from '../lib/consumer-project.ts';
import { EXIT_OK, PipelineError } from '../lib/errors.ts';
import { TsServer } from '../lib/tsserver.ts';
import { median } from './types.ts';
import { assertApiDocument, DEFAULT_BENCH_API } from './whole-api.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The goals of issue #19 for the operation functions, in ms. */
const GOAL_FIRST_MS = 50;
const GOAL_AGAIN_MS = 5;
/** Where the completion is asked for: inside the query object. */
const MARKER = 'query: { ';

export type EditorStyle = 'bare' | 'path' | 'function';
export const EDITOR_STYLES: readonly EditorStyle[] = ['bare', 'path', 'function'];

/**
 * The consumer file of `style`: one call of `route`'s GET (function `name`), query left open;
 * without `withCall`, the same imports and client and no call (the file that loads the project).
 */
export function editorSource(
  style: EditorStyle,
  route: string,
  name: string,
  withCall = true,
): string {
  const call = `{ params: { ${MARKER}} } }`;
  switch (style) {
    case 'bare':
      return (
        `import createClient from 'openapi-fetch';\n` +
        `import type { paths } from '../generated/schema.ts';\n` +
        `export const client = createClient<paths>({ baseUrl: 'https://api.example' });\n` +
        (withCall ? `void client.GET(${JSON.stringify(route)}, ${call});\n` : '')
      );
    case 'path':
      return (
        `import { createFeatherClient } from '../src/index.ts';\n` +
        `export const client = createFeatherClient({ apiKey: 'bench' });\n` +
        (withCall ? `void client.GET(${JSON.stringify(route)}, ${call});\n` : '')
      );
    case 'function':
      return (
        `import { createOperationClient${withCall ? `, ${name}` : ''} } from '../src/operations.ts';\n` +
        `export const client = createOperationClient({ apiKey: 'bench' });\n` +
        (withCall ? `void ${name}(client, ${call});\n` : '')
      );
  }
}

/**
 * The first GET (in path order, no path parameter) with a query parameter and no required one,
 * and its function; with `required`, the first whose query has a required parameter instead (the
 * call then leaves it out: the init is incomplete, as while it is being typed).
 */
export function pickOperation(
  doc: { paths?: Record<string, Record<string, unknown>> },
  names: ReadonlyMap<string, string>,
  required = false,
): { route: string; name: string } {
  for (const [route, item] of Object.entries(doc.paths ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const get = item['get'] as
      { operationId?: string; parameters?: { in?: string; required?: boolean }[] } | undefined;
    const parameters = get?.parameters ?? [];
    if (!get?.operationId || !names.has(get.operationId) || route.includes('{')) continue;
    const picked = required
      ? parameters.some((p) => p.in === 'query' && p.required)
      : parameters.some((p) => p.in === 'query') && !parameters.some((p) => p.required);
    if (picked) return { route, name: names.get(get.operationId)! };
  }
  throw new PipelineError(
    `no GET with ${required ? 'a required' : 'an optional'} query and no path parameter in the document`,
  );
}

/** One session's figures, in ms. */
export interface EditorTimes {
  load: number;
  first: number;
  again: number;
}

/**
 * Milliseconds of loading the project (opening `load` and checking it), then of the first
 * completion in `file` and of the next one.
 */
async function timeCompletions(root: string, load: string, file: string): Promise<EditorTimes> {
  const server = new TsServer(root);
  try {
    let started = performance.now();
    await server.open(load);
    const problems = await server.semanticDiagnostics(load);
    const loadMs = performance.now() - started;
    if (problems.length > 0)
      throw new PipelineError(`${load} does not type-check: ${problems.join('; ')}`);
    await server.open(file);
    started = performance.now();
    const first = await server.completionsAfter(file, MARKER);
    const firstMs = performance.now() - started;
    started = performance.now();
    const again = await server.completionsAfter(file, MARKER);
    const againMs = performance.now() - started;
    if (!first.names?.length || !again.names?.length)
      throw new PipelineError(`tsserver completed nothing in ${file}`);
    return { load: loadMs, first: firstMs, again: againMs };
  } finally {
    server.close();
  }
}

export function parseEditorBenchArgs(argv: string[]): {
  rounds: number;
  api: string;
  countsOnly: boolean;
} {
  const options = { rounds: 3, api: DEFAULT_BENCH_API, countsOnly: false };
  for (const arg of argv) {
    if (arg === '--counts-only') {
      options.countsOnly = true;
    } else if (arg.startsWith('--rounds=')) {
      const rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1)
        throw new PipelineError(`--rounds must be a whole number from 1, got ${arg}`);
      options.rounds = rounds;
    } else if (arg.startsWith('--api=') && arg.length > '--api='.length) {
      options.api = path.resolve(arg.slice('--api='.length));
    } else {
      throw new PipelineError(
        `unknown argument ${arg} (expected --rounds=N, --api=<file>, --counts-only)`,
      );
    }
  }
  return options;
}

export async function benchEditorCommand(argv: string[]): Promise<number> {
  const options = parseEditorBenchArgs(argv);
  assertApiDocument(options.api);
  const root = await mkdtemp(path.join(tmpdir(), 'feather-bench-editor-'));
  try {
    await mkdir(path.join(root, 'spec'));
    await cp(options.api, path.join(root, 'spec', 'openapi.json'));
    await cp(path.join(ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
    await addClientSources(root);
    await generate(
      { root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' },
      true,
    );
    const lock = JSON.parse(
      await readFile(path.join(root, 'generated', 'names.lock.json'), 'utf8'),
    ) as { names: Record<string, string> };
    const names = new Map(
      Object.entries(lock.names)
        .filter(([, key]) => key.endsWith(':function'))
        .map(([name, key]) => [key.slice('operation:'.length, -':function'.length), name]),
    );
    const doc = JSON.parse(await readFile(options.api, 'utf8')) as Parameters<
      typeof pickOperation
    >[0];
    const { route, name } = pickOperation(doc, names);
    const incomplete = pickOperation(doc, names, true);
    console.log(
      `bench:editor: ${options.api}, GET ${route} (${name}); incomplete: GET ${incomplete.route} ` +
        `(${incomplete.name}, required query left empty); ${options.rounds} rounds`,
    );
    const samples = emptySamples();
    const incompleteSamples = emptySamples();
    const counts = {} as Record<EditorStyle, { optional: number; incomplete: number }>;
    for (const style of EDITOR_STYLES) {
      const dir = path.join(root, `app-${style}`);
      await mkdir(dir);
      await writeFile(
        path.join(dir, 'tsconfig.json'),
        consumerTsconfig({ include: ['*.ts'] }, { sources: true }),
      );
      await writeFile(path.join(dir, 'call.ts'), editorSource(style, route, name));
      await writeFile(path.join(dir, 'load.ts'), editorSource(style, route, name, false));
      await writeFile(
        path.join(dir, 'incomplete.ts'),
        editorSource(style, incomplete.route, incomplete.name),
      );
      counts[style] = {
        optional: countCompletion(dir, 'call.ts'),
        incomplete: countCompletion(dir, 'incomplete.ts'),
      };
    }
    for (let round = 0; round < (options.countsOnly ? 0 : options.rounds); round++) {
      for (const style of EDITOR_STYLES) {
        const dir = path.join(root, `app-${style}`);
        const timed = await timeCompletions(
          root,
          path.join(dir, 'load.ts'),
          path.join(dir, 'call.ts'),
        );
        samples[style].load.push(timed.load);
        samples[style].first.push(timed.first);
        samples[style].again.push(timed.again);
        const untimed = await timeCompletions(
          root,
          path.join(dir, 'load.ts'),
          path.join(dir, 'incomplete.ts'),
        );
        incompleteSamples[style].load.push(untimed.load);
        incompleteSamples[style].first.push(untimed.first);
        incompleteSamples[style].again.push(untimed.again);
      }
    }
    if (!options.countsOnly) for (const line of formatEditor(samples)) console.log(line);
    if (!options.countsOnly)
      console.log('  an incomplete init (a required query left empty), fresh sessions:');
    if (!options.countsOnly)
      for (const line of formatEditor(incompleteSamples).slice(EDITOR_STYLES.length))
        console.log(line);
    console.log(
      '  checker instantiations during the first completion (in-process language service; not timed):',
    );
    for (const style of EDITOR_STYLES)
      console.log(
        `  ${style.padEnd(10)}optional ${String(counts[style].optional).padStart(7)}` +
          `   incomplete ${String(counts[style].incomplete).padStart(7)}`,
      );
    return EXIT_OK;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function emptySamples(): Record<EditorStyle, EditorSamples> {
  return {
    bare: { load: [], first: [], again: [] },
    path: { load: [], first: [], again: [] },
    function: { load: [], first: [], again: [] },
  };
}

/** The checker's internal counters (on every `TypeChecker`, not in its declared type). */
type CountingChecker = ts.TypeChecker & { getInstantiationCount(): number };

/**
 * How many types the checker instantiates for the first completion after `MARKER` in `file` of
 * the app in `dir`: a language service in this process over the app's tsconfig, its checker
 * built first (semantic diagnostics of `load.ts`), as tsserver's is before the completion. The
 * count does not move with the machine's load.
 */
export function countCompletion(dir: string, file: string): number {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new PipelineError(`cannot read ${dir}/tsconfig.json`);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => config.fileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  try {
    service.getSemanticDiagnostics(path.join(dir, 'load.ts'));
    const checker = service.getProgram()!.getTypeChecker() as CountingChecker;
    const target = path.join(dir, file);
    const text = ts.sys.readFile(target)!;
    const before = checker.getInstantiationCount();
    const answer = service.getCompletionsAtPosition(
      target,
      text.indexOf(MARKER) + MARKER.length,
      {},
    );
    if (!answer?.entries.length) throw new PipelineError(`nothing completed in ${target}`);
    return checker.getInstantiationCount() - before;
  } finally {
    service.dispose();
  }
}

/** Each session's figures of one style, in ms. */
export interface EditorSamples {
  load: number[];
  first: number[];
  again: number[];
}

/**
 * One line per style for the project's load, then one per style for the completions: medians of
 * first and again, each with its ratio to bare.
 */
export function formatEditor(samples: Record<EditorStyle, EditorSamples>): string[] {
  const bareLoad = median(samples.bare.load);
  const bareFirst = median(samples.bare.first);
  const bareAgain = median(samples.bare.again);
  const loads = EDITOR_STYLES.map((style) => {
    const load = median(samples[style].load);
    return `  ${style.padEnd(10)}load  ${`${load.toFixed(1)} ms`.padStart(10)} (x${(load / bareLoad).toFixed(2)})   (the project, before any completion)`;
  });
  return loads.concat(
    EDITOR_STYLES.map((style) => {
      const first = median(samples[style].first);
      const again = median(samples[style].again);
      const goal =
        style === 'function'
          ? `   (goal first <= ${GOAL_FIRST_MS} ms, again <= ${GOAL_AGAIN_MS} ms)`
          : style === 'path'
            ? '   (goal: ratios <= 1.00)'
            : '';
      return (
        `  ${style.padEnd(10)}first ${`${first.toFixed(1)} ms`.padStart(10)} (x${(first / bareFirst).toFixed(2)})` +
        `   again ${`${again.toFixed(1)} ms`.padStart(9)} (x${(again / bareAgain).toFixed(2)})${goal}`
      );
    }),
  );
}

if (isEntryPoint(import.meta.url)) await runCommand(benchEditorCommand);
