/**
 * `validateParameters`, the public form of the client's check (policy/validate.ts) with its
 * messages (policy/validation-messages.ts), against the package's generated rules by default.
 */
import { PARAMETER_RULES, type ParameterRule } from '../../../generated/index.ts';
import type { ParameterProblem } from '../errors.ts';
import { operationBreaches, type RequestParams } from './validate.ts';
import { parameterProblems } from './validation-messages.ts';

/**
 * The problems with `params` for `operation` (`"GET /v1/..."`, the spec's path template):
 * missing required parameters, wrong types, enum, pattern, `format: date`/`date-time`,
 * minimum/maximum, length and array item constraints, and query or path names the operation does
 * not declare. An empty list means valid.
 */
export function validateParameters(
  operation: string,
  params: RequestParams | undefined,
  rules: Readonly<Record<string, readonly ParameterRule[]>> = PARAMETER_RULES,
): ParameterProblem[] {
  // Own keys only: `constructor` or `__proto__` would find Object.prototype's.
  const operationRules = Object.hasOwn(rules, operation) ? rules[operation] : undefined;
  return operationRules ? parameterProblems(operationBreaches(operationRules, params)) : [];
}
