/**
 * The client (`clientOn`, under `createFeatherClient` and `createOperationClient`): an
 * openapi-fetch client over the generated `paths`, whose custom `fetch` is the retrying fetch (src/client/transport/fetch.ts) and whose methods check parameters first
 * (src/client/policy/validate.ts). Results keep openapi-fetch's `{ data, error, response }` shape and `use()`
 * middleware works as openapi-fetch documents it.
 */
// Types only: openapi-fetch's core comes from `coreSource` (src/client/create-client.ts imports it).
import type {
  Client,
  ClientOptions,
  FetchResponse,
  MaybeOptionalInit,
  ParseAs,
  QuerySerializerOptions,
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
import type { OperationInits } from '../../generated/inits.ts';
import type { InitArgs, OperationRequestOptions } from './init-args.ts';
import { endCall, startCall, type CallState } from './transport/call.ts';
import { urlForMessages } from '../../common/url-for-messages.ts';
import { sendWithRetries } from './transport/fetch.ts';
import { headerCheckingRequest, PartsOrRequest, RequestParts } from './transport/request.ts';
// Types only: an operation function brings its direct path (src/client/operation.ts), and
// `coreSource.pathDirect` the path style's (src/client/create-client.ts).
import type { DirectBase, DirectPath } from './transport/direct.ts';
import {
  assertSendableHeaders,
  globalFetch,
  resolveOptions,
  type FeatherClientOptions,
  type FeatherRequestOptions,
} from './options.ts';
import {
  operationBreaches,
  unsafePathBreaches,
  type ParameterBreach,
  type RequestParams,
} from './policy/validate.ts';
import type { OperationFacts, OperationFactsLookup } from './policy/operation-facts.ts';
import { assertNoCredentials } from './policy/auth.ts';
import { credentialSecrets } from './policy/secrets.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { safeQuerySerializer, type QuerySerializerFactory } from './transport/query.ts';
import {
  CLIENT_SEND,
  CLIENT_SECRETS,
  RESPONSE_SECRETS,
  CLIENT_TABLES,
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
 * A method of the client (`GET`, `POST`, ...). Two signatures. The first, for `paths` and a JSON
 * result (no `parseAs`), takes the operation's init as written out in generated/inits.ts: a
 * call's init is related to one object type. The second is openapi-fetch's `ClientMethod` over
 * our `paths`, with `FeatherRequestOptions` typed in the init and `Init` constrained through
 * `FeatherInit`; it takes the calls the first does not (`parseAs`, extra init keys, a call that
 * does not compile, other `Paths`) and makes the client a `Client<paths>` (assignable, and what
 * openapi-react-query infers `paths` from). Checking or completing an init against the second
 * computes openapi-fetch's init over every path of the method (`Init`'s constraint at `Path`'s):
 * on the whole API, 552 instantiations per call against the first's 69, and 34,538 against 152
 * for a completion inside the init (docs/performance.md, "Completion in the editor").
 */
export interface FeatherMethod<
  Method extends HttpMethod,
  Paths extends Record<string, any> = paths,
> {
  <Path extends (Paths extends paths ? keyof OperationInits[Method] & keyof Paths : never)>(
    url: Path,
    ...init: InitArgs<OperationInits[Method][Path], { parseAs?: 'json' }>
  ): Promise<FetchResponse<Paths[Path][Method], { parseAs?: 'json' }, MediaType>>;
  <Path extends PathsWithMethod<Paths, Method>, Init extends SecondInit<Paths, Path, Method>>(
    url: Path,
    ...init: InitParam<Init>
  ): Promise<FetchResponse<Paths[Path][Method], Init, MediaType>>;
}

/**
 * The second signature's `Init` constraint: for a path of `OperationInits` (our `paths`), the
 * written-out init with the request options and `parseAs`; else `FeatherInit`. While an init is
 * incomplete (the first signature does not apply) and completed, its apparent type, with `Path`
 * at its constraint, is then the union of the written-out inits, not openapi-fetch's init
 * computed over every path of the method: 14,743 instantiations for the first completion against
 * 34,637 (docs/performance.md, "Completion in the editor").
 */
export type SecondInit<
  Paths extends Record<string, any>,
  Path extends keyof Paths,
  Method extends HttpMethod,
> = Paths extends paths
  ? Path extends keyof OperationInits[Method]
    ? OperationInits[Method][Path] & OperationRequestOptions & { parseAs?: ParseAs }
    : FeatherInit<Paths, Path, Method>
  : FeatherInit<Paths, Path, Method>;

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
type Middleware = Parameters<Client<paths>['use']>[number];
/** openapi-fetch's client through its one method that takes the HTTP method as a string, and `use`. */
export type UntypedOpenapiFetch = {
  request(method: string, url: string, init: object): Promise<UntypedResult>;
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
};
/**
 * Where a client's openapi-fetch core comes from: `create`d with the client (`createClient`), or
 * `load`ed on the first call that needs it (imported then, not at the client's creation); the
 * query serializer factory its default serializer is made with (openapi-fetch's, or ours); and,
 * when given, the direct path of a path-style call's template (transport/direct.ts's
 * `cachedDirectPath`), so that the path style skips openapi-fetch as the functions do.
 */
export type CoreSource = {
  createQuerySerializer: QuerySerializerFactory;
  /** The path-style calls' facts over the client's tables (policy/operation-facts.ts's `factsLookup`). */
  factsLookup: (tables: ClientTables) => OperationFactsLookup;
  pathDirect?: (path: string) => DirectPath | undefined;
} & (
  | { create: (options: ClientOptions) => UntypedOpenapiFetch }
  | { load: (options: ClientOptions) => Promise<UntypedOpenapiFetch> }
);

/**
 * The client over `defaultTables` (unless `options.generated` names others), whose path-style
 * calls go through openapi-fetch's core from `coreSource`. The operation functions' client
 * (src/client/operation.ts) passes no tables (each function carries its own rules) and a core
 * imported on the first call that needs it: the functions send without it
 * unless middleware or a custom serializer is in play (src/client/transport/direct.ts).
 */
export function clientOn(
  options: FeatherClientOptions,
  defaultTables: ClientTables,
  coreSource: CoreSource,
): FeatherClient {
  const resolved = resolveOptions(options, defaultTables, coreSource.createQuerySerializer);
  const { clientOptions } = resolved;
  let core = 'create' in coreSource ? coreSource.create(clientOptions) : undefined;
  let loading: Promise<UntypedOpenapiFetch> | undefined;
  // The middleware registered through `use`, as openapi-fetch keeps it: with none (and the
  // default fetch and Request), nothing but our fetch sees the request, which can then be
  // `RequestParts` (docs/performance.md).
  const middlewares: Middleware[] = [];
  // Reached only while `core` is undefined: for a `load`ed core (a `create`d one is made above).
  // A failed import fails that call; the next call tries again.
  const coreReady = (): Promise<UntypedOpenapiFetch> =>
    (loading ??= (
      'create' in coreSource
        ? Promise.resolve(coreSource.create(clientOptions))
        : coreSource.load(clientOptions)
    ).then(
      (loaded) => {
        loaded.use(...middlewares);
        return (core = loaded);
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  const defaultRequest = clientOptions.Request === undefined;
  // What the direct path (operation functions) needs: openapi-fetch's defaults throughout.
  const directOk =
    !needsOpenapiFetch({ ...options, baseUrl: resolved.baseUrl }) &&
    clientOptions.requestInitExt === undefined;
  let directBase: DirectBase | undefined; // on the first direct call
  // The user's own credentials (Authorization, cookies, ...): scrubbed with the key.
  const clientCredentials = credentialSecrets(clientOptions.headers);
  /** A function `apiKey`: each call's keys are kept with its response, for `paginate`. */
  const rotatingKey = typeof resolved.apiKey === 'function';
  const { tables } = resolved;
  const given = options?.querySerializer;
  const queryOptions = typeof given === 'object' ? given : undefined;
  // Each operation's rules and whether a repeat is safe (`idempotency_key` in the body, or a
  // declared header): from given tables at once, from the package's shards once imported.
  const factsOf = coreSource.factsLookup(tables);

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
      const breaches =
        validate && rules !== undefined
          ? operationBreaches(rules, init?.params)
          : unsafePathBreaches(init?.params);
      if (breaches.length > 0) return rejectInvalid(`${method} ${path}`, breaches);
      if (typeof init?.baseUrl === 'string') assertNoCredentials(init.baseUrl, 'baseUrl');
      if (init?.headers || init?.params?.header) {
        assertSendableHeaders(init.headers, `${method} ${path}: headers`);
        assertSendableHeaders(init.params?.header, `${method} ${path}: params.header`);
      }
      call = startCall(resolved, init ?? {});
      const credentials =
        init?.headers || init?.params?.header
          ? [
              ...clientCredentials,
              ...credentialSecrets(init.headers),
              ...credentialSecrets(init.params?.header),
            ]
          : clientCredentials;
      for (const secret of credentials) {
        call.keys.push(secret);
        resolved.logger.addSecret(secret);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const canSendDirect =
      directOk &&
      middlewares.length === 0 &&
      (init === undefined ||
        (!needsOpenapiFetch(init) && !(init.middleware as unknown[] | undefined)?.length));
    const direct = !canSendDirect
      ? undefined
      : operation
        ? (operation.direct as DirectPath | undefined)
        : coreSource.pathDirect?.(path);
    const sendsDirect = direct !== undefined;
    if (init?.querySerializer !== undefined && typeof init.querySerializer === 'object') {
      // openapi-fetch would merge it with the client's options object: ours is a function.
      init = {
        ...init,
        querySerializer: safeQuerySerializer(
          { ...queryOptions, ...(init.querySerializer as QuerySerializerOptions) },
          coreSource.createQuerySerializer,
        ),
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
    let sent: Promise<UntypedResult>;
    if (sendsDirect) {
      directBase ??= direct.base(resolved);
      sent = direct.send(method, path, init, direct.placeholders, call, directBase);
    } else {
      // A copy with our fetch, so that an init object reused by concurrent calls stays intact. Our
      // own keys (maxRetries, ...) stay in it: Request ignores them (cheaper than rest syntax).
      const fetchInit: UntypedInit = {
        ...init,
        fetch: (request: Request | RequestParts, requestInit?: RequestInit) =>
          sendWithRetries(request, requestInit, call, resolved),
      };
      const withMiddleware =
        middlewares.length > 0 || (init?.middleware as unknown[] | undefined)?.length;
      if (defaultRequest && init?.Request === undefined) {
        if (!withMiddleware && call.fetch === globalFetch) fetchInit.Request = PartsOrRequest;
        else if (withMiddleware) fetchInit.Request = headerCheckingRequest(`${method} ${path}`);
      }
      sent =
        core !== undefined
          ? core.request(method, path, fetchInit)
          : coreReady().then((loaded) => loaded.request(method, path, fetchInit));
    }
    return sent.then(
      (result) => {
        const { response } = result;
        if (rotatingKey) RESPONSE_SECRETS.set(response, call.keys);
        if (!response.ok) RESPONSE_METHODS.set(response, method);
        else if (init?.parseAs === 'stream') {
          STREAM_CALLS.set(response, {
            method,
            url: urlForMessages(response.url || path),
            timeoutMs: call.timeoutMs,
            signal: init.signal as AbortSignal | undefined,
            secrets: call.keys,
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
        const check = { tables, logger: resolved.logger, mode, secrets: call.keys };
        const body = response.ok ? result.data : result.error;
        return checkResponse(check, `${method} ${path}`, response, body).then(() => result);
      },
      async (error: unknown) => {
        endCall(call, false);
        if (error instanceof URIError && call.method === undefined) {
          // openapi-fetch's serializers met a lone surrogate: nothing was sent
          const { loneSurrogateBreaches } = await import('./policy/lone-surrogates.ts');
          const breaches = loneSurrogateBreaches(init?.params);
          if (breaches.length > 0) return rejectInvalid(`${method} ${path}`, breaches);
        }
        // Imported on the first failure, with the error classes: a call that succeeds loads neither.
        const { toFeatherError } = await import('./transport/call-errors.ts').catch(() => {
          // Not loadable (the network dropped): the transport's own error, if it has one.
          throw call.failure !== undefined && error === call.failure.raw
            ? call.failure.typed
            : error;
        });
        throw toFeatherError(
          error,
          call,
          typeof resolved.apiKey === 'string' ? resolved.apiKey : undefined,
        );
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
    use: (...list: Middleware[]) => {
      for (const middleware of list) {
        if (core !== undefined) core.use(middleware);
        else if (middleware) assertMiddleware(middleware);
        if (middleware) middlewares.push(middleware);
      }
    },
    eject: (...list: Middleware[]) => {
      core?.eject(...list);
      for (const middleware of list) {
        const index = middlewares.indexOf(middleware);
        if (index !== -1) middlewares.splice(index, 1);
      }
    },
  };
  CLIENT_TABLES.set(client, tables);
  CLIENT_SECRETS.set(
    client,
    typeof resolved.apiKey === 'string'
      ? [resolved.apiKey, ...clientCredentials]
      : clientCredentials,
  );
  CLIENT_SEND.set(client, send);
  return client as unknown as FeatherClient;
}

/**
 * Rejects with a `FeatherValidationError` for `operation` (`"GET /v1/..."`) listing `breaches`.
 * The error classes and the messages are imported then, not with the client (docs/performance.md).
 */
async function rejectInvalid(
  operation: string,
  breaches: readonly ParameterBreach[],
): Promise<never> {
  const [{ FeatherValidationError }, { parameterProblems }] = await Promise.all([
    import('./errors.ts'),
    import('./policy/validation-messages.ts'),
  ]);
  throw new FeatherValidationError(operation, parameterProblems(breaches));
}

/**
 * Whether the client's options or a call's init hold what only openapi-fetch's core does: a
 * custom `Request`, body, path or query serializer, or a placeholder in `baseUrl` (openapi-fetch
 * fills placeholders in baseUrl + path, the direct path in the path only).
 */
function needsOpenapiFetch(init: Record<string, unknown>): boolean {
  return (
    init.Request !== undefined ||
    init.bodySerializer !== undefined ||
    init.pathSerializer !== undefined ||
    typeof init.querySerializer === 'function' ||
    (typeof init.baseUrl === 'string' && init.baseUrl.includes('{'))
  );
}

/** openapi-fetch's check in `use`, for a client whose core is not loaded yet (same message). */
function assertMiddleware(middleware: unknown): void {
  if (
    typeof middleware !== 'object' ||
    !('onRequest' in middleware! || 'onResponse' in middleware! || 'onError' in middleware!)
  ) {
    throw new Error(
      'Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`',
    );
  }
}
