/**
 * `createFeatherClient`: the client of src/client/client.ts over the package's generated tables (its
 * parameter rules in shards, imported on first use). A path-style call builds its request itself
 * (src/client/transport/direct.ts) unless middleware, a custom serializer or Request is in play;
 * openapi-fetch's core is imported by the first call that needs it, so a bundle of the path style
 * without middleware holds none of it.
 */
import { clientOn, type CoreSource, type FeatherClient } from './client.ts';
import { loadOpenapiFetch } from './lazy-core.ts';
import { factsLookup } from './policy/operation-facts.ts';
import type { FeatherClientOptions } from './options.ts';
import { PACKAGE_SHARDED_TABLES } from './transport/call-context.ts';
import { cachedDirectPath } from './transport/direct.ts';
import { createQuerySerializer } from './transport/serialize.ts';

/**
 * A typed client for the Feather API. Throws a `FeatherError` at once for a missing key
 * (`apiKey` option or `FEATHER_API_KEY`), a plain-http non-loopback `baseUrl` or a bad option.
 */
export function createFeatherClient(options?: FeatherClientOptions): FeatherClient {
  return clientOn(options ?? {}, PACKAGE_SHARDED_TABLES, CORE);
}

/** openapi-fetch's core on first need, our query serializer (its output), the direct path per template. */
const CORE: CoreSource = {
  load: loadOpenapiFetch,
  factsLookup,
  createQuerySerializer,
  pathDirect: cachedDirectPath,
};
