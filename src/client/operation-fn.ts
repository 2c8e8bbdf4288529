/**
 * The type of one operation function, with nothing generic left for a call to infer:
 * generated/functions.ts gives each function its own init, data and error types (indexed from
 * `operations` in generated/schema.ts), so that checking `getX(client, init)` relates the init to
 * one object type and instantiates nothing (docs/performance.md, "Type check at 200 call sites").
 * openapi-fetch's generic `MaybeOptionalInit` and `FetchResponse` cost a few hundred
 * instantiations per call, mostly `Readable`'s deep mapping of the data, an identity where the
 * schema has no `$Read` markers (ours has none).
 */
import type { FeatherClient } from './client.ts';
import type { InitArgs } from './init-args.ts';

/** What a call resolves to, as openapi-fetch's `FetchResponse` has it. */
export type OperationResult<Data, Error> =
  | { data: Data; error?: never; response: Response }
  | { data?: never; error: Error; response: Response };

/** `data` as a `parseAs` other than JSON gives it, as openapi-fetch's `BodyType`. */
export interface ParsedBody {
  text: string;
  blob: Blob;
  arrayBuffer: ArrayBuffer;
  stream: Response['body'];
}

/**
 * An operation function: takes the client and the operation's init (`params`, `body`, `headers`,
 * the per-request options) and returns `{ data, error, response }`, so `unwrap`, `paginate` and
 * `streamEvents` take it. Two signatures: the JSON one, with nothing to infer, which a call
 * without `parseAs` resolves to; then one for the other `parseAs` values, which types `data` as
 * openapi-fetch does (one overload per value made completing inside the init slower: each
 * overload is tried).
 */
export interface OperationFn<Method extends string, Path extends string, Init, Data, Error> {
  (
    client: FeatherClient,
    ...init: InitArgs<Init, { parseAs?: 'json' }>
  ): Promise<OperationResult<Data, Error>>;
  <As extends keyof ParsedBody>(
    client: FeatherClient,
    ...init: InitArgs<Init, { parseAs: As }>
  ): Promise<OperationResult<ParsedBody[As], Error>>;
  /** The operation's method, as the path style names it (`GET`). */
  readonly method: Method;
  /** The operation's path template (what `paginate` takes in place of the function). */
  readonly path: Path;
}
