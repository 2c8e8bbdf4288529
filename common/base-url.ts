/**
 * The base URL the package shipped with: the spec's first server when it was written. It does not
 * follow spec/ (a release may publish no `servers`; docs/pipeline.md "Servers"):
 * test/client/client.test.ts keeps it equal to `servers[0]` when there is one, and the drift
 * report warns when it goes. The client's default `baseUrl` and `checkSpecDrift`'s, hence here.
 */
export const DEFAULT_BASE_URL = 'https://api-sandbox.featherhq.com';
