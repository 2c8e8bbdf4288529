/**
 * `npm run ingest -- <page.md | url>...`, `-- --index <llms.txt>` or `-- --openapi <openapi.json>`:
 * writes one OpenAPI document per operation to `spec/<operationId>.yaml`, refreshing what spec/
 * already holds from the same source. The logic is in scripts/ingest/.
 */
import { parseArgs } from 'node:util';
import { escapeUnsafeCharacters } from '../../common/unsafe-characters.ts';
import { PipelineError } from '../lib/errors.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { DEFAULT_CONCURRENCY } from '../ingest/fetch.ts';
import { createProgress, type ProgressStream } from '../ingest/progress.ts';
import { exitCodeOf, formatReport, ingest } from '../ingest/run.ts';
import type { IngestSource } from '../ingest/sources.ts';

export const USAGE = `usage: npm run ingest -- <page.md | https://...>...
       npm run ingest -- --index <llms.txt url | file> [filters] [--prune]
       npm run ingest -- --openapi <openapi.json url | file> [filters] [--prune]
filters (repeatable; with --index or --openapi): --tag T, --operation GLOB, --path PREFIX
options: --prune (remove operations gone from the source), --concurrency N (default ${DEFAULT_CONCURRENCY}),
         --allow-origin https://host (repeatable: fetch pages and follow redirects there too;
         by default only the index's, document's or page's own origin is fetched)`;

/** The source and options of a command line. Throws a PipelineError (exit 2) on bad usage. */
export function parseIngestArgs(argv: string[]): {
  source: IngestSource;
  selection: { tags: string[]; operations: string[]; paths: string[] };
  prune: boolean;
  concurrency: number;
  /** Origins fetched besides the source's own (`--allow-origin`), as `https://host:port`. */
  allowOrigins: string[];
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      allowPositionals: true,
      options: {
        index: { type: 'string' },
        openapi: { type: 'string' },
        tag: { type: 'string', multiple: true, default: [] },
        operation: { type: 'string', multiple: true, default: [] },
        path: { type: 'string', multiple: true, default: [] },
        prune: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true, default: [] },
      },
    });
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const given = [values.index, values.openapi, positionals.length > 0 ? 'pages' : undefined];
  if (given.filter((value) => value !== undefined).length !== 1) {
    throw new PipelineError(`give pages, --index or --openapi (one of them)\n${USAGE}`);
  }
  const selection = { tags: values.tag, operations: values.operation, paths: values.path };
  const filtered = selection.tags.length + selection.operations.length + selection.paths.length;
  if (positionals.length > 0 && (filtered > 0 || values.prune)) {
    throw new PipelineError(
      `--tag, --operation, --path and --prune work on a whole source (--index or --openapi), not on pages named one by one\n${USAGE}`,
    );
  }
  const concurrency =
    values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PipelineError(`--concurrency must be a whole number >= 1, got ${values.concurrency}`);
  }
  const allowOrigins = values['allow-origin'].map((value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin === 'null')
      throw new PipelineError(
        `--allow-origin must be an http(s) origin such as https://doc.featherhq.com, got ${JSON.stringify(value)}`,
      );
    return url.origin;
  });
  const source: IngestSource =
    values.index !== undefined
      ? { kind: 'index', index: values.index }
      : values.openapi !== undefined
        ? { kind: 'openapi', document: values.openapi }
        : { kind: 'pages', pages: positionals };
  return { source, selection, prune: values.prune, concurrency, allowOrigins };
}

export interface CommandIo {
  /** Repository root. @default process.cwd() */
  root?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Where the progress line goes. @default process.stderr */
  progress?: ProgressStream;
}

export async function ingestCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const out = io.out ?? console.log;
  const err = io.err ?? console.error;
  const args = parseIngestArgs(argv);
  const stream = io.progress ?? process.stderr;
  const report = await ingest(args.source, {
    ...(io.root !== undefined ? { root: io.root } : {}),
    selection: args.selection,
    prune: args.prune,
    concurrency: args.concurrency,
    read: { allowOrigins: args.allowOrigins },
    progress: (total) => createProgress('pages', total, stream),
  });
  // A failure quotes the page (an operationId): its control and bidi characters go out escaped.
  for (const line of formatReport(report, args.prune))
    (line.problem ? err : out)(escapeUnsafeCharacters(line.text));
  return exitCodeOf(report);
}

if (isEntryPoint(import.meta.url)) await runCommand((argv) => ingestCommand(argv));
