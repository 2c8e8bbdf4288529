/** @featherhq/api-client: the typed Feather API client and everything its users name. */
export * from './client/index.ts';
export type { Middleware } from 'openapi-fetch';
export { PARAMETER_RULES, SPEC_FINGERPRINT } from '../generated/index.ts';
export type { ParameterRule } from '../generated/index.ts';
export type * from '../generated/index.ts';
export {
  checkSpecDrift,
  SpecDriftError,
  DriftInputError,
  type CheckSpecDriftOptions,
  type SpecDriftResult,
  type DriftReport,
  type DriftChange,
  type DriftCause,
} from './drift/index.ts';
