/**
 * `paginate` against a server that answers the key as its next cursor, the same each page: the
 * error for the repeated cursor quotes it without the key, and a long cursor only in part.
 */
import { expect, it } from 'vitest';
import { FeatherError } from '../../src/index.ts';
import { everythingAbout, failureOf } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';
import { drainThings, PAGINATED_THINGS } from '../helpers/paginated-things.ts';

const KEY = 'sk_live_CURSORLEAK_3b8d1f6a';

const { clientFor } = loopbackClients({
  apiKey: KEY,
  generated: PAGINATED_THINGS,
  logLevel: 'off',
});

it('a repeated cursor that echoes the key is quoted without it', async () => {
  const client = await clientFor([{ body: { items: [1], next_cursor: `x-${KEY}` } }]);
  const failure = await failureOf(() => drainThings(client));
  expect(failure).toBeInstanceOf(FeatherError);
  expect((failure as Error).message).toContain('returned the cursor "x-***" twice');
  expect(everythingAbout(failure)).not.toContain(KEY);
});

it('a repeated long cursor is quoted in part', async () => {
  const client = await clientFor([{ body: { items: [1], next_cursor: 'c'.repeat(8000) } }]);
  const failure = await failureOf(() => drainThings(client));
  expect(failure).toBeInstanceOf(FeatherError);
  expect((failure as Error).message).toContain('twice');
  expect((failure as Error).message.length).toBeLessThan(1000);
});
