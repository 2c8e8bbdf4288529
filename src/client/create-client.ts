/**
 * `createFeatherClient`: the client of src/client/client.ts over the package's generated tables (its
 * parameter rules in shards, imported on first use)
 * and openapi-fetch's `createClient`, imported here (not in client.ts) so that a bundle of the
 * operation functions alone, whose client loads openapi-fetch on first use, holds none of it.
 */
import createClient, { createQuerySerializer } from 'openapi-fetch';
import { clientOn, type CoreSource, type FeatherClient } from './client.ts';
import type { FeatherClientOptions } from './options.ts';
import { PACKAGE_SHARDED_TABLES } from './transport/call-context.ts';

/**
 * A typed client for the Feather API. Throws a `FeatherError` at once for a missing key
 * (`apiKey` option or `FEATHER_API_KEY`), a plain-http non-loopback `baseUrl` or a bad option.
 */
export function createFeatherClient(options?: FeatherClientOptions): FeatherClient {
  return clientOn(options ?? {}, PACKAGE_SHARDED_TABLES, CORE);
}

/** openapi-fetch's core at once, and its own query serializer (the path style's bundle holds it). */
const CORE = { create: createClient, createQuerySerializer } as unknown as CoreSource;
