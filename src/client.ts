/**
 * `createFeatherClient`: an openapi-fetch client over the generated `paths`, whose custom
 * `fetch` is the retrying fetch (src/fetch.ts) and whose methods check parameters first
 * (src/validate.ts). Results keep openapi-fetch's `{ data, error, response }` shape and `use()`
 * middleware works as openapi-fetch documents it.
 */
import createClient, {
  type Client,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
} from 'openapi-fetch';
import type { paths } from '../generated/index.ts';
import {
  endCall,
  PartsOrRequest,
  RequestParts,
  sendWithRetries,
  startCall,
  toFeatherError,
  type CallState,
} from './fetch.ts';
import {
  globalFetch,
  resolveOptions,
  type FeatherClientOptions,
  type FeatherRequestOptions,
} from './options.ts';
import { assertValidParameters, type RequestParams } from './validate.ts';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type MediaType = `${string}/${string}`;
type RequiredKeysOf<T> = {
  [K in keyof T]-?: object extends Pick<T, K> ? never : K;
}[keyof T];
/** openapi-fetch's init plus the client's per-request options (typed, unlike other extra keys). */
type FeatherInit<Init> = Init & FeatherRequestOptions & { [key: string]: unknown };
type FeatherInitParam<Init> =
  RequiredKeysOf<Init> extends never ? [FeatherInit<Init>?] : [FeatherInit<Init>];

/** The operation of `Path` and `Method` (openapi-fetch's own types index the same way). */
type Operation<Path extends keyof paths, Method extends HttpMethod> = Extract<
  paths[Path][Method],
  Record<string | number, any>
>;

/** openapi-fetch's `ClientMethod` over our `paths`, with `FeatherRequestOptions` in the init. */
export type FeatherMethod<Method extends HttpMethod> = <
  Path extends ClientPathsWithMethod<Client<paths>, Method>,
  Init extends MaybeOptionalInit<paths[Path], Method>,
>(
  url: Path,
  ...init: FeatherInitParam<Init>
) => Promise<FetchResponse<Operation<Path, Method>, Init, MediaType>>;

/** openapi-fetch's `ClientRequestMethod` over our `paths`, with `FeatherRequestOptions` in the init. */
export type FeatherRequestMethod = <
  Method extends HttpMethod,
  Path extends ClientPathsWithMethod<Client<paths>, Method>,
  Init extends MaybeOptionalInit<paths[Path], Method>,
>(
  method: Method,
  url: Path,
  ...init: FeatherInitParam<Init>
) => Promise<FetchResponse<Operation<Path, Method>, Init, MediaType>>;

/** The client: openapi-fetch's `Client<paths>` with per-request retry, timeout and validation options. */
export type FeatherClient = Omit<
  Client<paths>,
  'request' | 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE'
> & {
  request: FeatherRequestMethod;
  GET: FeatherMethod<'get'>;
  PUT: FeatherMethod<'put'>;
  POST: FeatherMethod<'post'>;
  DELETE: FeatherMethod<'delete'>;
  OPTIONS: FeatherMethod<'options'>;
  HEAD: FeatherMethod<'head'>;
  PATCH: FeatherMethod<'patch'>;
  TRACE: FeatherMethod<'trace'>;
};

type LooseResult = { data?: unknown; error?: unknown; response: Response };
type LooseInit = Record<string, unknown> & { params?: RequestParams };
type LooseCore = { request(method: string, url: string, init: object): Promise<LooseResult> };

/**
 * A typed client for the Feather API. Throws a `FeatherError` at once for a missing key
 * (`apiKey` option or `FEATHER_API_KEY`), a plain-http non-loopback `baseUrl` or a bad option.
 */
export function createFeatherClient(options?: FeatherClientOptions): FeatherClient {
  const resolved = resolveOptions(options);
  const core = createClient<paths>(resolved.clientOptions);
  const loose = core as unknown as LooseCore;
  // The middleware registered through `use`, as openapi-fetch keeps it: with none (and the
  // default fetch and Request), nothing but our fetch sees the request, which can then be
  // `RequestParts` (README, "Performance").
  const middlewares: unknown[] = [];
  const defaultRequest = resolved.clientOptions.Request === undefined;

  // A plain function, not `async`: one promise less per call on the hot path.
  const send = (method: string, path: string, init?: LooseInit): Promise<LooseResult> => {
    let call: CallState;
    try {
      if (init?.validate ?? resolved.validate) assertValidParameters(method, path, init?.params);
      call = startCall(resolved, init ?? {});
    } catch (error) {
      return Promise.reject(error);
    }
    // A copy with our fetch, so that an init object reused by concurrent calls stays intact. Our
    // own keys (maxRetries, ...) stay in it: Request ignores them (cheaper than rest syntax).
    const fetchInit: LooseInit = {
      ...init,
      fetch: (request: Request | RequestParts, requestInit?: RequestInit) =>
        sendWithRetries(request, requestInit, call, resolved),
    };
    if (
      middlewares.length === 0 &&
      defaultRequest &&
      call.fetch === globalFetch &&
      init?.Request === undefined &&
      !(init?.middleware as unknown[] | undefined)?.length
    ) {
      fetchInit.Request = PartsOrRequest;
    }
    return loose.request(method, path, fetchInit).then(
      (result) => {
        endCall(call);
        return result;
      },
      (error: unknown) => {
        endCall(call);
        throw toFeatherError(error, call);
      },
    );
  };

  const method =
    (name: string) =>
    (path: string, init?: LooseInit): Promise<LooseResult> =>
      send(name, path, init);
  const client = {
    request: (name: string, path: string, init?: LooseInit) => send(name.toUpperCase(), path, init),
    GET: method('GET'),
    PUT: method('PUT'),
    POST: method('POST'),
    DELETE: method('DELETE'),
    OPTIONS: method('OPTIONS'),
    HEAD: method('HEAD'),
    PATCH: method('PATCH'),
    TRACE: method('TRACE'),
    use: (...list: Parameters<typeof core.use>) => {
      for (const middleware of list) {
        core.use(middleware);
        if (middleware) middlewares.push(middleware);
      }
    },
    eject: (...list: Parameters<typeof core.eject>) => {
      core.eject(...list);
      for (const middleware of list) {
        const index = middlewares.indexOf(middleware);
        if (index !== -1) middlewares.splice(index, 1);
      }
    },
  };
  return client as unknown as FeatherClient;
}
