/**
 * The root of every error the package throws: the client's (src/client/errors.ts) and the drift
 * engine's (`DriftInputError`, `SpecDriftError`), so that one `instanceof FeatherError` catches
 * them all. Here, not in the client, so that the drift engine need not import the client.
 */
export class FeatherError extends Error {
  override name = 'FeatherError';
}
