/** JSON values and plain objects: the one `Json`, `Dict` and `isDict` of the repository. Pure. */

/** A JSON value as parsed from a spec document. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain object whose values are not known yet. */
export type Dict = Record<string, unknown>;

/** A JSON object (a `Dict` whose values are JSON). */
export type JsonObject = { [key: string]: Json };

/**
 * True for a plain object: not null, not an array. A JSON value narrows to a `JsonObject`,
 * anything else to a `Dict`.
 */
export function isDict(value: Json | undefined): value is JsonObject;
export function isDict(value: unknown): value is Dict;
export function isDict(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
