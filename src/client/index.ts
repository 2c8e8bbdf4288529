/** The client's public names: what src/index.ts exports besides the generated types and drift. */
export { createFeatherClient } from './create-client.ts';
export type { FeatherClient, FeatherMethod, FeatherRequestMethod } from './client.ts';
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
export type { ServerSentEvent, StreamEventsOptions, StreamSource } from './stream.ts';
export type { GeneratedTables } from './transport/call-context.ts';
export { FeatherError } from '../../common/feather-error.ts';
export {
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
  APIResponseTooLargeError,
  FeatherValidationError,
} from './errors.ts';
export type { APIErrorBody, APIErrorInit, ParameterProblem, TransportErrorInit } from './errors.ts';
export { APIResponseValidationError } from './response-validation-error.ts';
export type { ResponseProblem } from './response-validation-error.ts';
export type { ResponseValidationMode } from './policy/response-check.ts';
export type { FeatherClientOptions, FeatherRequestOptions, FetchLike } from './options.ts';
export type { ApiKeySource } from './policy/auth.ts';
export type { Logger, LogLevel } from './logger.ts';
export { validateParameters } from './policy/validate-parameters.ts';
export { DEFAULT_BASE_URL } from '../../common/base-url.ts';
