/**
 * A server that echoes the key in an error body split by a line break or an invisible character
 * (`sk_live_SPL\nIT...`, `sk_live_SPL\u200bIT...`): whoever reads the error or the log sees the
 * key whole, or puts it back together from its two lines. No run of the key, so split, is left in
 * the result, `APIError` (message, body, cause) or a log line.
 */
import { expect, it } from 'vitest';
import { APIError, unwrap } from '../../src/index.ts';
import { everythingAbout, failureOf, recordingLogger } from '../helpers/leaks.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const KEY = 'sk_live_SPLITKEY_9f3a2b7c';
const PATH = '/v1/analytics/tools/reliability/timeout-analysis';
const QUERY = { start_date: '2024-01-01', end_date: '2024-01-31' };

const logger = recordingLogger();
const { clientFor } = loopbackClients({
  apiKey: KEY,
  maxRetries: 0,
  logLevel: 'debug',
  logger: logger.sink,
});

/** `text` as read back together: line breaks and invisible characters gone, raw or escaped. */
function joined(text: string): string {
  return text
    .replace(/\\u(000a|000b|000c|000d|0085|00ad|200b|200c|200d|2028|2029|2060|feff)/gi, '')
    .replace(/\\[nr]/g, '')
    .replace(/[\n\r\u000b\u000c\u0085\u00ad\u200b-\u200d\u2028\u2029\u2060\ufeff]/g, '');
}

const [FRONT, BACK] = [KEY.slice(0, 13), KEY.slice(13)];
const TEXT = { 'content-type': 'text/plain' };

it.each([
  ['a text body, by a line feed', { headers: TEXT, body: `bad key ${FRONT}\n${BACK}` }],
  ['a text body, by CRLF', { headers: TEXT, body: `bad key ${FRONT}\r\n${BACK}.` }],
  ['a text body, by U+2028', { headers: TEXT, body: `${FRONT}\u2028${BACK}` }],
  ['a text body, by a zero-width space', { headers: TEXT, body: `key ${FRONT}\u200b${BACK}` }],
  ['a JSON message, by an escaped line feed', { body: { error: `key ${FRONT}\n${BACK}` } }],
  ['a JSON message, by a zero-width joiner', { body: { message: `${FRONT}\u200d${BACK}` } }],
  ['a JSON detail, by several breaks', { body: { detail: `${FRONT}\r\n\u00ad${BACK}` } }],
])('a 401 echoing the key split in %s leaves none of it', async (_name, reply) => {
  logger.lines.length = 0;
  const client = await clientFor([{ status: 401, ...reply }]);
  const result = await client.GET(PATH, { params: { query: QUERY } });
  const failure = await failureOf(() => unwrap(result));
  expect(failure).toBeInstanceOf(APIError);
  const seen = [
    everythingAbout(failure),
    JSON.stringify(result.error),
    String(result.error),
    ...logger.lines,
  ].join('\n');
  expect(joined(seen)).not.toContain(KEY);
});
