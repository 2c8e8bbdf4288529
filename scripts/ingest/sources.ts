/**
 * Where operations come from: doc pages named one by one, the doc site's index (every page it
 * lists), or a whole OpenAPI document split into page-shaped documents.
 */
import { PipelineError } from '../lib/errors.ts';
import { asOpenApiDocument } from '../lib/spec-files.ts';
import { parseSpecText } from '../lib/spec-text.ts';
import { splitDocument } from '../lib/split-document.ts';
import { mapWithConcurrency } from '../lib/concurrency.ts';
import { DEFAULT_CONCURRENCY, SourceTooLargeError, readSource, type ReadOptions } from './fetch.ts';
import { isUrl, parseIndex, type IndexEntry } from './index-file.ts';
import {
  FILE_SAFE_OPERATION_ID,
  extractOpenApi,
  hasOpenApiBlock,
  operationsOf,
  versionOf,
} from './page.ts';
import { yamlOf, type IncomingOperation } from './plan.ts';
import { NO_PROGRESS, type Progress } from './progress.ts';

export type IngestSource =
  | { kind: 'pages'; pages: string[] }
  | { kind: 'index'; index: string }
  | { kind: 'openapi'; document: string };

export interface LoadOptions {
  /** @default DEFAULT_CONCURRENCY */
  concurrency?: number;
  read?: ReadOptions;
  /** Made once the number of pages is known. */
  progress?: (total: number) => Progress;
}

export interface LoadedSource {
  incoming: IncomingOperation[];
  /** Pages (or operations) that could not be read or used, each named. */
  failures: PipelineError[];
  /** Index pages without an OpenAPI block (guides, concepts). */
  skipped: string[];
  retries: number;
}

/** Loads every operation a source gives. Throws only when the source as a whole is unusable. */
export async function loadSource(
  source: IngestSource,
  options: LoadOptions = {},
): Promise<LoadedSource> {
  let retries = 0;
  const read: ReadOptions = {
    ...options.read,
    onRetry: (url, attempt, reason) => {
      retries++;
      options.read?.onRetry?.(url, attempt, reason);
    },
  };
  let loaded: Omit<LoadedSource, 'retries'>;
  if (source.kind === 'openapi') loaded = await loadDocument(source.document, read);
  else if (source.kind === 'pages') loaded = await loadPages(source.pages, false, read, options);
  else {
    const entries = parseIndex(await readSource(source.index, read, 'index'), source.index);
    const { fetched, refused } = onNamedOrigins(entries, source.index, read.allowOrigins ?? []);
    loaded = await loadPages(
      fetched.map((entry) => entry.location),
      true,
      read,
      options,
    );
    loaded.failures.unshift(...refused);
  }
  return { ...loaded, retries };
}

/**
 * The index's entries split by origin: those on the index's own origin (for a URL index), on an
 * `--allow-origin` one, or files beside a file index are fetched; any other is refused, named by
 * its line, so an index cannot send ingest to a host the user did not name.
 */
export function onNamedOrigins(
  entries: readonly IndexEntry[],
  index: string,
  allowOrigins: readonly string[],
): { fetched: IndexEntry[]; refused: PipelineError[] } {
  const named = new Set(allowOrigins);
  if (isUrl(index)) named.add(new URL(index).origin);
  const fetched: IndexEntry[] = [];
  const refused: PipelineError[] = [];
  for (const entry of entries) {
    const origin = isUrl(entry.location) ? new URL(entry.location).origin : undefined;
    if (
      origin === undefined
        ? !isUrl(index) && !/^[a-z][a-z0-9+.-]*:/i.test(entry.location)
        : named.has(origin)
    ) {
      fetched.push(entry);
      continue;
    }
    refused.push(
      new PipelineError(
        `lists ${entry.location}, on ${origin ?? 'no http(s) origin'}, not an origin named (the index's own or --allow-origin): skipped${origin ? `; add --allow-origin ${origin} to fetch it` : ''}`,
        [{ file: index, line: entry.line }],
      ),
    );
  }
  return { fetched, refused };
}

type PageOutcome =
  { skipped: string } | { operation: IncomingOperation } | { failure: PipelineError };

async function loadPages(
  pages: string[],
  skipPagesWithoutBlock: boolean,
  read: ReadOptions,
  options: LoadOptions,
): Promise<Omit<LoadedSource, 'retries'>> {
  const progress = options.progress?.(pages.length) ?? NO_PROGRESS;
  const result: Omit<LoadedSource, 'retries'> = { incoming: [], failures: [], skipped: [] };
  const outcomes = await mapWithConcurrency(
    pages,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (page): Promise<PageOutcome> => {
      try {
        const markdown = await readSource(page, read, 'page');
        if (skipPagesWithoutBlock && !hasOpenApiBlock(markdown)) return { skipped: page };
        const { yaml, doc } = extractOpenApi(page, markdown);
        const [key] = operationsOf(doc);
        const operation: IncomingOperation = {
          ...key!,
          version: versionOf(doc),
          doc,
          origin: page,
          yaml: () => yaml,
          publishedYaml: yaml,
        };
        return { operation };
      } catch (error) {
        if (!(error instanceof PipelineError) || error instanceof SourceTooLargeError) throw error;
        return { failure: error };
      } finally {
        progress.tick();
      }
    },
  );
  progress.done();
  for (const outcome of outcomes) {
    if ('skipped' in outcome) result.skipped.push(outcome.skipped);
    else if ('operation' in outcome) result.incoming.push(outcome.operation);
    else result.failures.push(outcome.failure);
  }
  return result;
}

/** JSON when the name or the first character says so, otherwise YAML. */
function parseAs(source: string, text: string): string {
  if (/\.(ya?ml)(\?.*)?$/i.test(source)) return `${source}.yaml`;
  if (/\.json(\?.*)?$/i.test(source) || text.trimStart().startsWith('{')) return `${source}.json`;
  return `${source}.yaml`;
}

async function loadDocument(
  document: string,
  read: ReadOptions,
): Promise<Omit<LoadedSource, 'retries'>> {
  const text = await readSource(document, read, 'OpenAPI document');
  let whole: Record<string, unknown>;
  try {
    whole = asOpenApiDocument(document, parseSpecText(parseAs(document, text), text));
  } catch (error) {
    // The parser names the file it was given; name the source as the user wrote it.
    if (!(error instanceof PipelineError)) throw error;
    throw error.withPlaces(error.places.map((place) => ({ ...place, file: document })));
  }
  const result: Omit<LoadedSource, 'retries'> = { incoming: [], failures: [], skipped: [] };
  for (const page of splitDocument(whole)) {
    const origin = `${document} ${page.method} ${page.path}`;
    if (!FILE_SAFE_OPERATION_ID.test(page.operationId)) {
      result.failures.push(
        new PipelineError(
          `operationId ${JSON.stringify(page.operationId)} cannot be a file name (letters, digits, _ . - only)`,
          [{ file: origin }],
        ),
      );
      continue;
    }
    result.incoming.push({
      ...operationsOf(page.doc)[0]!,
      version: versionOf(page.doc),
      doc: page.doc,
      origin,
      yaml: () => yamlOf(page.doc),
    });
  }
  return result;
}
