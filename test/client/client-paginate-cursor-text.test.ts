/**
 * `paginate`'s error for a repeated cursor quotes the server's cursor as one printable line:
 * JSON.stringify escapes C0 controls but leaves bidi, zero-width and C1 characters raw, and a
 * cut may fall inside a surrogate pair.
 */
import { expect, it } from 'vitest';
import { FeatherError } from '../../src/index.ts';
import { failureOf } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';
import { drainThings, PAGINATED_THINGS } from '../helpers/paginated-things.ts';

const { clientFor } = loopbackClients({
  apiKey: 'sk_test_cursor_text_1',
  generated: PAGINATED_THINGS,
  logLevel: 'off',
});

/** A UTF-16 code unit of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

it.each([
  ['bidi', 'abc\u202edcba'],
  ['zero-width', 'ab\u200bcd\u2060'],
  ['C1 (CSI)', 'ab\u009b31mred'],
  ['line separator', 'ab\u2028cd'],
])('a repeated cursor with %s characters is quoted with them escaped', async (_name, cursor) => {
  const client = await clientFor([{ body: { items: [1], next_cursor: cursor } }]);
  const failure = await failureOf(() => drainThings(client));
  expect(failure).toBeInstanceOf(FeatherError);
  const { message } = failure as Error;
  expect(message).toContain('twice');
  expect(message).not.toMatch(/[\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069]/);
  expect(message).toMatch(/\\u(202e|200b|009b|2028)/);
});

// The quoted cursor is `"` and 198 `c`: its 200th code unit is the first half of the emoji.
it('a long repeated cursor is cut between characters, not inside a surrogate pair', async () => {
  const client = await clientFor([{ body: { items: [1], next_cursor: `${'c'.repeat(198)}😀😀` } }]);
  const failure = await failureOf(() => drainThings(client));
  expect(failure).toBeInstanceOf(FeatherError);
  expect((failure as Error).message).toContain('...');
  expect((failure as Error).message).not.toMatch(LONE_SURROGATE);
});
