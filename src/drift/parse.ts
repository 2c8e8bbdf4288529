/**
 * Reading a published spec at run time: JSON only (servers publish `/openapi.json`; YAML would
 * need a parser the client does not ship). The CLI reads YAML through the pipeline's parser.
 */
import { isDict } from '../../common/json.ts';
import { DriftInputError, pointer, type Dict } from './document.ts';

/**
 * Deepest nesting of objects and arrays read (the pipeline's MAX_SPEC_DEPTH; the whole
 * published API nests 11 deep): what lies deeper would overflow the stack of the comparison.
 */
export const MAX_DOCUMENT_DEPTH = 128;

/** Refuses a value nested deeper than MAX_DOCUMENT_DEPTH, naming where; walks without recursion. */
function checkDepth(name: string, parsed: unknown): void {
  interface Frame {
    node: object;
    depth: number;
    parent?: Frame;
    key: string;
  }
  const stack: Frame[] = isObject(parsed) ? [{ node: parsed, depth: 0, key: '' }] : [];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > MAX_DOCUMENT_DEPTH) {
      const path: string[] = [];
      for (let f: Frame | undefined = frame; f?.parent; f = f.parent) path.unshift(f.key);
      throw new DriftInputError(
        'syntax',
        `${name} (${pointer(path.slice(0, 8))}/...): nested more than ${MAX_DOCUMENT_DEPTH} levels deep (MAX_DOCUMENT_DEPTH); a published spec nests about 11`,
      );
    }
    for (const key in frame.node) {
      const value = (frame.node as Record<string, unknown>)[key];
      if (isObject(value)) stack.push({ node: value, depth: frame.depth + 1, parent: frame, key });
    }
  }
}

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/** Checks that a parsed value is an OpenAPI 3.x document; `name` says where it came from. */
export function asOpenApi3(name: string, parsed: unknown): Dict {
  if (!isDict(parsed)) {
    const what =
      typeof parsed === 'string' ? 'plain text' : Array.isArray(parsed) ? 'a list' : String(parsed);
    throw new DriftInputError(
      'not-openapi',
      `${name}: not an OpenAPI document (read as ${what}, expected a mapping with \`openapi: 3.x\`)`,
    );
  }
  if ('swagger' in parsed) {
    throw new DriftInputError(
      'not-openapi',
      `${name}: Swagger ${String(parsed.swagger)} is not supported; the drift check compares OpenAPI 3.x documents`,
    );
  }
  if (typeof parsed.openapi !== 'string' || !/^3\.\d+(\.\d+)?$/.test(parsed.openapi)) {
    const found =
      parsed.openapi === undefined
        ? 'no `openapi` field'
        : `openapi: ${JSON.stringify(parsed.openapi)}`;
    throw new DriftInputError('not-openapi', `${name}: not an OpenAPI 3.x document (${found})`);
  }
  checkDepth(name, parsed);
  // Parsed from JSON or YAML text: its values are JSON.
  return parsed as Dict;
}

/** Parses a JSON spec text and checks it is OpenAPI 3.x. */
export function parseOpenApiText(name: string, text: string): Dict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DriftInputError('syntax', `${name}: not valid JSON (${(error as Error).message})`);
  }
  return asOpenApi3(name, parsed);
}
