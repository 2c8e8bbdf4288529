/**
 * `createFeatherClient`: an openapi-fetch client over the generated `paths`, whose custom
 * `fetch` is the retrying fetch (src/client/transport/fetch.ts) and whose methods check parameters first
 * (src/client/policy/validate.ts). Results keep openapi-fetch's `{ data, error, response }` shape and `use()`
 * middleware works as openapi-fetch documents it.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/index.ts';
import {
  endCall,
  startCall,
  toFeatherError,
  urlForMessages,
  type CallState,
} from './transport/call.ts';
import { sendWithRetries } from './transport/fetch.ts';
import { PartsOrRequest, RequestParts } from './transport/request.ts';
import {
  globalFetch,
  resolveOptions,
  type FeatherClientOptions,
  type FeatherRequestOptions,
} from './options.ts';
import { parameterChecker, type RequestParams } from './policy/validate.ts';
import { CLIENT_TABLES, RESPONSE_METHODS, STREAM_CALLS } from './transport/call-context.ts';
import { declaresIdempotencyHeader, withIdempotencyKey } from './policy/idempotency.ts';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

declare global {
  /**
   * openapi-fetch types a call's init as its own keys plus `RequestInit`, and has no other place
   * for typed extra keys: `maxRetries`, `timeoutMs` and `validate` are checked there, so that the
   * client stays exactly `Client<paths>` (Next.js adds its `next` option the same way).
   */
  interface RequestInit extends FeatherRequestOptions {}
}

/** openapi-fetch's `ClientMethod` over our `paths` (`FeatherRequestOptions` typed in the init). */
export type FeatherMethod<Method extends HttpMethod> = Client<paths>[Uppercase<Method>];

/** openapi-fetch's `ClientRequestMethod` over our `paths` (`FeatherRequestOptions` typed in the init). */
export type FeatherRequestMethod = Client<paths>['request'];

/**
 * The client: openapi-fetch's `Client<paths>` itself, not a copy of its method types. A copy
 * costs TypeScript a union over every path for each comparison with `Client<paths>` (TS2590 at
 * the whole API) and hides `paths` from libraries that infer it (openapi-react-query).
 */
export interface FeatherClient extends Client<paths> {}

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
  // `RequestParts` (docs/performance.md).
  const middlewares: unknown[] = [];
  const defaultRequest = resolved.clientOptions.Request === undefined;
  const { tables } = resolved;
  const checkParameters = parameterChecker(tables.PARAMETER_RULES);
  // Operations a repeat is safe for: `idempotency_key` in the body, or a declared header.
  const keyedBody = new Set(tables.IDEMPOTENCY_KEY_BODY_OPERATIONS);
  const keyedHeader = new Set(
    Object.keys(tables.PARAMETER_RULES).filter((operation) =>
      declaresIdempotencyHeader(tables.PARAMETER_RULES[operation]),
    ),
  );

  // A plain function, not `async`: one promise less per call on the hot path.
  const send = (method: string, path: string, init?: LooseInit): Promise<LooseResult> => {
    let call: CallState;
    try {
      if (init?.validate ?? resolved.validate) checkParameters(method, path, init?.params);
      call = startCall(resolved, init ?? {});
    } catch (error) {
      return Promise.reject(error);
    }
    if (method !== 'GET' && keyedBody.size + keyedHeader.size > 0) {
      const operation = `${method} ${path}`;
      if (keyedBody.has(operation)) {
        const keyed = withIdempotencyKey(init?.body, resolved.autoIdempotencyKey);
        if (keyed.body !== init?.body) init = { ...init, body: keyed.body };
        call.safeToRepeat = keyed.safeToRepeat;
      } else if (keyedHeader.has(operation)) {
        call.safeToRepeat = new Headers(init?.headers as HeadersInit | undefined).has(
          'idempotency-key',
        );
      }
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
        const { response } = result;
        if (!response.ok) RESPONSE_METHODS.set(response, method);
        else if (init?.parseAs === 'stream') {
          STREAM_CALLS.set(response, {
            method,
            url: urlForMessages(response.url || path),
            timeoutMs: call.timeoutMs,
            signal: init.signal as AbortSignal | undefined,
          });
          endCall(call, true);
          return result;
        }
        endCall(call, false);
        return result;
      },
      (error: unknown) => {
        endCall(call, false);
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
  CLIENT_TABLES.set(client, tables);
  return client as unknown as FeatherClient;
}
