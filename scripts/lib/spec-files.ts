import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { PipelineError, PipelineErrors, type SourcePlace } from './errors.ts';
import { lineColumnAt, parseSpecText } from './spec-text.ts';
import { checkParsedShape, decodeSpecBytes, readSpecBytes } from './spec-limits.ts';

/** One OpenAPI document from `spec/`, as read from disk. */
export interface SpecSource {
  /** Path relative to the repository root, with forward slashes (`spec/foo.yaml`). */
  file: string;
  text: string;
  doc: Record<string, unknown>;
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

type Positions =
  | { kind: 'yaml'; document: ReturnType<typeof parseDocument>; lineCounter: LineCounter }
  | { kind: 'json'; tree: JsonNode | undefined; lineCounter: LineCounter };

/** Texts parsed with positions, most recent last: a file with many problems is parsed once. */
const positionCache = new Map<string, Positions>();
const POSITION_CACHE_SIZE = 4;

/** JSON is parsed as JSON (jsonc-parser's tree keeps offsets): the YAML parser is ~10x slower on it. */
function parsedWithPositions(text: string): Positions {
  const cached = positionCache.get(text);
  if (cached) return cached;
  const lineCounter = new LineCounter();
  let parsed: Positions;
  if (/^\s*[{[]/.test(text)) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
      lineCounter.addNewLine(i + 1);
    let tree: JsonNode | undefined;
    try {
      tree = parseTree(text);
    } catch {
      tree = undefined; // nesting too deep for its recursion: place at the start of the file
    }
    parsed = { kind: 'json', tree, lineCounter };
  } else {
    parsed = {
      kind: 'yaml',
      document: parseDocument(text, { lineCounter, keepSourceTokens: false }),
      lineCounter,
    };
  }
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
  const parsed = parsedWithPositions(text);
  const lineCounter = parsed.lineCounter;
  if (parsed.kind === 'json') {
    const position = lineCounter.linePos(jsonOffset(parsed.tree, pointerSegments(pointer)));
    return { line: position.line, column: position.col };
  }
  const document = parsed.document;
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

/** Offset of the key (or array item) at `segments`, or of the deepest existing parent. */
function jsonOffset(tree: JsonNode | undefined, segments: readonly string[]): number {
  let node = tree;
  let offset = tree?.offset ?? 0;
  for (const segment of segments) {
    if (node?.type === 'object') {
      const property = node.children?.find((child) => child.children?.[0]?.value === segment);
      if (!property) break;
      offset = property.offset;
      node = property.children?.[1];
    } else if (node?.type === 'array') {
      const item = node.children?.[Number(segment)];
      if (!item) break;
      offset = item.offset;
      node = item;
    } else break;
  }
  return offset;
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
