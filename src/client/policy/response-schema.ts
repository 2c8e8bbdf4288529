/**
 * The response schemas of one generation of the spec, compiled for checking, and the check of
 * one response: imported only when response validation (src/client/policy/response-check.ts)
 * or the testing kit asks, never by the default client. @cfworker/json-schema interprets the schemas (JSON Schema 2020-12) without `eval` or
 * `new Function`, so this runs in browsers, Node and CSP-strict edge runtimes alike.
 */
import {
  dereference,
  encodePointer,
  validate,
  type OutputUnit,
  type Schema,
} from '@cfworker/json-schema';
import {
  MAX_RESPONSE_PROBLEMS,
  MAX_VALIDATED_BODY_DEPTH,
  REQUEST_ID_HEADER,
} from '../constants.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { APIResponseValidationError, type ResponseProblem } from '../response-validation-error.ts';
import type { GeneratedTables } from '../transport/call-context.ts';
import type { RedactingLogger } from '../logger.ts';
import { holdsSecret, REDACTED, secretForms } from './secrets.ts';

/** What `loadResponseSchemas()` of a generated/ folder resolves to. */
export interface ResponseSchemaModule {
  RESPONSE_SCHEMAS_JSON: string;
}

interface Table {
  operations: Record<string, Record<string, Schema | boolean>>;
  components: { schemas: Record<string, Schema | boolean> };
}

/** The base URI the spec's `#/components/schemas/X` refs resolve against. */
const SPEC_URI = 'https://feather.invalid/openapi.json';

/** Keywords whose failure only wraps the failures of subschemas, reported on their own. */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'items',
  'prefixItems',
  'additionalItems',
  'allOf',
  'anyOf',
  'oneOf',
  'if',
  'then',
  'else',
  'contains',
  'patternProperties',
]);

