/**
 * The throwing style, built on the result style: `unwrap(await client.GET(...))` returns `data`
 * or throws the `APIError` subclass for the status. Failure is decided on `!response.ok`, never on
 * `error` being set: openapi-fetch leaves `error` undefined for an error with an empty body.
 */
import { DEEP_ERROR_BODIES, RESPONSE_METHODS } from './transport/call-context.ts';
import { APIError } from './errors.ts';

/** The shape of every openapi-fetch result. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The success data of a result type; `undefined` for an operation that answers without a body
 * (204: openapi-fetch types its data `never`).
 */
export type UnwrappedData<R extends FetchResult> = [Exclude<R['data'], undefined>] extends [never]
  ? undefined
  : Exclude<R['data'], undefined>;

/**
 * `data` of an ok result; else throws `APIError.generate(...)`: `BadRequestError`,
 * `AuthenticationError`, `NotFoundError`, `UnprocessableEntityError`, `RateLimitError`,
 * `InternalServerError`, ... with the status, the error body, the headers and the request id.
 * Given a promise, returns a promise.
 */
export function unwrap<R extends FetchResult>(result: Promise<R>): Promise<UnwrappedData<R>>;
export function unwrap<R extends FetchResult>(result: R): UnwrappedData<R>;
export function unwrap<R extends FetchResult>(
  result: R | Promise<R>,
): UnwrappedData<R> | Promise<UnwrappedData<R>> {
  if (result instanceof Promise) return result.then((settled) => unwrapResult(settled));
  return unwrapResult(result);
}

function unwrapResult<R extends FetchResult>(result: R): UnwrappedData<R> {
  const { response } = result;
  if (response.ok) return result.data as UnwrappedData<R>;
  throw APIError.generate({
    status: response.status,
    headers: response.headers,
    // A body nested too deep to walk is kept as its text (src/fetch.ts, `finalError`).
    body: DEEP_ERROR_BODIES.get(response) ?? result.error,
    method: RESPONSE_METHODS.get(response),
    url: response.url ? response.url.replace(/[?#].*$/, '') : undefined,
  });
}
