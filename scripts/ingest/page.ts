/**
 * A Feather documentation page: markdown with, on an API reference page, one fenced block
 * holding the OpenAPI document of its one operation (guides and concept pages have none).
 */
import { HTTP_METHODS } from '../../common/canonical.ts';
import { PipelineError } from '../lib/errors.ts';
import { asOpenApiDocument } from '../lib/spec-files.ts';
import { parseSpecText } from '../lib/spec-text.ts';

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

/** True when the page embeds an OpenAPI block (an API reference page, not a guide). */
export function hasOpenApiBlock(markdown: string): boolean {
  return fencedBlocks(markdown).some(isOpenApiBlock);
}

/** Operation ids become file names (`spec/<operationId>.yaml`), so they must be file-safe. */
export const FILE_SAFE_OPERATION_ID = /^[A-Za-z0-9_.-]+$/;

/** The one embedded OpenAPI document of a page, with its operationId. Throws naming the page. */
export function extractOpenApi(
  page: string,
  markdown: string,
): { operationId: string; yaml: string; doc: Record<string, unknown> } {
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
  const operationIds = operationsOf(doc).map((operation) => operation.operationId);
  if (operationIds.length !== 1 || !FILE_SAFE_OPERATION_ID.test(operationIds[0]!)) {
    throw new PipelineError(
      `expected exactly one operation with a file-safe operationId, found ${JSON.stringify(operationIds)}`,
      [{ file: page, line: block.line }],
    );
  }
  return { operationId: operationIds[0]!, yaml: block.body, doc };
}

/** One operation of a document: what identifies it, and its tags. */
export interface OperationKey {
  /** `''` when the operation has none. */
  operationId: string;
  method: string;
  path: string;
  tags: string[];
}

/** Every operation of a parsed document, in path then method order. */
export function operationsOf(doc: Record<string, unknown>): OperationKey[] {
  const found: OperationKey[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown> | null>;
  for (const [route, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method] as { operationId?: unknown; tags?: unknown } | undefined;
      if (!operation) continue;
      const id = operation.operationId;
      const tags = Array.isArray(operation.tags) ? operation.tags.map(String) : [];
      found.push({ operationId: typeof id === 'string' ? id : '', method, path: route, tags });
    }
  }
  return found;
}

/** `info.version` of a document, when it declares one. */
export function versionOf(doc: Record<string, unknown>): string | undefined {
  const version = (doc.info as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : undefined;
}