/** Keywords whose library message may quote the body (a key or value): described generically. */
const QUOTES_BODY = new Set([
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'uniqueItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);

/** One operation's response schemas, checked against bodies. */
export interface ResponseSchemas {
  /** The spec's response keys of `operation` (`"200"`, `"4XX"`, `"default"`); `undefined` if unknown. */
  statuses(operation: string): string[] | undefined;
  /** The schema of the JSON body of `status`, or `undefined` when the spec declares none. */
  schemaFor(operation: string, status: number): Schema | boolean | undefined;
  /** The component schemas, for `$ref`s in what `schemaFor` returns. */
  readonly components: Readonly<Record<string, Schema | boolean>>;
  /**
   * The problems of `body` as the `status` answer of `operation` (empty when it conforms), or
   * `undefined` when the spec declares no JSON body for that status.
   */
  check(operation: string, status: number, body: unknown): ResponseProblem[] | undefined;
}

/** The spec's response key that covers `status`: exact, then `4XX`-style, then `default`. */
export function responseKey(
  declared: Readonly<Record<string, unknown>>,
  status: number,
): string | undefined {
  const exact = String(status);
  if (Object.hasOwn(declared, exact)) return exact;
  const range = `${exact[0]}XX`;
  if (Object.hasOwn(declared, range)) return range;
  return Object.hasOwn(declared, 'default') ? 'default' : undefined;
}

/** `#/a/b` (the library's instance location) -> `/a/b`. */
function pointerOf(unit: OutputUnit): string {
  return unit.instanceLocation.startsWith('#')
    ? unit.instanceLocation.slice(1)
    : unit.instanceLocation;
}

/** The leaf failures, one per pointer, in the library's order, described without body values. */
export function problemsOf(errors: readonly OutputUnit[]): ResponseProblem[] {
  const seen = new Set<string>();
  const problems: ResponseProblem[] = [];
  for (const unit of errors) {
    if (WRAPPERS.has(unit.keyword)) continue;
    const pointer = pointerOf(unit);
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    const message = QUOTES_BODY.has(unit.keyword)
      ? `breaks "${unit.keyword}" (schema ${unit.keywordLocation})`
      : unit.error;
    problems.push({ pointer, message });
    if (problems.length === MAX_RESPONSE_PROBLEMS) break;
  }
  if (problems.length === 0 && errors.length > 0) {
    problems.push({ pointer: pointerOf(errors[0]!), message: errors[0]!.error });
  }
  return problems;
}

/** True when `value` holds objects or arrays more than `limit` levels deep (walked without recursion). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Parses the table once; each operation's schemas are dereferenced on first use. */
export function compileResponseSchemas(module: ResponseSchemaModule): ResponseSchemas {
  const table = JSON.parse(module.RESPONSE_SCHEMAS_JSON) as Table;
  const baseURI = new URL(SPEC_URI);
  const lookup = dereference({ $id: SPEC_URI } as Schema);
  // Each component by its own pointer: walking `components` whole, the library skips a key it
  // finds in its keyword table, and looks keys up through Object.prototype, so a schema named
  // `__proto__`, `constructor` or `default` was never indexed and every $ref to it unresolved.
  for (const [name, schema] of Object.entries(table.components.schemas))
    dereference(schema, lookup, baseURI, `/components/schemas/${encodePointer(name)}`);
  const ready = new Set<string>();

  const schemaFor = (operation: string, status: number): Schema | boolean | undefined => {
    const declared = Object.hasOwn(table.operations, operation)
      ? table.operations[operation]!
      : undefined;
    if (declared === undefined) return undefined;
    const key = responseKey(declared, status);
    if (key === undefined) return undefined;
    const schema = declared[key]!;
    const id = `${operation} ${key}`;
    if (!ready.has(id)) {
      // A pointer no component uses, so that the library's lookup gets no duplicate URI.
      dereference(schema, lookup, baseURI, `/operations/${encodeURIComponent(id)}`);
      ready.add(id);
    }
    return schema;
  };

  return {
    components: table.components.schemas,
    statuses: (operation) =>
      Object.hasOwn(table.operations, operation)
        ? Object.keys(table.operations[operation]!)
        : undefined,
    schemaFor,
    check(operation, status, body) {
      const schema = schemaFor(operation, status);
      if (schema === undefined) return undefined;
      if (body === undefined) return [{ pointer: '', message: 'the body is empty' }];
      if (nestsDeeperThan(body, MAX_VALIDATED_BODY_DEPTH))
        return [
          {
            pointer: '',
            message: `the body nests more than ${MAX_VALIDATED_BODY_DEPTH} levels deep (MAX_VALIDATED_BODY_DEPTH): not checked`,
          },
        ];
      let result: ReturnType<typeof validate>;
      try {
        result = validate(body, schema, '2020-12', lookup, false);
      } catch (error) {
        // The library's JSON pointer of a property is encodeURI(name), which throws for a name
        // with a lone surrogate (JSON allows one): the call would reject with a bare URIError.
        if (!(error instanceof URIError)) throw error;
        return [
          {
            pointer: '',
            message:
              'a property name holds a lone surrogate (not well-formed UTF-16), which no JSON pointer can name: not checked',
          },
        ];
      }
      return result.valid ? [] : problemsOf(result.errors);
    },
  };
}

/** What one check needs from the client (`mode` as in `validateResponses`, when on). */
export interface ResponseCheck {
  tables: Pick<GeneratedTables, 'loadResponseSchemas'>;
  logger: RedactingLogger;
  mode: 'warn' | 'throw';
  /** The call's secrets (its keys, the user's credentials): a pointer never names one. */
  secrets: readonly string[];
}

/** The compiled schemas of each generation's loader, shared by every client and mock on it. */
const COMPILED = new WeakMap<object, Promise<ResponseSchemas>>();

/** The compiled response schemas of `tables`, imported and compiled on first use. */
export function loadResponseSchemas(
  tables: Pick<GeneratedTables, 'loadResponseSchemas'>,
): Promise<ResponseSchemas> {
  const load = tables.loadResponseSchemas;
  if (load === undefined) {
    return Promise.reject(
      new FeatherError(
        "validateResponses: the client's generated tables have no loadResponseSchemas (a client " +
          'of createOperationClient carries none: pass `generated`; or tables generated before ' +
          'response validation: run `npm run generate` on them)',
      ),
    );
  }
  let compiled = COMPILED.get(load);
  if (compiled === undefined) {
    compiled = load().then(compileResponseSchemas);
    COMPILED.set(load, compiled);
    compiled.catch(() => COMPILED.delete(load));
  }
  return compiled;
}

/** `checkResponse` (src/client/policy/response-check.ts) once this module is loaded. */
export async function checkResponseBody(
  check: ResponseCheck,
  operation: string,
  response: Response,
  body: unknown,
): Promise<void> {
  const schemas = await loadResponseSchemas(check.tables);
  const found = schemas.check(operation, response.status, body);
  if (found === undefined || found.length === 0) return;
  const forms = secretForms(check.secrets);
  const problems = found.map((problem) => ({
    ...problem,
    pointer: pointerWithoutSecrets(problem.pointer, forms),
  }));
  const error = new APIResponseValidationError({
    operation,
    status: response.status,
    problems,
    requestId: response.headers.get(REQUEST_ID_HEADER) ?? undefined,
  });
  if (check.mode === 'throw') throw error;
  check.logger.warn(error.message, { operation, status: response.status, pointer: error.pointer });
}

/**
 * `pointer` with each segment that names a secret as `***`: a server may echo the key as a
 * property name, which the pointer spells (`/` as `~1`, `~` as `~0`, then encodeURI).
 */
function pointerWithoutSecrets(pointer: string, forms: readonly string[]): string {
  if (forms.length === 0) return pointer;
  return pointer
    .split('/')
    .map((segment) =>
      holdsSecret(segment, forms) || holdsSecret(decodedSegment(segment), forms)
        ? REDACTED
        : segment,
    )
    .join('/');
}

/** A pointer segment's property name (cfworker: encodeURI of the name, `~` and `/` escaped). */
function decodedSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // not percent-encoding after all: the escapes alone are undone
  }
  return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
}
