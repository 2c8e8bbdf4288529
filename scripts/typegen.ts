/**
 * Path-typed TypeScript from the joined document with openapi-typescript's API (in this process,
 * from the already parsed object: no second parse of the files).
 */
import openapiTS, { astToString } from 'openapi-typescript';

/** openapi-typescript's output (`paths`, `components`, `operations`, ...) for `doc`. */
export async function pathTypes(doc: Record<string, unknown>): Promise<string> {
  // openapi-typescript bundles and may mutate what it is given: hand it a copy.
  const nodes = await openapiTS(structuredClone(doc) as never, { silent: true });
  return astToString(nodes);
}
