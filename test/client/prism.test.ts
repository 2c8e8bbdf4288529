/**
 * Both operations, with every parameter, against Prism mocking our own generated/openapi.json
 * with `--errors`: a request that breaks the spec (a parameter, or a missing key) is answered
 * 4xx with an `sl-violations` header, so a 200 without that header means a clean round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type PrismServer } from '../../scripts/lib/prism.ts';
import {
  createFeatherClient,
  unwrap,
  UnprocessableEntityError,
  type DashboardEnvelope,
  type FeatherClient,
  type TimeoutAnalysisRow,
} from '../../src/index.ts';

const KEY = 'sk_test_prism_2a4c6e8f';
let prism: PrismServer;
let client: FeatherClient;

beforeAll(async () => {
  prism = await startPrism({ errors: true });
  client = createFeatherClient({ apiKey: KEY, baseUrl: prism.url, logLevel: 'off' });
});
afterAll(async () => {
  await prism?.stop();
});

/** Prism's log lines written while `action` ran. */
async function prismLogOf<T>(action: () => Promise<T>): Promise<{ result: T; log: string }> {
  const before = prism.output().length;
  const result = await action();
  // Prism logs the violation after answering: give its log a moment to catch up.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { result, log: prism.output().slice(before) };
}

describe('Prism round trips', () => {
  it('getIntegrationDashboard with every parameter: 200, no violation', async () => {
    const { result, log } = await prismLogOf(() =>
      client.GET('/v1/analytics/integrations/dashboard', {
        params: {
          query: {
            start_date: '2024-01-01',
            end_date: '2024-01-31',
            granularity: 'day',
            integration_key: 'salesforce',
            mode: 'live',
            slug: 'acme',
          },
        },
      }),
    );
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('sl-violations')).toBeNull();
    expect(log).toContain('The request passed the validation rules');
    expect(log).not.toMatch(/Violation/);
    const envelope: DashboardEnvelope = unwrap(result);
    expect(Object.keys(envelope).sort()).toEqual([
      'by_integration',
      'by_mode',
      'error_breakdown',
      'latency',
      'success_rate',
      'summary',
      'usage',
    ]);
  });

  it('getToolReliabilityTimeoutAnalysis with every parameter: 200, no violation', async () => {
    const { result, log } = await prismLogOf(() =>
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
        params: {
          query: {
            start_date: '2024-01-01',
            end_date: '2024-01-31',
            tool_id: 'tool_1',
            revision_id: 'rev_1',
            min_invocations: 10,
            limit: 100,
          },
        },
      }),
    );
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('sl-violations')).toBeNull();
    expect(log).toContain('The request passed the validation rules');
    expect(log).not.toMatch(/Violation/);
    const rows: TimeoutAnalysisRow[] = unwrap(result);
    expect(Array.isArray(rows)).toBe(true);
  });
});

describe('Prism sees what we must not send', () => {
  it('a request without x-api-key is a violation (so the 200s above carried the key)', async () => {
    const response = await fetch(
      `${prism.url}/v1/analytics/tools/reliability/timeout-analysis?start_date=2024-01-01&end_date=2024-01-31`,
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('sl-violations')).toContain('Invalid security scheme');
  });

  it('with validation off, limit 500 reaches Prism and comes back 422 with a typed error', async () => {
    const result = await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31', limit: 500 } },
      validate: false,
    });
    expect(result.response.status).toBe(422);
    expect(result.response.headers.get('sl-violations')).toContain('limit must be <= 100');
    const { error } = result;
    expect(error !== undefined && 'detail' in error && Array.isArray(error.detail)).toBe(true);
    expect(() => unwrap(result)).toThrow(UnprocessableEntityError);
  });
});
