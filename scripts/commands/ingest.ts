/**
 * `npm run ingest -- <page-or-url>...`: extracts the OpenAPI document embedded in each Feather
 * documentation page and writes it, unchanged, to `spec/<operationId>.yaml`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HTTP_METHODS } from '../../src/canonical.ts';
import { EXIT_COULD_NOT_RUN, EXIT_OK, PipelineError } from '../lib/errors.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { writeFileAtomic } from '../lib/fs-atomic.ts';
import { asOpenApiDocument, parseSpecText } from '../lib/spec-files.ts';

/** A fenced code block found in a markdown page. */
export interface FencedBlock {
  /** The info string after the fence (`yaml /api-reference/openapi.json get /v1/...`). */
  info: string;
  body: string;
  /** 1-based line of the first body line in the page. */
  line: number;
}

/** Every fenced code block (``` or ~~~, any length >= 3) in a markdown text. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end]!)) end++;
    blocks.push({
      info: open[2]!.trim(),
      body: lines.slice(i + 1, end).join('\n') + '\n',
      line: i + 2,
    });
    i = end;
  }
  return blocks;
}

/** True for a yaml/json block whose text declares `openapi:` (or `swagger:`) at the top level. */
function isOpenApiBlock(block: FencedBlock): boolean {
  const language = block.info.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!['yaml', 'yml', 'json'].includes(language)) return false;
  return /^(openapi|swagger)\s*:|^\s*\{\s*"(openapi|swagger)"/m.test(block.body);
}

/** The one embedded OpenAPI document of a page, with its operationId. Throws naming the page. */
export function extractOpenApi(
  page: string,
  markdown: string,
): { operationId: string; yaml: string } {
  const blocks = fencedBlocks(markdown).filter(isOpenApiBlock);
  if (blocks.length === 0) {
    throw new PipelineError(
      'no OpenAPI block found (expected one ```yaml fence with `openapi: 3.x`)',
      [{ file: page }],
    );
  }
  if (blocks.length > 1) {
    throw new PipelineError(
      `${blocks.length} OpenAPI blocks found (at lines ${blocks.map((b) => b.line).join(', ')}); expected exactly one`,
      [{ file: page }],
    );
  }
  const block = blocks[0]!;
  const kind = block.info.toLowerCase().startsWith('json') ? 'json' : 'yaml';
  let doc: Record<string, unknown>;
  try {
    doc = asOpenApiDocument(page, parseSpecText(`${page}.${kind}`, block.body));
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    const place = error.places[0];
    const line = place?.line !== undefined ? place.line + block.line - 1 : block.line;
    const what = error.message.slice(error.message.indexOf(': ') + 2);
    throw new PipelineError(`embedded OpenAPI block: ${what}`, [{ file: page, line }]);
  }
  const operationIds: string[] = [];
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of HTTP_METHODS) {
      const id = (item?.[method] as { operationId?: unknown } | undefined)?.operationId;
      if (item?.[method]) operationIds.push(typeof id === 'string' ? id : '');
    }
  }
  if (operationIds.length !== 1 || !/^[A-Za-z0-9_.-]+$/.test(operationIds[0]!)) {
    throw new PipelineError(
      `expected exactly one operation with a file-safe operationId, found ${JSON.stringify(operationIds)}`,
      [{ file: page, line: block.line }],
    );
  }
  return { operationId: operationIds[0]!, yaml: block.body };
}

/** Reads a page from a path, or from an http(s) URL with a timeout. */
export async function readPage(source: string, timeoutMs = 30_000): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) }).catch(
      (error: Error) => {
        throw new PipelineError(`could not fetch: ${error.message}`, [{ file: source }]);
      },
    );
    if (!response.ok)
      throw new PipelineError(`HTTP ${response.status} when fetching`, [{ file: source }]);
    return response.text();
  }
  return readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new PipelineError(`cannot read page (${error.code ?? error.message})`, [
      { file: source },
    ]);
  });
}

/** Ingests each page into `specDir`; returns the files written. Failed pages write nothing. */
export async function ingestPages(
  sources: string[],
  specDir: string,
  log: (line: string) => void = console.log,
): Promise<{ written: string[]; errors: PipelineError[] }> {
  const written: string[] = [];
  const errors: PipelineError[] = [];
  for (const source of sources) {
    try {
      const { operationId, yaml } = extractOpenApi(source, await readPage(source));
      const target = path.join(specDir, `${operationId}.yaml`);
      await writeFileAtomic(target, yaml);
      written.push(target);
      log(`ingested ${source} -> ${target}`);
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      errors.push(error);
    }
  }
  return { written, errors };
}

export async function ingestCommand(argv: string[]): Promise<number> {
  const sources = argv.filter((arg) => arg !== '--');
  if (sources.length === 0) {
    console.error('usage: npm run ingest -- <page.md | https://...> [...]');
    return EXIT_COULD_NOT_RUN;
  }
  const { errors } = await ingestPages(sources, 'spec');
  for (const error of errors) console.error(`error: ${error.message}`);
  return errors.length > 0 ? EXIT_COULD_NOT_RUN : EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand(ingestCommand);
