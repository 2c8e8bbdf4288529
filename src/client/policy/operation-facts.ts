/**
 * What a path-style call needs to know of its operation before it is sent: its parameter rules
 * and whether a repeat is safe (`idempotency_key` in its body, or a declared `Idempotency-Key`
 * header). From a client's own tables (`options.generated`) at once; from the package's shards
 * (generated/parameter-shards/), on the first call of a shard, after importing it: so that a
 * browser bundle holds the rules of the operations the app calls, not of the whole API
 * (docs/performance.md, "Bundle size").
 */
import type { ParameterRule } from '../../../common/parameter-rule.ts';
import { parameterShardOf } from '../../../common/parameter-shard.ts';
import { declaresIdempotencyHeader } from './idempotency.ts';

/** One operation's facts; `rules` is undefined for an operation the tables do not know. */
export interface OperationFacts {
  rules: readonly ParameterRule[] | undefined;
  keyedBody: boolean;
  keyedHeader: boolean;
}

/** The facts of `method` `path`: at once, or (a shard not imported yet) once it is. */
export type OperationFactsLookup = (
  method: string,
  path: string,
) => OperationFacts | Promise<OperationFacts>;

/** What a shard module holds (generated/parameter-shards/*.ts). */
export interface ParameterShardModule {
  RULES: Readonly<Record<string, readonly ParameterRule[]>>;
  KEYED_BODY: readonly string[];
}

/** Facts from whole tables: looked up by path, then method, in maps built once per lookup. */
export function tableFacts(
  rules: Readonly<Record<string, readonly ParameterRule[]>>,
  keyedBody: readonly string[],
): OperationFactsLookup {
  const keyed = new Set(keyedBody);
  return cachedFacts((operation) => factsOf(rules, keyed, operation));
}

/** Facts from shards, each imported (`imports[n]()`) on its first use and kept. */
export function shardFacts(
  imports: readonly (() => Promise<ParameterShardModule>)[],
): OperationFactsLookup {
  const shards = new Map<number, Promise<ParameterShardModule>>();
  return cachedFacts((operation) => {
    const shard = parameterShardOf(operation);
    let loading = shards.get(shard);
    if (loading === undefined) {
      loading = imports[shard]!();
      shards.set(shard, loading);
      // A failed import (a chunk the network lost) is tried again by the next call.
      loading.catch(() => shards.delete(shard));
    }
    return loading.then((module) => factsOf(module.RULES, new Set(module.KEYED_BODY), operation));
  });
}

function factsOf(
  rules: Readonly<Record<string, readonly ParameterRule[]>>,
  keyedBody: ReadonlySet<string>,
  operation: string,
): OperationFacts {
  const own = Object.hasOwn(rules, operation) ? rules[operation] : undefined;
  return {
    rules: own,
    keyedBody: keyedBody.has(operation),
    keyedHeader: declaresIdempotencyHeader(own),
  };
}

/**
 * `find` memoized by path, then method: no `"GET /path"` string is built per request once an
 * operation is known; a pending promise is kept until it settles (a failure is not kept).
 */
function cachedFacts(
  find: (operation: string) => OperationFacts | Promise<OperationFacts>,
): OperationFactsLookup {
  const byPath = new Map<string, Map<string, OperationFacts | Promise<OperationFacts>>>();
  return (method, path) => {
    let byMethod = byPath.get(path);
    if (byMethod === undefined) {
      byMethod = new Map();
      byPath.set(path, byMethod);
    }
    let facts = byMethod.get(method);
    if (facts === undefined) {
      facts = find(`${method} ${path}`);
      byMethod.set(method, facts);
      if (facts instanceof Promise) {
        const methods = byMethod;
        facts.then(
          (found) => methods.set(method, found),
          () => methods.delete(method),
        );
      }
    }
    return facts;
  };
}

/**
 * The lookup over a client's tables: `PARAMETER_RULES` at once, or the package's shards. The
 * path style's client is made with it; the operation functions' imports it on its first
 * path-style call (`lazyFactsLookup` in src/client/operation.ts).
 */
export function factsLookup(
  tables:
    | {
        PARAMETER_RULES: Readonly<Record<string, readonly ParameterRule[]>>;
        IDEMPOTENCY_KEY_BODY_OPERATIONS: readonly string[];
      }
    | { PARAMETER_SHARDS: readonly (() => Promise<ParameterShardModule>)[] },
): OperationFactsLookup {
  return 'PARAMETER_RULES' in tables
    ? tableFacts(tables.PARAMETER_RULES, tables.IDEMPOTENCY_KEY_BODY_OPERATIONS)
    : shardFacts(tables.PARAMETER_SHARDS);
}
