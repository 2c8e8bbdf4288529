/**
 * What the helpers built on the client (`paginate`, `streamEvents`, `unwrap`) learn about a
 * client or a response that openapi-fetch's result does not carry: the generated tables a client
 * runs on, the method of an error response, the limits of a streamed call. Weak maps: nothing
 * here keeps a client or a response alive, and nothing is added to the objects users see.
 */
import {
  IDEMPOTENCY_KEY_BODY_OPERATIONS,
  loadResponseSchemas,
  PAGINATION,
  PARAMETER_RULES,
  PARAMETER_SHARDS,
  type PaginationMeta,
  type ParameterRule,
  type ParameterShard,
} from '../../../generated/index.ts';

/** The generated tables a client runs on: `generated/index.ts` of the package, or another one. */
export interface GeneratedTables {
  PARAMETER_RULES: Readonly<Record<string, readonly ParameterRule[]>>;
  PAGINATION: Readonly<Record<string, PaginationMeta>>;
  IDEMPOTENCY_KEY_BODY_OPERATIONS: readonly string[];
  /** Imports the response schemas (`validateResponses`, the testing kit); absent before 0.2. */
  loadResponseSchemas?: () => Promise<{ RESPONSE_SCHEMAS_JSON: string }>;
}

/** The package's own generated tables. */
export const PACKAGE_TABLES: GeneratedTables = {
  PARAMETER_RULES,
  PAGINATION,
  IDEMPOTENCY_KEY_BODY_OPERATIONS,
  loadResponseSchemas,
};

/**
 * The package's tables as `createFeatherClient` runs on them: the parameter rules imported shard
 * by shard on first use (generated/parameter-shards/), pagination left to `paginate`, so that a
 * bundle does not hold every operation's rules (docs/performance.md, "Bundle size").
 */
export interface ShardedTables {
  /** The import of each shard, by number (common/parameter-shard.ts). */
  PARAMETER_SHARDS: readonly (() => Promise<ParameterShard>)[];
  loadResponseSchemas: NonNullable<GeneratedTables['loadResponseSchemas']>;
}

export const PACKAGE_SHARDED_TABLES: ShardedTables = { PARAMETER_SHARDS, loadResponseSchemas };

/** What a client runs on: tables given in full (`options.generated`), or the package's shards. */
export type ClientTables = GeneratedTables | ShardedTables;

/** What an operation function (src/client/operation.ts) knows of its operation, besides method and path. */
export interface OperationSpec {
  /** The operation's parameter rules (generated/functions.ts carries each operation's own). */
  rules: readonly ParameterRule[];
  /** True when its JSON body declares `idempotency_key`. */
  keyedBody: boolean;
  /**
   * Its direct path (transport/direct.ts's `DirectPath`, typed there: that module imports this
   * one); absent, openapi-fetch builds its request.
   */
  direct?: object;
}

/** How a client sends one call: what its methods and the operation functions share. */
export type ClientSend = (
  method: string,
  path: string,
  init: Record<string, unknown> | undefined,
  operation?: OperationSpec,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** Client -> its send (read by the operation functions). */
export const CLIENT_SEND = new WeakMap<object, ClientSend>();

/**
 * Client -> the secrets it was created with (a string `apiKey`, the credentials in its `headers`),
 * scrubbed from what `paginate` quotes of a page.
 */
export const CLIENT_SECRETS = new WeakMap<object, readonly string[]>();

/**
 * Response -> the keys its call sent, when the client's `apiKey` is a function (its keys differ
 * from call to call): scrubbed, with `CLIENT_SECRETS`, from what `paginate` quotes of a page.
 */
export const RESPONSE_SECRETS = new WeakMap<Response, readonly string[]>();

/** Client -> the tables it was created with (read by `paginate`). */
export const CLIENT_TABLES = new WeakMap<object, ClientTables>();

/** Error response -> `GET`, `POST`, ... (read by `unwrap` for its message). */
export const RESPONSE_METHODS = new WeakMap<Response, string>();

/**
 * Error response -> its body as text, when that body nests deeper than `MAX_ERROR_BODY_DEPTH`
 * (read by `unwrap`, whose `APIError` keeps the text rather than a value that overflows the stack).
 */
export const DEEP_ERROR_BODIES = new WeakMap<Response, string>();

/** What `streamEvents` needs to know about a `parseAs: 'stream'` call. */
export interface StreamCall {
  method: string;
  /** Origin and path, for messages. */
  url: string;
  /** The call's `timeoutMs`: here, the longest wait for the next chunk. */
  timeoutMs: number;
  /** The caller's signal, if any. */
  signal?: AbortSignal;
  /** The call's secrets (the key, the user's credentials), scrubbed from a failed read's error. */
  secrets?: readonly string[];
}

/** Response of a `parseAs: 'stream'` call -> its limits (read by `streamEvents`). */
export const STREAM_CALLS = new WeakMap<Response, StreamCall>();
