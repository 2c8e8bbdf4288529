/**
 * Response validation at run time (`validateResponses`): the decision whether to check a
 * response, and the check itself, which imports the validator and the schemas on first use
 * (src/client/policy/response-schema.ts, generated/response-schemas.ts). With validation off, nothing of
 * either is loaded, and bundlers split both out of the client's bundle.
 */
import { APIResponseValidationError, FeatherError } from '../errors.ts';
import type { GeneratedTables } from '../transport/call-context.ts';
import type { RedactingLogger } from '../logger.ts';
import { REQUEST_ID_HEADER } from '../constants.ts';
import type { ResponseSchemas } from './response-schema.ts';

/** `off`: no check; `warn`: a mismatch is logged; `throw`: it rejects the call. */
export type ResponseValidationMode = 'off' | 'warn' | 'throw';

const MODES: readonly string[] = ['off', 'warn', 'throw'];

/** A mode from an option, or a `FeatherError` naming it. */
export function checkValidationMode(value: unknown, name: string): ResponseValidationMode {
  if (typeof value === 'string' && MODES.includes(value)) return value as ResponseValidationMode;
  throw new FeatherError(`${name} is ${String(value)}: expected "off", "warn" or "throw"`);
}

/** A sampling rate: a number from 0 to 1. */
export function checkSampleRate(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new FeatherError(`${name} is ${String(value)}: expected a number from 0 to 1`);
  }
  return value;
}

/** True when this response is to be checked: `rate` 1 always, 0 never, else at random. */
export function sampled(rate: number, random: () => number = Math.random): boolean {
  return rate >= 1 || (rate > 0 && random() < rate);
}

/** The compiled schemas of each generation's loader, shared by every client on it. */
const COMPILED = new WeakMap<object, Promise<ResponseSchemas>>();

/** The compiled response schemas of `tables`, loaded (validator and schemas) on first use. */
export function loadResponseSchemas(tables: GeneratedTables): Promise<ResponseSchemas> {
  const load = tables.loadResponseSchemas;
  if (load === undefined) {
    return Promise.reject(
      new FeatherError(
        'validateResponses: the generated tables have no loadResponseSchemas (generated before ' +
          'response validation existed): run `npm run generate` on them',
      ),
    );
  }
  let compiled = COMPILED.get(load);
  if (compiled === undefined) {
    compiled = Promise.all([import('./response-schema.ts'), load()]).then(
      ([{ compileResponseSchemas }, module]) => compileResponseSchemas(module),
    );
    COMPILED.set(load, compiled);
    compiled.catch(() => COMPILED.delete(load));
  }
  return compiled;
}

/** Checks one response of a call; resolves when it conforms or was only logged. */
export async function checkResponse(
  check: { tables: GeneratedTables; logger: RedactingLogger; mode: ResponseValidationMode },
  operation: string,
  response: Response,
  body: unknown,
): Promise<void> {
  const schemas = await loadResponseSchemas(check.tables);
  const problems = schemas.check(operation, response.status, body);
  if (problems === undefined || problems.length === 0) return;
  const error = new APIResponseValidationError({
    operation,
    status: response.status,
    problems,
    requestId: response.headers.get(REQUEST_ID_HEADER) ?? undefined,
  });
  if (check.mode === 'throw') throw error;
  check.logger.warn(error.message, { operation, status: response.status, pointer: error.pointer });
}
