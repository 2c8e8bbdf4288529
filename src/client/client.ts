/**
 * `createFeatherClient`: an openapi-fetch client over the generated `paths`, whose custom
 * `fetch` is the retrying fetch (src/client/transport/fetch.ts) and whose methods check parameters first
 * (src/client/policy/validate.ts). Results keep openapi-fetch's `{ data, error, response }` shape and `use()`
 * middleware works as openapi-fetch documents it.
 */
import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type QuerySerializerOptions,
} from 'openapi-fetch';
// openapi-fetch's own helpers: with the same `RequiredKeysOf` in `InitParam`, TypeScript relates
// our methods to openapi-fetch's structurally, so the client stays a `Client<paths>`.
import type {
  HttpMethod,
  MediaType,
  PathsWithMethod,
  RequiredKeysOf,
} from 'openapi-typescript-helpers';
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
import {
  assertOperationParameters,
  assertSafePathValues,
  loneSurrogateProblems,
  type RequestParams,
} from './policy/validate.ts';
import { shardFacts, tableFacts, type OperationFacts } from './policy/operation-facts.ts';
import { assertNoCredentials } from './policy/auth.ts';
import { FeatherValidationError } from './errors.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { safeQuerySerializer } from './transport/query.ts';
import {
  CLIENT_SEND,
  CLIENT_TABLES,
  PACKAGE_SHARDED_TABLES,
  RESPONSE_METHODS,
  STREAM_CALLS,
  type ClientTables,
  type OperationSpec,
} from './transport/call-context.ts';
import { declaresIdempotencyHeader, withIdempotencyKey } from './policy/idempotency.ts';
import {
  checkResponse,
  checkValidationMode,
  sampled,
  type ResponseValidationMode,
} from './policy/response-check.ts';

declare global {
  /**
   * openapi-fetch types a call's init as its own keys plus `RequestInit`, and has no other place
   * for typed extra keys: `maxRetries`, `timeoutMs` and `validate` are checked there, so that the
   * client stays exactly `Client<paths>` (Next.js adds its `next` option the same way).
   */
  interface RequestInit extends FeatherRequestOptions {}
}

/**
 * openapi-fetch's init for the `Method` operation of `Path`: `MaybeOptionalInit<paths[Path],
 * Method>` as openapi-fetch's `ClientMethod` has it for one path, but for a union of paths a
 * union of per-path inits (the mapped type distributes), not the init of a union of operations.
 * When tsserver completes a path argument, it resolves the call with `Path` at its constraint,
 * every path of the method; openapi-fetch's form then takes the union of all those operations
 * through `FetchOptions` and `RequiredKeysOf`, which passes TypeScript's limit of 5,000,000
 * instantiations per expression at about 310 GET paths, and completion answers nothing
 * (docs/client.md, "Path completion").
 */
export type FeatherInit<
  Paths extends Record<string, any>,
  Path extends keyof Paths,
  Method extends HttpMethod,
> = {
  [P in Path]: MaybeOptionalInit<Paths[P], Method>;
}[Path];

/** openapi-fetch's `InitParam`: the init is optional when none of its keys is required. */
export type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & { [key: string]: unknown })?]
    : [Init & { [key: string]: unknown }];

/**
 * A method of the client (`GET`, `POST`, ...): openapi-fetch's `ClientMethod` over our `paths`,
 * with `FeatherRequestOptions` typed in the init, and `Init` constrained through `FeatherInit`.
 */
export interface FeatherMethod<
  Method extends HttpMethod,
  Paths extends Record<string, any> = paths,
> {
  <Path extends PathsWithMethod<Paths, Method>, Init extends FeatherInit<Paths, Path, Method>>(
    url: Path,
    ...init: InitParam<Init>
  ): Promise<FetchResponse<Paths[Path][Method], Init, MediaType>>;
}

/** openapi-fetch's `ClientRequestMethod` over our `paths` (`FeatherRequestOptions` typed in the init). */
export type FeatherRequestMethod = Client<paths>['request'];

