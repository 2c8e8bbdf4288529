/** @featherhq/api-client: the typed Feather API client and everything its users name. */
export { createFeatherClient } from './client.ts';
export type { FeatherClient, FeatherMethod, FeatherRequestMethod } from './client.ts';
export type { Middleware } from 'openapi-fetch';
export { unwrap } from './unwrap.ts';
export type { FetchResult, UnwrappedData } from './unwrap.ts';
export { paginate } from './paginate.ts';
export type {
  Paginate,
  PaginateInit,
  PaginatedPathOf,
  PageItemOf,
  PageOf,
  PaginatingClient,
  Paginator,
} from './paginate.ts';
export { streamEvents } from './stream.ts';
export type { ServerSentEvent, StreamEventsOptions } from './stream.ts';
export type { GeneratedTables } from './call-context.ts';
export {
  FeatherError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  APIRedirectError,
  APIResponseParseError,
  FeatherValidationError,
  APIResponseValidationError,
} from './errors.ts';
export type {
  APIErrorBody,
  APIErrorInit,
  ParameterProblem,
  ResponseProblem,
  TransportErrorInit,
} from './errors.ts';
export type { ResponseValidationMode } from './response-check.ts';
export type { FeatherClientOptions, FeatherRequestOptions, FetchLike } from './options.ts';
export type { ApiKeySource } from './auth.ts';
export type { Logger, LogLevel } from './logger.ts';
export { validateParameters } from './validate.ts';
export { DEFAULT_BASE_URL } from './constants.ts';
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
