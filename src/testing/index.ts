/**
 * @featherhq/api-client/testing: a stand-in for the Feather API in an app's tests, whose answers
 * are checked against the pinned spec. MSW handlers are in `@featherhq/api-client/testing/msw`
 * (msw is an optional peer dependency: this entry does not import it). The error it throws,
 * `APIResponseValidationError`, is the client's: import it from `@featherhq/api-client`.
 */
export { createFeatherMock } from './mock.ts';
export type { FeatherMock, FeatherMockOptions } from './mock.ts';
export { exampleFromSchema } from './example.ts';
export type { JsonSchema } from './example.ts';
export type {
  HttpMethod,
  JsonBody,
  MockAnswer,
  MockHandler,
  MockPath,
  MockRequest,
  MockResponses,
} from './types.ts';
