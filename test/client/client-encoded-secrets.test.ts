/**
 * A server that echoes the key encoded: in base64 (alone, or inside an encoded header such as
 * `btoa('x-api-key: ' + key)`, at any of the three byte alignments, base64url too) or
 * percent-encoded, in an error's body and headers and a success's headers. None of it reaches
 * the result, the thrown error or a log line.
 */
import { expect, it } from 'vitest';
import { unwrap } from '../../src/index.ts';
import { everythingAbout, failureOf, recordingLogger } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

/** With `/`, `+` and `=`: its percent-encoded form differs from it. */
const KEY = 'sk_live_AbC/dEf+GhI=JkLmNoPqRs';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const base64 = (text: string): string => Buffer.from(text).toString('base64');
const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** Ten characters from the middle of the key's encoding at each alignment: what must not show. */
const ENCODED_PIECES = ['', 'k', 'k='].flatMap((before) => [
  base64(before + KEY).slice(8, 18),
  base64url(before + KEY).slice(8, 18),
]);

function expectNoEncodedKey(text: string): void {
  for (const piece of ENCODED_PIECES) expect(text).not.toContain(piece);
  expect(text).not.toContain(encodeURIComponent(KEY));
  expect(text).not.toContain(KEY);
}

const { lines, sink } = recordingLogger();
const { clientFor } = loopbackClients({
  apiKey: KEY,
  logLevel: 'debug',
  logger: sink,
  maxRetries: 0,
});

it('an error echoing the key in base64 (body and headers, any alignment) leaves none of it', async () => {
  const client = await clientFor([
    {
      status: 401,
      headers: {
        'x-request-id': base64('x-api-key: ' + KEY),
        'x-debug': base64url('k=' + KEY),
      },
      body: { message: `key ${base64(KEY)} rejected`, echo: base64('k' + KEY) },
    },
  ]);
  lines.length = 0;
  const result = await client.GET(PATH, { params: { query: QUERY } });
  expect(result.response.status).toBe(401);
  const headers = JSON.stringify([...result.response.headers]);
  const failure = await failureOf(() => unwrap(result));
  expectNoEncodedKey(
    [everythingAbout(result.error), headers, everythingAbout(failure), ...lines].join('\n'),
  );
});

it('a success whose headers echo the key percent-encoded or in base64 shows none of it', async () => {
  const client = await clientFor([
    {
      status: 200,
      headers: {
        'x-request-id': encodeURIComponent(KEY),
        'x-debug': base64('x-api-key: ' + KEY),
      },
      body: {},
    },
  ]);
  lines.length = 0;
  const result = await client.GET(PATH, { params: { query: QUERY } });
  expect(result.response.status).toBe(200);
  expectNoEncodedKey([JSON.stringify([...result.response.headers]), ...lines].join('\n'));
});
