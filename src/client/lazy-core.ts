/**
 * openapi-fetch's core, imported by the first call that needs it (middleware, a custom
 * serializer or Request, a path with a `{.label}`-style placeholder), not at the client's
 * creation: a bundle whose calls all take the direct path (src/client/transport/direct.ts) holds
 * none of openapi-fetch.
 */
import type { ClientOptions } from 'openapi-fetch';
import type { UntypedOpenapiFetch } from './client.ts';

/** openapi-fetch's `createClient(options)`, imported on the first call. */
export function loadOpenapiFetch(options: ClientOptions): Promise<UntypedOpenapiFetch> {
  return import('openapi-fetch').then(
    ({ default: createClient }) => createClient(options) as unknown as UntypedOpenapiFetch,
  );
}
