/**
 * Operation functions: `getIntegrationDashboard(client, init)` instead of
 * `client.GET('/v1/analytics/integrations/dashboard', init)`. generated/functions.ts declares one
 * per operation with `operationFunction`; each sends through the client's own send (src/client/client.ts),
 * so retries, errors, validation and the key's rules are the path style's, not a copy. Each
 * carries its operation's parameter rules, so a bundle holds the rules of the functions it
 * imports only.
 */
import type { FetchResponse } from 'openapi-fetch';
import type { HttpMethod, MediaType, PathsWithMethod } from 'openapi-typescript-helpers';
import type { paths } from '../../generated/schema.ts';
import type { ParameterRule } from '../../common/parameter-rule.ts';
import { CLIENT_SEND, type ClientTables, type OperationSpec } from './transport/call-context.ts';
import type { OperationFactsLookup } from './policy/operation-facts.ts';
import { directPath } from './transport/direct.ts';
import { createQuerySerializer } from './transport/serialize.ts';
import {
  clientOn,
  type CoreSource,
  type FeatherClient,
  type FeatherInit,
  type InitParam,
} from './client.ts';
import { loadOpenapiFetch } from './lazy-core.ts';
import type { FeatherClientOptions } from './options.ts';
import { FeatherError } from '../../common/feather-error.ts';

/**
 * The function of the `Method` operation of `Path`, over openapi-fetch's generic init and result
 * types (kept for code that names it; the generated functions are `OperationFn`s): takes the client and the operation's init
 * (`params`, `body`, `headers`, the per-request options, as the path style does) and returns what
 * `client[Method](Path, init)` returns, so `unwrap`, `paginate` and `streamEvents` take it.
 */
export interface OperationFunction<
  Path extends PathsWithMethod<Paths, Method>,
  Method extends HttpMethod,
  // A parameter, as in openapi-fetch's `ClientMethod`: `Paths[Path][Method]` meets
  // `FetchResponse`'s constraint only through `Paths`' own.
  Paths extends Record<string, any> = paths,
> {
  <Init extends FeatherInit<Paths, Path, Method>>(
    client: FeatherClient,
    ...init: InitParam<Init>
  ): Promise<FetchResponse<Paths[Path][Method], Init, MediaType>>;
  /** The operation's method, as the path style names it (`GET`). */
  readonly method: Uppercase<Method>;
  /** The operation's path template (what `paginate` takes in place of the function). */
  readonly path: Path;
}

/**
 * The function, untyped: generated/functions.ts declares each one's type (`OperationFn`,
 * src/client/operation-fn.ts), which this is assignable to.
 */
type UntypedOperationFunction<Method extends string, Path extends string> = ((
  client: FeatherClient,
  init?: any,
) => Promise<any>) & { readonly method: Method; readonly path: Path };

/**
 * The operation function of `method` `path` (used by generated/functions.ts, which declares its
 * type). `rules` are the operation's parameter checks; `keyedBody` says its JSON body declares
 * `idempotency_key`.
 */
export function operationFunction<Path extends string, Method extends string>(
  method: Uppercase<Method>,
  path: Path,
  rules: readonly ParameterRule[],
  keyedBody = false,
): UntypedOperationFunction<Uppercase<Method>, Path> {
  const operation: OperationSpec = { rules, keyedBody, direct: directPath(path) };
  const call = (client: FeatherClient, init?: Record<string, unknown>): Promise<unknown> => {
    const send = CLIENT_SEND.get(client);
    if (send === undefined) {
      return Promise.reject(
        new FeatherError(
          `${method} ${path}: the first argument is not a client from createFeatherClient()`,
        ),
      );
    }
    return send(method, path, init, operation);
  };
  return Object.assign(call, { method, path });
}

/**
 * The functions' client's lookup of its path-style calls' facts (policy/operation-facts.ts),
 * imported on its first path-style call that needs one: an operation function brings its own.
 */
function lazyFactsLookup(tables: ClientTables): OperationFactsLookup {
  let lookup: OperationFactsLookup | undefined;
  return (method, path) =>
    lookup !== undefined
      ? lookup(method, path)
      : import('./policy/operation-facts.ts').then((loaded) => {
          lookup ??= loaded.factsLookup(tables);
          return lookup(method, path);
        });
}

/**
 * openapi-fetch's core, imported by the first call that needs it (path style, middleware), and
 * our query serializer (transport/serialize.ts): a bundle of functions holds none of openapi-fetch.
 */
const LAZY_CORE: CoreSource = {
  load: loadOpenapiFetch,
  factsLookup: lazyFactsLookup,
  createQuerySerializer,
};

/** No parameter, pagination or idempotency tables: the operation functions carry their own. */
const NO_TABLES = { PARAMETER_RULES: {}, PAGINATION: {}, IDEMPOTENCY_KEY_BODY_OPERATIONS: [] };

/**
 * `createFeatherClient` for the operation functions: the same client and options, without the
 * package's parameter table, so that a bundle holds only the rules of the functions it imports.
 * Its own path-style methods send unchecked unless `options.generated` gives tables. openapi-fetch's
 * core is imported on the first call that goes through it (a path-style call, or an operation
 * function with middleware or a custom serializer), not before.
 */
export function createOperationClient(options?: FeatherClientOptions): FeatherClient {
  return clientOn(options ?? {}, NO_TABLES, LAZY_CORE);
}
