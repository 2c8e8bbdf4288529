/**
 * A rotating-key function (`apiKey` as a function) that throws on a retry, quoting the key an
 * earlier attempt of the call sent (a vault's "token ... expired"): the call's error carries its
 * error as the cause, without the key.
 */
import { expect, it } from 'vitest';
import { everythingAbout, failureOf, recordingLogger } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const { lines, sink } = recordingLogger();
const { clientFor } = loopbackClients({ logLevel: 'debug', logger: sink });

it('a rotating-key function that throws quoting the key this call sent leaves it out of the error', async () => {
  const SENT = 'sk_live_ROTATED_7f3e2a9c41';
  let lookups = 0;
  const client = await clientFor([{ status: 503 }], {
    apiKey: () => {
      if (++lookups === 1) return SENT;
      throw new Error(`vault: ${SENT} expired`, { cause: { key: SENT } });
    },
    maxRetries: 1,
    initialRetryDelayMs: 1,
  });
  lines.length = 0;
  const failure = await failureOf(() => client.GET(PATH, { params: { query: QUERY } }));
  expect(lookups).toBe(2);
  expect(String(failure)).toContain('The apiKey function threw');
  expect([everythingAbout(failure), ...lines].join('\n')).not.toContain(SENT);
});