/**
 * The client: openapi-fetch's `Client<paths>`, with each method's signature in the form above
 * (assignable to openapi-fetch's, so the client is a `Client<paths>` for libraries that take one
 * and infer `paths` from it, such as openapi-react-query).
 */
export interface FeatherClient extends Client<paths> {
  /** Call a GET endpoint */
  GET: FeatherMethod<'get'>;
  /** Call a PUT endpoint */
  PUT: FeatherMethod<'put'>;
  /** Call a POST endpoint */
  POST: FeatherMethod<'post'>;
  /** Call a DELETE endpoint */
  DELETE: FeatherMethod<'delete'>;
  /** Call a OPTIONS endpoint */
  OPTIONS: FeatherMethod<'options'>;
  /** Call a HEAD endpoint */
  HEAD: FeatherMethod<'head'>;
  /** Call a PATCH endpoint */
  PATCH: FeatherMethod<'patch'>;
  /** Call a TRACE endpoint */
  TRACE: FeatherMethod<'trace'>;
}

/** A call's `{ data, error, response }`, whatever the operation (the path types are the caller's). */
type UntypedResult = { data?: unknown; error?: unknown; response: Response };
/** A call's init, whatever the operation: openapi-fetch's keys, our per-call options, `params`. */
type UntypedInit = Record<string, unknown> & { params?: RequestParams };
/** openapi-fetch's client through its one method that takes the HTTP method as a string. */
type UntypedOpenapiFetch = {
  request(method: string, url: string, init: object): Promise<UntypedResult>;
};

/**
 * A typed client for the Feather API. Throws a `FeatherError` at once for a missing key
 * (`apiKey` option or `FEATHER_API_KEY`), a plain-http non-loopback `baseUrl` or a bad option.
 */
export function createFeatherClient(options?: FeatherClientOptions): FeatherClient {
  return clientOn(options ?? {}, PACKAGE_SHARDED_TABLES);
}

/**
 * The client over `defaultTables` (unless `options.generated` names others). The operation
 * functions' client (src/client/operation.ts) passes none: each function carries its own rules.
 */
