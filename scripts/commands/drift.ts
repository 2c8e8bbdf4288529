/**
 * `npm run drift -- [--against <file | url | doc page>] [--format text|json|markdown]
 * [--fail-on any|warning|breaking|consumers] [--header 'Name: value']... [--output FILE] [--max-chars N]
 * [--whole-report <where>] [--timeout <ms>] [--update-spec] [--consumers | --no-consumers]`: compares the pinned API (spec/, joined) with another
 * version of it and prints the change report. Inside a workspace (or with `--consumers`) it also
 * type-checks the members that depend on the package against the regenerated client and heads
 * the report with what breaks there (scripts/consumers/). The diff and its rules live in src/drift/; this
 * file reads the two sides and turns the outcome into an exit code. What only some runs need
 * (YAML, doc pages, the pipeline's join and names, writing files) is imported when needed, so
 * that `--help` and a run on JSON files start in well under a second.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SHARED_TOP_LEVEL_FIELDS, canonicalJson } from '../../common/canonical.ts';
import { isDict } from '../../common/json.ts';
import { escapeUnsafeCharacters } from '../../common/unsafe-characters.ts';
import { urlForMessages } from '../../common/url-for-messages.ts';
import {
  DriftInputError,
  asOpenApi3,
  diffDocuments,
  fetchSpecText,
  formatReport,
  listOperations,
  pairOperations,
  restrictToOperations,
  PULL_REQUEST_BODY_MAX_CHARS,
  STEP_SUMMARY_MAX_CHARS,
  type Dict,
  type DriftReport,
  type ExportedNamesOf,
  type MarkdownOptions,
  type ReportContext,
  type ReportFormat,
} from '../../src/drift/index.ts';
import type { ConsumersReport } from '../consumers/check.ts';
import { formatConsumersMarkdown, formatConsumersText } from '../consumers/report.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, PipelineError } from '../lib/errors.ts';
import { listSpecFiles } from '../lib/spec-list.ts';
import type { SpecSource } from '../lib/spec-files.ts';
import type { NameLock } from '../pipeline/aliases.ts';

/** Where the default `--against` and the fetch timeout are configured. */
export const CONFIG_FILE = 'feather.config.json';
/** How long fetching the other side may take when neither flag nor config says. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

export interface DriftConfig {
  /** The default `--against`: Feather's published spec. */
  upstream?: string;
  timeoutMs?: number;
}

/** Largest feather.config.json read (it holds a few settings). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * Reads the `drift` block of feather.config.json under `root` (absent file: empty config): a
 * regular file, at most MAX_CONFIG_FILE_BYTES, UTF-8; else a PipelineError naming it (exit 2).
 */
