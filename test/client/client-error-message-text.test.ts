/**
 * An error body's words reach `APIError.message` as one printable line of bounded length: a
 * hostile server's ESC sequences, U+202E and line breaks are escaped, a megabyte `message` cut.
 */
import { expect, it } from 'vitest';
import { APIError, unwrap } from '../../src/index.ts';
import { failureOf } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const { clientFor } = loopbackClients({ apiKey: 'sk_test_message_text_1', logLevel: 'off' });

it.each([
  ['error and message', { error: 'bad\u001b[2J', message: 'see\u202eevil\n  at fake (x.js:1)' }],
  ['a text body', 'bad\u001b]0;title\u0007 \u202e\r\nline'],
  ['validation detail', { detail: [{ loc: ['query', 'x\u001b[31m'], msg: 'no\u2028way' }] }],
])('%s: control, bidi and line-break characters are escaped', async (_name, body) => {
  const client = await clientFor([{ status: 400, body }]);
  const failure = await failureOf(async () =>
    unwrap(await client.GET(PATH, { params: { query: QUERY } })),
  );
  expect(failure).toBeInstanceOf(APIError);
  const { message } = failure as Error;
  expect(message).toMatch(/: 400 /);
  expect(message).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e\u2028]/);
  expect(message).toMatch(/\\u001b|\\u202e|\\u2028/);
});

it('a megabyte message is cut', async () => {
  const client = await clientFor([{ status: 500, body: { message: 'm'.repeat(1 << 20) } }]);
  const failure = await failureOf(async () =>
    unwrap(await client.GET(PATH, { params: { query: QUERY }, maxRetries: 0 })),
  );
  expect(failure).toBeInstanceOf(APIError);
  expect((failure as Error).message.length).toBeLessThan(1000);
});

it.each([
  ['a `toString` key in detail.msg', { detail: [{ loc: ['query', 'x'], msg: { toString: 'x' } }] }],
  ['a `toString` key in detail.loc', { detail: [{ loc: ['query', { toString: 1 }], msg: 'bad' }] }],
  ['a `valueOf` key in detail.msg', { detail: [{ msg: { toString: [], valueOf: {} } }] }],
])('%s: unwrap throws the APIError, not a TypeError', async (_name, body) => {
  const client = await clientFor([{ status: 422, body }]);
  const failure = await failureOf(async () =>
    unwrap(await client.GET(PATH, { params: { query: QUERY } })),
  );
  expect(failure).toBeInstanceOf(APIError);
  expect((failure as APIError).status).toBe(422);
  expect((failure as Error).message).toMatch(/: 422 validation failed/);
});