export function clientOn(
  options: FeatherClientOptions,
  defaultTables: ClientTables,
): FeatherClient {
  const resolved = resolveOptions(options, defaultTables);
  const core = createClient<paths>(resolved.clientOptions);
  const untypedCore = core as unknown as UntypedOpenapiFetch;
  // The middleware registered through `use`, as openapi-fetch keeps it: with none (and the
  // default fetch and Request), nothing but our fetch sees the request, which can then be
  // `RequestParts` (docs/performance.md).
  const middlewares: unknown[] = [];
  const defaultRequest = resolved.clientOptions.Request === undefined;
  const { tables } = resolved;
  const given = options?.querySerializer;
  const queryOptions = typeof given === 'object' ? given : undefined;
  // Each operation's rules and whether a repeat is safe (`idempotency_key` in the body, or a
  // declared header): from given tables at once, from the package's shards once imported.
  const factsOf =
    'PARAMETER_RULES' in tables
      ? tableFacts(tables.PARAMETER_RULES, tables.IDEMPOTENCY_KEY_BODY_OPERATIONS)
      : shardFacts(tables.PARAMETER_SHARDS);

  // A plain function, not `async`: one promise less per call on the hot path. An operation
  // function (src/client/operation.ts) passes its own `operation`: its rules and idempotency, so that
  // the client's tables are not needed for it.
  const send = (
    method: string,
    path: string,
    init?: UntypedInit,
    operation?: OperationSpec,
  ): Promise<UntypedResult> => {
    let call: CallState;
    let requestMode: ResponseValidationMode | undefined;
    let facts: OperationFacts | undefined;
    try {
      if (init?.validateResponses !== undefined) {
        requestMode = checkValidationMode(init.validateResponses, 'validateResponses');
      }
      const validate = init?.validate ?? resolved.validate;
      // A GET without validation needs no facts (a repeat of a GET is always safe).
      if (!operation && (validate || method !== 'GET')) {
        const found = factsOf(method, path);
        // The first call of a shard not imported yet: again once it is (nothing is sent before).
        if (found instanceof Promise) {
          return found.then(
            () => send(method, path, init),
            (error: unknown) => {
              throw new FeatherError(
                `${method} ${path}: could not import its parameter rules (${String(error)}); nothing was sent`,
                { cause: error },
              );
            },
          );
        }
        facts = found;
      }
      const rules = operation ? operation.rules : facts?.rules;
      if (validate && rules !== undefined) {
        assertOperationParameters(method, path, rules, init?.params);
      } else assertSafePathValues(method, path, init?.params);
      if (typeof init?.baseUrl === 'string') assertNoCredentials(init.baseUrl, 'baseUrl');
      call = startCall(resolved, init ?? {});
    } catch (error) {
      return Promise.reject(error);
    }
    if (init?.querySerializer !== undefined && typeof init.querySerializer === 'object') {
      // openapi-fetch would merge it with the client's options object: ours is a function.
      init = {
        ...init,
        querySerializer: safeQuerySerializer({
          ...queryOptions,
          ...(init.querySerializer as QuerySerializerOptions),
        }),
      };
    }
    if (operation) {
      if (operation.keyedBody) {
        const keyed = withIdempotencyKey(init?.body, resolved.autoIdempotencyKey);
        if (keyed.body !== init?.body) init = { ...init, body: keyed.body };
        call.safeToRepeat = keyed.safeToRepeat;
      } else if (method !== 'GET' && declaresIdempotencyHeader(operation.rules)) {
        call.safeToRepeat = new Headers(init?.headers as HeadersInit | undefined).has(
          'idempotency-key',
        );
      }
    } else if (method !== 'GET' && facts !== undefined) {
      if (facts.keyedBody) {
        const keyed = withIdempotencyKey(init?.body, resolved.autoIdempotencyKey);
        if (keyed.body !== init?.body) init = { ...init, body: keyed.body };
        call.safeToRepeat = keyed.safeToRepeat;
      } else if (facts.keyedHeader) {
        call.safeToRepeat = new Headers(init?.headers as HeadersInit | undefined).has(
          'idempotency-key',
        );
      }
    }
    // A copy with our fetch, so that an init object reused by concurrent calls stays intact. Our
    // own keys (maxRetries, ...) stay in it: Request ignores them (cheaper than rest syntax).
    const fetchInit: UntypedInit = {
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
    return untypedCore.request(method, path, fetchInit).then(
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
        const mode =
          requestMode ??
          (resolved.validateResponses !== 'off' && sampled(resolved.validateResponsesSampleRate)
            ? resolved.validateResponses
            : 'off');
        if (mode === 'off' || (init?.parseAs !== undefined && init.parseAs !== 'json')) {
          return result;
        }
        const check = { tables, logger: resolved.logger, mode };
        const body = response.ok ? result.data : result.error;
        return checkResponse(check, `${method} ${path}`, response, body).then(() => result);
      },
      (error: unknown) => {
        endCall(call, false);
        if (error instanceof URIError && call.method === undefined) {
          // openapi-fetch's serializers met a lone surrogate: nothing was sent
          const problems = loneSurrogateProblems(init?.params);
          if (problems.length > 0) throw new FeatherValidationError(`${method} ${path}`, problems);
        }
        throw toFeatherError(error, call);
      },
    );
  };

  const method =
    (name: string) =>
    (path: string, init?: UntypedInit): Promise<UntypedResult> =>
      send(name, path, init);
  const client = {
    request: (name: string, path: string, init?: UntypedInit) =>
      send(name.toUpperCase(), path, init),
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
  CLIENT_SEND.set(client, send);
  return client as unknown as FeatherClient;
}
