/**
 * `paginate` with a rotating key (`apiKey` a function, so the client holds no string key) against
 * a server that answers the key as its next cursor: the error for the repeated cursor quotes it
 * without the key the calls sent.
 */
import { expect, it } from 'vitest';
import { FeatherError, paginate } from '../../src/index.ts';
import { everythingAbout, failureOf } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const KEY = 'sk_live_CURSORLEAK_3b8d1f6a';
const THINGS = '/v1/things';
/** A table of one paginated GET: nothing here depends on what spec/ holds. */
const generated = {
  PARAMETER_RULES: {},
  PAGINATION: { [THINGS]: { cursor: 'cursor', nextCursor: 'next_cursor', items: 'items' } },
  IDEMPOTENCY_KEY_BODY_OPERATIONS: [],
};
const paginateLoose = paginate as unknown as (
  client: unknown,
  path: string,
  init: object,
) => AsyncIterable<unknown>;

const { clientFor } = loopbackClients({ apiKey: () => KEY, generated, logLevel: 'off' });

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const item of iterable) void item;
}

it('a repeated cursor that echoes the key is quoted without it', async () => {
  const client = await clientFor([{ body: { items: [1], next_cursor: `x-${KEY}` } }]);
  const failure = await failureOf(() => drain(paginateLoose(client, THINGS, {})));
  expect(failure).toBeInstanceOf(FeatherError);
  expect((failure as Error).message).toContain('returned the cursor "x-***" twice');
  expect(everythingAbout(failure)).not.toContain(KEY);
});
