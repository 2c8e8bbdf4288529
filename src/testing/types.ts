/**
 * The types of the testing kit's handlers, from the generated `paths`: a handler names a method
 * and a path the spec has, answers a status the spec declares for it, with that status's body.
 */
import type { paths } from '../../generated/index.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';

/** The paths that have `method` (openapi-typescript writes `get?: never` where they do not). */
export type MockPath<M extends HttpMethod> = {
  [P in keyof paths]: paths[P] extends Record<Lowercase<M>, { responses: unknown }> ? P : never;
}[keyof paths];

/** The spec's responses of one operation, by status. */
export type MockResponses<M extends HttpMethod, P extends MockPath<M>> =
  paths[P] extends Record<Lowercase<M>, { responses: infer R }> ? R : never;

/** The JSON body of one response; `never` when it declares none (a 204). */
export type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** `"default"` and `"4XX"`-style keys stand for any status; numbered keys for themselves. */
type StatusOf<S> = S extends number ? S : S extends 'default' | `${number}XX` ? number : never;

/**
 * What a handler answers: a status the spec declares for the operation and, optionally, its
 * body (left out: an example made from the schema). `fixture` names where the body came from,
 * for the error when the spec does not allow it.
 */
export type MockAnswer<M extends HttpMethod, P extends MockPath<M>> = {
  [S in keyof MockResponses<M, P>]: {
    status: StatusOf<S>;
    body?: JsonBody<MockResponses<M, P>[S]>;
    headers?: Record<string, string>;
    fixture?: string;
  };
}[keyof MockResponses<M, P>];

/** The request a handler answers. */
export interface MockRequest {
  request: Request;
  /** The path parameters, by the names the spec's path gives them. */
  params: Record<string, string>;
  url: URL;
}

/** A handler: an answer, or a function computing one per request. */
export type MockHandler<M extends HttpMethod, P extends MockPath<M>> =
  MockAnswer<M, P> | ((request: MockRequest) => MockAnswer<M, P> | Promise<MockAnswer<M, P>>);