export async function readDriftConfig(root: string): Promise<DriftConfig> {
  const file = path.join(root, CONFIG_FILE);
  const { decodeSpecBytes, readRegularFileWithin } = await import('../lib/spec-limits.ts');
  let bytes: Buffer;
  try {
    // Bounded, and a FIFO or device refused before it is opened (it would block or never end).
    bytes = await readRegularFileWithin(file, {
      give: `a JSON file as ${CONFIG_FILE}`,
      tooLarge: (size) => {
        if (size > MAX_CONFIG_FILE_BYTES)
          throw new PipelineError(
            `larger than ${MAX_CONFIG_FILE_BYTES} bytes (MAX_CONFIG_FILE_BYTES): not a config file`,
            [{ file: CONFIG_FILE }],
          );
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    if (error instanceof PipelineError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    throw new PipelineError(`cannot read it (${code ?? message})`, [{ file: CONFIG_FILE }]);
  }
  const text = decodeSpecBytes(CONFIG_FILE, bytes);
  const { parseSpecText } = await import('../lib/spec-text.ts');
  const parsed = parseSpecText(CONFIG_FILE, text) as { drift?: DriftConfig } | null;
  const drift = parsed?.drift ?? {};
  if (drift.upstream !== undefined && typeof drift.upstream !== 'string')
    throw new PipelineError('drift.upstream must be a string (a file path or URL)', [
      { file: CONFIG_FILE },
    ]);
  if (drift.timeoutMs !== undefined && !(Number.isInteger(drift.timeoutMs) && drift.timeoutMs > 0))
    throw new PipelineError('drift.timeoutMs must be a positive integer (milliseconds)', [
      { file: CONFIG_FILE },
    ]);
  return drift;
}

/** The other side, read: its document and, for a doc page, the operations it covers. */
export interface OtherSide {
  doc: Dict;
  /** Set when the source was a documentation page: compare only its operations. */
  pageOperations?: string[];
}

const isUrl = (source: string): boolean => /^https?:\/\//i.test(source);

/** The other side as messages and the report name it: a URL without its secrets (a query token). */
const sourceForMessages = (source: string): string =>
  isUrl(source) ? urlForMessages(source) : source;

/** True when a text is a documentation page (markdown with an embedded block), not a spec. */
function looksLikePage(source: string, text: string): boolean {
  if (/\.mdx?$/i.test(new URL(source, 'file:///').pathname)) return true;
  if (/^\s*[{[]/.test(text) || /^(openapi|swagger)\s*:/m.test(text)) return false;
  return /^ {0,3}(```|~~~)/m.test(text);
}

/** Parses a spec or doc-page text into an OpenAPI 3.x document. Throws naming the source. */
export async function readOtherSide(source: string, text: string): Promise<OtherSide> {
  const [{ parseSpecText }, { checkParsedShape }] = await Promise.all([
    import('../lib/spec-text.ts'),
    import('../lib/spec-limits.ts'),
  ]);
  if (looksLikePage(source, text)) {
    const { extractOpenApi } = await import('../ingest/page.ts');
    const { yaml } = extractOpenApi(source, text);
    const parsed = parseSpecText(`${source}#openapi.yaml`, yaml);
    checkParsedShape(source, parsed);
    const doc = asOpenApi3(source, parsed);
    return { doc, pageOperations: [...listOperations(doc).keys()] };
  }
  const asJson = /^\s*[{[]/.test(text);
  const parseName = asJson && !/\.json$/i.test(source) ? `${source}#.json` : source;
  let parsed: unknown;
  try {
    parsed = parseSpecText(parseName, text);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    throw new PipelineError(
      `${error.message.replace(`${parseName}`, source)} (not valid YAML or JSON)`,
    );
  }
  // A YAML alias bomb is refused as generate refuses it, before the diff walks it out in full.
  if (!asJson) checkParsedShape(source, parsed);
  return { doc: asOpenApi3(source, parsed) };
}

/** Reads a file or fetches a URL (with a timeout), then parses it. */
export async function loadOtherSide(
  source: string,
  options: {
    root: string;
    timeoutMs: number;
    fetch?: typeof globalThis.fetch;
    headers?: Record<string, string>;
  },
): Promise<OtherSide> {
  let text: string;
  if (isUrl(source)) {
    text = await fetchSpecText(source, {
      timeoutMs: options.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
  } else {
    const { decodeSpecBytes, readSpecBytes } = await import('../lib/spec-limits.ts');
    try {
      // Bounded (MAX_SPEC_FILE_BYTES), a regular file only and UTF-8, as for spec files.
      text = decodeSpecBytes(source, await readSpecBytes(source, options.root));
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'a directory, not a file'
            : (code ?? (error as Error).message);
      throw new PipelineError(`cannot read the other side: ${why}`, [{ file: source }]);
    }
  }
  return await readOtherSide(sourceForMessages(source), text);
}

/**
 * The pinned API: spec/ under `root`, joined. When `generate`'s stamp still holds (spec/, the
 * lint config and the generator unchanged since generated/ was written), generated/openapi.json
 * is that very join: one parse instead of hundreds and a join. Otherwise the files, as read for
 * the stamp (scripts/pipeline/stamp.ts `currentInputs`, as generate reads them), are joined here.
 */
export async function loadPinned(root: string, specDir = 'spec'): Promise<Dict> {
  const { currentInputs, stampStillHolds } = await import('../pipeline/stamp.ts');
  const outDir = path.join(root, 'generated');
  const inputs = await currentInputs({
    root,
    specDir,
    outDir: 'generated',
    configFile: 'redocly.yaml',
  });
  if (inputs.specFiles.length > 0 && (await stampStillHolds(outDir, inputs.hash)))
    return JSON.parse(await readFile(path.join(outDir, 'openapi.json'), 'utf8')) as Dict;
  const [{ readSpecFile }, { joinDocuments }] = await Promise.all([
    import('../lib/spec-files.ts'),
    import('../pipeline/join.ts'),
  ]);
  // From the bytes already read and hashed, not read a second time.
  const sources = await Promise.all(
    inputs.specFiles.map((file) => readSpecFile(file, root, inputs.specBytes.get(file))),
  );
  // join checks its input (a JSON document) and returns it unchanged in kind.
  return joinDocuments(sources).doc as Dict;
}

/**
 * A spec file whose operation is gone upstream keeps its operation (the report flags it as
 * breaking, for a person to decide), but takes upstream's shared parts, top-level fields and
 * the components upstream still has, so that `join` still agrees with the rewritten files.
 */
function withUpstreamSharedParts(doc: Dict, other: Dict): Dict {
  const next: Dict = { ...doc };
  for (const key of SHARED_TOP_LEVEL_FIELDS) {
    if (other[key] === undefined) delete next[key];
    else next[key] = other[key]!;
  }
  const mine = isDict(doc.components) ? doc.components : {};
  const theirs = isDict(other.components) ? other.components : {};
  const components: Dict = {};
  for (const [section, entries] of Object.entries(mine)) {
    const upstreamSection = isDict(theirs[section]) ? theirs[section] : {};
    components[section] = Object.fromEntries(
      Object.entries(isDict(entries) ? entries : {}).map(([name, value]) => [
        name,
        upstreamSection[name] ?? value,
      ]),
    );
  }
  if (doc.components !== undefined) next.components = components;
  return next;
}

/**
 * Rewrites each spec file from `other`: the file's operations (matched as the diff matches them,
 * so one moved to another path takes its new path) plus what they reach. A file whose
 * operation is gone upstream keeps it and takes only upstream's shared parts. With
 * `only` (a doc page), files with an operation outside it are left alone. Returns the files
 * written and those whose operation is gone.
 */
export async function updateSpecFiles(
  root: string,
  other: Dict,
  options: { specDir?: string; only?: string[] } = {},
): Promise<{ written: string[]; gone: string[] }> {
  const [{ readSpecFile }, { writeFileAtomic }, { stringify }] = await Promise.all([
    import('../lib/spec-files.ts'),
    import('../lib/fs-atomic.ts'),
    import('yaml'),
  ]);
  const upstream = listOperations(other);
  const written: string[] = [];
  const gone: string[] = [];
  for (const file of await listSpecFiles(options.specDir ?? 'spec', root)) {
    const source: SpecSource = await readSpecFile(file, root);
    const doc = source.doc as Dict;
    const operations = [...listOperations(doc).keys()];
    // Upstream's key for each of ours: the same, or where the same operationId moved to.
    const { pairs } = pairOperations(listOperations(doc), upstream, () => true);
    const theirs = new Map(pairs.map(([mine, other]) => [mine.key, other.key]));
    const inScope = (key: string): boolean =>
      !options.only || options.only.includes(key) || options.only.includes(theirs.get(key) ?? '');
    if (!operations.every(inScope)) continue;
    let next: Dict;
    if (operations.length > 0 && operations.every((key) => theirs.has(key))) {
      next = restrictToOperations(
        other,
        operations.map((key) => theirs.get(key)!),
      );
    } else {
      gone.push(file);
      next = withUpstreamSharedParts(doc, other);
    }
    if (canonicalJson(next) === canonicalJson(doc)) continue;
    const text = /\.json$/i.test(file)
      ? `${JSON.stringify(next, null, 2)}\n`
      : stringify(next, { lineWidth: 0 });
    await writeFileAtomic(path.join(root, file), text);
    written.push(file);
  }
  return { written, gone };
}

export interface DriftCommandDeps {
  root: string;
  fetch?: typeof globalThis.fetch;
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = `usage: npm run drift -- [--against <file | url | doc page>] [--format text|json|markdown]
       [--fail-on any|warning|breaking|consumers] [--header 'Name: value']... [--output FILE]
       [--max-chars N] [--whole-report <where>] [--timeout <ms>] [--update-spec]
       [--consumers | --no-consumers]`;

/**
 * Which changes fail the check: all, warnings and breaking ones, breaking ones only, or only a
 * call site or import of a workspace member that stops compiling (`consumers`).
 */
export type FailOn = 'any' | 'warning' | 'breaking' | 'consumers';
const FAIL_ON: readonly FailOn[] = ['any', 'warning', 'breaking', 'consumers'];

/** Exit code for a report: 1 when a change the `failOn` level counts was found. */
export function driftExitCode(
  report: DriftReport,
  failOn: FailOn,
  consumers?: { breaks: number },
): number {
  if (failOn === 'consumers') return (consumers?.breaks ?? 0) > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  // Operations upstream that we do not pin are listed, never failed on: against the whole
  // published API there are always some, and they change nothing in the client.
  const counted = report.changes.filter((change) => change.id !== 'operation-added');
  const failing =
    failOn === 'breaking'
      ? counted.filter((change) => change.level === 'breaking')
      : failOn === 'warning'
        ? counted.filter((change) => change.level !== 'info')
        : counted;
  return failing.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/**
 * `--header 'Name: value'` flags as headers for a private upstream. A problem names the flag by
 * its place and the header by its name, never its value (it is often a token).
 */
export function parseHeaderFlags(flags: readonly string[]): {
  headers: Record<string, string>;
  problems: string[];
} {
  const headers: Record<string, string> = {};
  const problems: string[] = [];
  flags.forEach((flag, index) => {
    const colon = flag.indexOf(':');
    const name = colon > 0 ? flag.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      problems.push(
        `--header #${index + 1} must be 'Name: value' with a header name before the colon`,
      );
    else headers[name] = flag.slice(colon + 1).trim();
  });
  return { headers, problems };
}

/**
 * The exported names (generated/aliases.ts) a regeneration from a document would write, as the
 * pipeline derives them under `lock` (generated/names.lock.json), and without it. Loaded when
 * needed. `lockJoin` is the join the lock was written from (generated/openapi.json): generate
 * looks there for a re-keyed target, so drift does too, on both sides; spec/ is that join only
 * until `--update-spec` rewrites it, and following from spec/ then finds nothing and reports as
 * gone a name that generate keeps. Without it, the engine's `previous` (the pinned side).
 */
export async function pipelineExportedNames(
  lock: Readonly<NameLock>,
  lockJoin?: Dict,
): Promise<ExportedNamesOf> {
  const [{ aliasCandidates, lockedAliases }, { operationShapes }, { lockKeySuccessors }] =
    await Promise.all([
      import('../pipeline/aliases.ts'),
      import('../pipeline/parameter-rules.ts'),
      import('../pipeline/rekeyed.ts'),
    ]);
  return (doc, pinned) => {
    const previous = lockJoin ?? pinned;
    const components = isDict(doc.components) ? doc.components : {};
    const schemas = (isDict(components.schemas) ? components.schemas : {}) as Record<
      string,
      { title?: unknown }
    >;
    const operations = operationShapes(doc);
    const candidates = aliasCandidates(schemas, operations);
    const locked = lockedAliases(schemas, operations, lock, {
      candidates,
      ...(previous ? { follow: (keys) => lockKeySuccessors(previous, doc, keys) } : {}),
    });
    const unlocked = lockedAliases(schemas, operations, {}, { candidates }).lock;
    return {
      followed: new Map(locked.followed.map(({ name, from, to }) => [name, { from, to }])),
      names: new Map([
        ...locked.aliases.map(
          (alias) => [alias.name, { target: alias.target, key: locked.lock[alias.name]! }] as const,
        ),
        ...locked.functions.map(
          (fn) =>
            [
              fn.name,
              { target: `operation ${fn.operationId}`, key: locked.lock[fn.name]! },
            ] as const,
        ),
      ]),
      gone: new Set(locked.gone.map((entry) => entry.name)),
      unlocked: new Map(Object.entries(unlocked).map(([name, key]) => [key, name])),
    };
  };
}

/** The pinned tree's name lock (empty when there is none yet) and the join it was written from. */
async function readPinnedNameLock(
  root: string,
): Promise<{ lock: NameLock; join: Dict | undefined }> {
  const { readNameLock, readNameLockJoin } = await import('../pipeline/name-lock.ts');
  const [lock, join] = await Promise.all([
    readNameLock(root, 'generated'),
    readNameLockJoin(root, 'generated'),
  ]);
  return { lock, join: join as Dict | undefined };
}

/**
 * The workspace check (scripts/consumers/): run when asked, or by default when the package sits
 * in a workspace; never with `--no-consumers`. Asked for outside a workspace, an error.
 */
async function consumersOf(
  root: string,
  report: DriftReport,
  other: OtherSide,
  want: { asked: boolean; refused: boolean; warn: (text: string) => void },
): Promise<ConsumersReport | undefined> {
  if (want.refused) return undefined;
  const { checkConsumers } = await import('../consumers/check.ts');
  const only = other.pageOperations ? { only: other.pageOperations } : {};
  let consumers: ConsumersReport | undefined;
  try {
    consumers = await checkConsumers({
      root,
      report,
      rewriteSpec: (tempRoot) => updateSpecFiles(tempRoot, other.doc, only),
    });
  } catch (error) {
    // By default the drift report still stands when the workspace check cannot run (the other
    // side does not regenerate: a lint error upstream); asked for, it fails the run.
    if (want.asked || !(error instanceof PipelineError)) throw error;
    want.warn(
      `warning: the workspace check (--consumers) could not run, so the report says nothing of what breaks here: ${escapeUnsafeCharacters(error.message)}\n`,
    );
    return undefined;
  }
  if (consumers === undefined && want.asked)
    throw new PipelineError(
      `--consumers: ${root} is in no workspace (no package.json \`workspaces\` or pnpm-workspace.yaml above it listing it)`,
    );
  return consumers;
}

/**
 * The report with the workspace's "What breaks here" heading it (markdown, text), or as its
 * `consumers` field (JSON). The markdown's bound covers both.
 */
function formatWithConsumers(
  report: DriftReport,
  format: ReportFormat,
  context: ReportContext,
  options: MarkdownOptions,
  consumers: ConsumersReport | undefined,
): string {
  if (consumers === undefined) return formatReport(report, format, context, options);
  if (format === 'json') {
    const whole = JSON.parse(formatReport(report, 'json', context)) as Dict;
    return `${JSON.stringify({ ...whole, consumers }, null, 2)}\n`;
  }
  const head =
    format === 'markdown' ? formatConsumersMarkdown(consumers) : formatConsumersText(consumers);
  const maxChars = options.maxChars ?? PULL_REQUEST_BODY_MAX_CHARS;
  return `${head}${formatReport(report, format, context, { ...options, maxChars: maxChars - head.length })}`;
}

export async function driftCommand(
  argv: string[],
  deps: DriftCommandDeps = {
    root: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        against: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'any' },
        header: { type: 'string', multiple: true, default: [] },
        output: { type: 'string' },
        'whole-report': { type: 'string' },
        'max-chars': { type: 'string' },
        timeout: { type: 'string' },
        'update-spec': { type: 'boolean', default: false },
        consumers: { type: 'boolean' },
        'no-consumers': { type: 'boolean' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    deps.out(`${USAGE}\n`);
    return EXIT_OK;
  }
  const format = values.format as ReportFormat;
  const failOn = values['fail-on'] as FailOn;
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  const maxChars = values['max-chars'] === undefined ? undefined : Number(values['max-chars']);
  const { headers, problems: headerProblems } = parseHeaderFlags(values.header);
  const problems = [
    !['text', 'json', 'markdown'].includes(format) &&
      `--format must be text, json or markdown (got '${format}')`,
    !FAIL_ON.includes(failOn) &&
      `--fail-on must be any, warning, breaking or consumers (got '${failOn}')`,
    values.consumers &&
      values['no-consumers'] &&
      '--consumers and --no-consumers cannot both be given',
    failOn === 'consumers' &&
      values['no-consumers'] &&
      '--fail-on consumers needs the workspace check: drop --no-consumers',
    timeout !== undefined &&
      !(Number.isInteger(timeout) && timeout > 0) &&
      `--timeout must be a positive number of milliseconds (got '${values.timeout}')`,
    maxChars !== undefined &&
      !(Number.isInteger(maxChars) && maxChars >= 2_000 && maxChars <= STEP_SUMMARY_MAX_CHARS) &&
      `--max-chars must be a whole number from 2000 to ${STEP_SUMMARY_MAX_CHARS} (got '${values['max-chars']}')`,
    ...headerProblems,
  ].filter(Boolean);
  // One `error:` line a problem: runCommand writes the first one's.
  if (problems.length > 0) throw new PipelineError(`${problems.join('\nerror: ')}\n${USAGE}`);

  try {
    const config = await readDriftConfig(deps.root);
    const against = values.against ?? config.upstream;
    if (!against)
      throw new PipelineError(
        `no --against given and no drift.upstream in ${CONFIG_FILE}\n${USAGE}`,
      );
    const [pinned, other] = await Promise.all([
      loadPinned(deps.root),
      loadOtherSide(against, {
        root: deps.root,
        timeoutMs: timeout ?? config.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(values.header.length > 0 ? { headers } : {}),
      }),
    ]);
    const report = diffDocuments(
      { doc: pinned, name: 'spec/' },
      { doc: other.doc, name: sourceForMessages(against) },
      other.pageOperations
        ? { only: other.pageOperations }
        : await readPinnedNameLock(deps.root).then(async ({ lock, join }) => ({
            exportedNames: await pipelineExportedNames(lock, join),
          })),
    );
    const context = { base: 'spec/', revision: sourceForMessages(against) };
    const consumers = await consumersOf(deps.root, report, other, {
      asked: values.consumers === true || failOn === 'consumers',
      refused: values['no-consumers'] === true,
      warn: deps.err,
    });
    const render = (options: MarkdownOptions): string =>
      formatWithConsumers(report, format, context, options, consumers);
    if (values.output !== undefined) {
      // The whole report, nothing left out; written whole or not at all.
      const { writeFileAtomic } = await import('../lib/fs-atomic.ts');
      await writeFileAtomic(path.resolve(deps.root, values.output), render({ maxChars: Infinity }));
    }
    deps.out(
      render({
        ...(maxChars !== undefined ? { maxChars } : {}),
        ...(values['whole-report'] !== undefined
          ? { wholeReport: values['whole-report'] }
          : values.output !== undefined
            ? { wholeReport: `\`${values.output}\`` }
            : {}),
      }),
    );
    if (values['update-spec']) {
      const { written, gone } = await updateSpecFiles(
        deps.root,
        other.doc,
        other.pageOperations ? { only: other.pageOperations } : {},
      );
      deps.err(
        `updated ${written.length} spec file${written.length === 1 ? '' : 's'}${written.length ? `: ${written.join(', ')}` : ''}\n`,
      );
      if (gone.length > 0)
        deps.err(
          `kept, with their operation gone upstream (breaking; decide by hand): ${gone.join(', ')}\n`,
        );
    }
    return driftExitCode(report, failOn, consumers);
  } catch (error) {
    // The engine's error for an other side it cannot use is an input problem like the pipeline's.
    if (error instanceof DriftInputError) throw new PipelineError(error.message);
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) await runCommand((argv) => driftCommand(argv));
