/**
 * Response validation at run time (`validateResponses`): the options' checks, the sampling
 * decision, and `checkResponse`, which imports src/client/policy/response-schema.ts (the
 * validator, the schemas, the error) on the first checked response. With validation off none
 * of that is loaded, and a bundler that splits dynamic imports keeps it out of the main chunk.
 */
import { FeatherError } from '../../../common/feather-error.ts';
import type { ResponseCheck } from './response-schema.ts';

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

/**
 * Checks one response body against the spec for `operation` and its status: resolves when it
 * conforms or the mismatch was logged (`warn`), rejects with an `APIResponseValidationError`
 * (`throw`).
 */
export function checkResponse(
  check: ResponseCheck,
  operation: string,
  response: Response,
  body: unknown,
): Promise<void> {
  return import('./response-schema.ts').then((loaded) =>
    loaded.checkResponseBody(check, operation, response, body),
  );
}
