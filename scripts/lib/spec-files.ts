import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { parseYaml } from '@redocly/openapi-core';
import { PipelineError, PipelineErrors, type SourcePlace } from './errors.ts';
import { checkParsedShape, decodeSpecBytes, readSpecBytes } from './spec-limits.ts';

export { listSpecFiles } from './spec-list.ts';
export { readSpecBytes } from './spec-limits.ts';

/** One OpenAPI document from `spec/`, as read from disk. */
export interface SpecSource {
  /** Path relative to the repository root, with forward slashes (`spec/foo.yaml`). */
  file: string;
  text: string;
  doc: Record<string, unknown>;
}

/** Turns a character offset into a 1-based line and column. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses a spec file's text (YAML or JSON). A syntax error becomes a PipelineError naming the
 * file, line and column.
 */
export function parseSpecText(file: string, text: string): unknown {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      // V8 names the offset when it has one; "Unexpected end of JSON input" means the end.
      const offset = /position (\d+)/.exec(String((error as Error).message))?.[1];
      const place: SourcePlace = {
        file,
        ...lineColumnAt(text, offset ? Number(offset) : text.length),
      };
      throw new PipelineError(`invalid JSON: ${(error as Error).message}`, [place]);
    }
  }
  try {
    return parseYaml(text);
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message.split('\n')[0];
    const place: SourcePlace = mark
      ? { file, line: mark.line + 1, column: mark.column + 1 }
      : { file };
    throw new PipelineError(`invalid YAML: ${reason}`, [place]);
  }
}

/**
 * Checks that a parsed file is an OpenAPI 3.x document and returns it typed as an object.
 * Swagger 2.0 and other JSON/YAML get an error that says what the file is instead.
 */
export function asOpenApiDocument(file: string, parsed: unknown): Record<string, unknown> {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PipelineError(
      'not an OpenAPI document: expected a mapping at the top level with an `openapi: 3.x` field',
      [{ file, line: 1 }],
    );
  }
  const doc = parsed as Record<string, unknown>;
  if (Object.hasOwn(doc, 'swagger')) {
    throw new PipelineError(
      `Swagger ${String(doc.swagger)} is not supported: convert the document to OpenAPI 3.x`,
      [{ file, pointer: '#/swagger' }],
    );
  }
  if (typeof doc.openapi !== 'string' || !/^3\.\d+(\.\d+)?$/.test(doc.openapi)) {
    const found =
      doc.openapi === undefined ? 'no `openapi` field' : `openapi: ${JSON.stringify(doc.openapi)}`;
    throw new PipelineError(`not an OpenAPI 3.x document (${found})`, [
      { file, pointer: '#/openapi' },
    ]);
  }
  return doc;
}

/**
 * Reads, parses and checks one spec file. `file` is used as given in messages. `bytes`, when
 * given, are the file's content already read (so what is hashed is what is built).
 */
export async function readSpecFile(
  file: string,
  root = process.cwd(),
  bytes?: Uint8Array,
): Promise<SpecSource> {
  const text = decodeSpecBytes(file, bytes ?? (await readSpecBytes(file, root)));
  try {
    const parsed = parseSpecText(file, text);
    checkParsedShape(file, parsed);
    return { file, text, doc: asOpenApiDocument(file, parsed) };
  } catch (error) {
    throw error instanceof PipelineError ? withSourceLines(error, new Map([[file, text]])) : error;
  }
}

/** Splits a JSON pointer (`#/paths/~1pets/get`) into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  const body = pointer.replace(/^#/, '');
  if (body === '' || body === '/') return [];
  return body
    .slice(1)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from segments. */
export function pointerFrom(segments: readonly (string | number)[]): string {
  return `#/${segments.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** Texts parsed with positions, most recent last: a file with many problems is parsed once. */
const positionCache = new Map<
  string,
  { document: ReturnType<typeof parseDocument>; lineCounter: LineCounter }
>();
const POSITION_CACHE_SIZE = 4;

function parsedWithPositions(text: string): {
  document: ReturnType<typeof parseDocument>;
  lineCounter: LineCounter;
} {
  const cached = positionCache.get(text);
  if (cached) return cached;
  const lineCounter = new LineCounter();
  const parsed = {
    document: parseDocument(text, { lineCounter, keepSourceTokens: false }),
    lineCounter,
  };
  positionCache.set(text, parsed);
  if (positionCache.size > POSITION_CACHE_SIZE)
    positionCache.delete(positionCache.keys().next().value!);
  return parsed;
}

/**
 * Finds the line and column where `pointer` sits in a YAML or JSON text, or the deepest
 * existing parent's place. Parses with positions only when asked (error paths), never on the
 * hot path.
 */
export function locatePointer(text: string, pointer: string): { line: number; column: number } {
  const { document, lineCounter } = parsedWithPositions(text);
  let node: Node | null = document.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === segment,
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}

/**
 * Fills in line and column for every place of `error` that has a pointer but no line, from the
 * file texts in `textOf`. Errors found in joined or parsed data carry pointers; people need lines.
 */
export function withSourceLines(
  error: PipelineError,
  textOf: ReadonlyMap<string, string>,
): PipelineError {
  if (error instanceof PipelineErrors) {
    return new PipelineErrors(
      error.errors.map((inner) => withSourceLines(inner, textOf)),
      error.exitCode,
    );
  }
  if (
    !error.places.some(
      (place) => place.pointer && place.line === undefined && textOf.has(place.file),
    )
  )
    return error;
  return error.withPlaces(
    error.places.map((place) => {
      const text = textOf.get(place.file);
      if (!place.pointer || place.line !== undefined || text === undefined) return place;
      return { ...place, ...locatePointer(text, place.pointer) };
    }),
  );
}
