/**
 * Reading a published spec at run time: JSON only (servers publish `/openapi.json`; YAML would
 * need a parser the client does not ship). The CLI reads YAML through the pipeline's parser.
 */
import { isDict } from '../../common/json.ts';
import { DriftInputError, type Dict } from './document.ts';

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
