/**
 * Which file of generated/parameter-shards/ holds an operation's parameter rules: the path-style
 * client imports only the shard of the operation it calls (docs/performance.md, "Bundle size").
 * The pipeline (scripts/pipeline/render.ts) and the client (src/client/policy/operation-facts.ts)
 * both call this, so that they agree.
 */

/** How many shards the rules are split into, whatever the API's size. */
export const PARAMETER_SHARD_COUNT = 64;

/** The shard of `operation` (`"GET /v1/..."`, the spec's path template): FNV-1a of the text. */
export function parameterShardOf(operation: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < operation.length; i++) {
    hash = Math.imul(hash ^ operation.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % PARAMETER_SHARD_COUNT;
}
