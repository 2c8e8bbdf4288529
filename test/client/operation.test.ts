/**
 * Operation functions (src/client/operation.ts, generated/functions.ts) against a loopback server:
 * they send what the path style sends, through the same client (key, retries, errors,
 * validation), and their results go to `unwrap` like the path style's.
 */
import { describe, expect, it } from 'vitest';
import { FeatherError, FeatherValidationError, NotFoundError, unwrap } from '../../src/index.ts';
import { operationFunction } from '../../src/client/operation.ts';
import { loopbackClients } from '../helpers/loopback-client.ts';

const KEY = 'sk_test_operation_7c1d2e3f';
const TIMEOUTS = '/v1/analytics/tools/reliability/timeout-analysis';
const DATES = { start_date: '2024-01-01', end_date: '2024-01-31' };
const ROWS = [{ tool_id: 't1', tool_name: 'n', tool_type: 'http' }];
/** The seed operation, declared as generated/functions.ts declares it (not read from there). */
const timeoutAnalysis = operationFunction<typeof TIMEOUTS, 'get'>('GET', TIMEOUTS, [
  { name: 'limit', in: 'query', required: false, types: ['integer'], minimum: 1, maximum: 100 },
  { name: 'start_date', in: 'query', required: true, types: ['string'], format: 'date' },
  { name: 'end_date', in: 'query', required: true, types: ['string'], format: 'date' },
]);

const loopback = loopbackClients({ apiKey: KEY, initialRetryDelayMs: 1, logLevel: 'off' });
const { clientFor } = loopback;

describe('operation functions', () => {
  it('send the same request as the path style and return its result', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const init = { params: { query: { ...DATES, limit: 5 } }, headers: { 'x-trace': 't-1' } };
    const byFunction = await timeoutAnalysis(client, init);
    const byPath = await client.GET(TIMEOUTS, init);
    expect(byFunction.data).toEqual(ROWS);
    expect(byFunction.data).toEqual(byPath.data);
    const [first, second] = loopback.server.requests;
    expect(first?.url).toBe(second?.url);
    expect(first?.url).toBe(`${TIMEOUTS}?start_date=2024-01-01&end_date=2024-01-31&limit=5`);
    expect(first?.headers['x-api-key']).toBe(KEY);
    expect(first?.headers['x-trace']).toBe('t-1');
  });

  it("retry a 503 with the client's policy", async () => {
    const client = await clientFor([{ status: 503 }, { body: ROWS }]);
    expect((await timeoutAnalysis(client, { params: { query: DATES } })).data).toEqual(ROWS);
    expect(loopback.server.requests).toHaveLength(2);
  });

  it('check parameters against their own rules before sending', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const call = timeoutAnalysis(client, { params: { query: { ...DATES, limit: 500 } } });
    await expect(call).rejects.toBeInstanceOf(FeatherValidationError);
    await expect(call).rejects.toThrow(/limit/);
    expect(loopback.server.requests).toHaveLength(0);
  });

  it('skip the check when the call says validate: false', async () => {
    const client = await clientFor([{ body: ROWS }]);
    const init = { params: { query: { ...DATES, limit: 500 } }, validate: false };
    expect((await timeoutAnalysis(client, init)).data).toEqual(ROWS);
  });

  it('give unwrap an error result it throws as the status class, without the key', async () => {
    const client = await clientFor([{ status: 404, body: { detail: 'none' } }]);
    const thrown = await unwrap(timeoutAnalysis(client, { params: { query: DATES } })).catch(
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(NotFoundError);
    expect(String((thrown as Error).message)).not.toContain(KEY);
  });

  it('refuse a first argument that is not a Feather client', async () => {
    const notAClient = {} as Parameters<typeof timeoutAnalysis>[0];
    await expect(timeoutAnalysis(notAClient, { params: { query: DATES } })).rejects.toThrow(
      new FeatherError(
        `GET ${TIMEOUTS}: the first argument is not a client from createFeatherClient()`,
      ),
    );
  });
});
