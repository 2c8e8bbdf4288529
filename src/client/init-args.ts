/**
 * An operation's init as a written-out type: the operation's own `params` and `body` (generated,
 * `OperationInits` in generated/inits.ts and each function's type in generated/functions.ts)
 * with the per-request options, as the operation functions (src/client/operation-fn.ts) and the
 * path style's first signature (`FeatherMethod`, src/client/client.ts) take it. Relating a call's
 * init to one object type costs the checker little; openapi-fetch's generic `MaybeOptionalInit`
 * is computed over every path of the method while a call's init is checked or completed
 * (docs/performance.md, "Completion in the editor").
 */
import type {
  BodySerializer,
  ClientOptions,
  HeadersOptions,
  Middleware,
  PathSerializer,
  QuerySerializer,
  QuerySerializerOptions,
} from 'openapi-fetch';

/**
 * What every operation's init takes besides `params` and `body`: openapi-fetch's per-request
 * options and `RequestInit`'s (with ours: `maxRetries`, `timeoutMs`, `validate`, ...).
 */
export type OperationRequestOptions = Omit<RequestInit, 'body' | 'headers'> & {
  baseUrl?: string;
  querySerializer?: QuerySerializer<unknown> | QuerySerializerOptions;
  bodySerializer?: BodySerializer<unknown>;
  pathSerializer?: PathSerializer;
  fetch?: ClientOptions['fetch'];
  headers?: HeadersOptions;
  middleware?: Middleware[];
};

/**
 * The init's rest parameter: `Init` (`params`, `body`) with the request options, optional when
 * `Init` admits `undefined` (the generator writes `| undefined` where nothing is required). Its
 * `undefined` meets the options' object type as `never`: no `Exclude<Init, undefined>`, which
 * the path style's first signature would instantiate once per path of the method.
 */
export type InitArgs<Init, Extra> = undefined extends Init
  ? [init?: Init & OperationRequestOptions & Extra]
  : [init: Init & OperationRequestOptions & Extra];
