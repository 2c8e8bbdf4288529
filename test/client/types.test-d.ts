/** Type tests: valid calls compile with the right types; wrong ones do not. */
import { wrapAsPathBasedClient, type Client, type PathBasedClient } from 'openapi-fetch';
import createQueryClient, { type OpenapiQueryClient } from 'openapi-react-query';
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationInits } from '../../generated/inits.ts';
import type { InitArgs } from '../../src/client/init-args.ts';
import {
  APIError,
  createFeatherClient,
  unwrap,
  UnprocessableEntityError,
  type components,
  type DashboardEnvelope,
  type ErrorResponse,
  type FeatherClient,
  type FeatherClientOptions,
  type GetIntegrationDashboardQuery,
  type HTTPValidationError,
  type operations,
  type paths,
  type TimeoutAnalysisRow,
} from '../../src/index.ts';
import {
  getIntegrationDashboard,
  getToolReliabilityTimeoutAnalysis,
} from '../../src/operations.ts';

declare const client: FeatherClient;
const DATES = { start_date: '2024-01-01', end_date: '2024-01-31' };

describe('valid calls', () => {
  it('GET returns typed data, error and response', async () => {
    const result = await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { ...DATES, limit: 5, tool_id: null } },
    });
    expectTypeOf(result.response).toEqualTypeOf<Response>();
    if (result.error === undefined) {
      expectTypeOf(result.data).toEqualTypeOf<TimeoutAnalysisRow[]>();
    } else {
      expectTypeOf(result.data).toEqualTypeOf<undefined>();
      // openapi-fetch wraps bodies in `Readable<>`: equal in use, not in identity.
      expectTypeOf(result.error).toMatchTypeOf<ErrorResponse | HTTPValidationError>();
      expectTypeOf<ErrorResponse | HTTPValidationError>().toMatchTypeOf(result.error);
    }
  });

  it('parseAs in the init types the data, as in openapi-fetch', async () => {
    const { data } = await client.GET('/v1/analytics/integrations/dashboard', {
      params: { query: DATES },
      parseAs: 'text',
    });
    expectTypeOf(data).toEqualTypeOf<string | undefined>();
    const streamed = await getIntegrationDashboard(client, {
      params: { query: DATES },
      parseAs: 'stream',
    });
    expectTypeOf(streamed.data).toEqualTypeOf<Response['body'] | undefined>();
    const blob = await getIntegrationDashboard(client, {
      params: { query: DATES },
      parseAs: 'blob',
    });
    expectTypeOf(blob.data).toEqualTypeOf<Blob | undefined>();
  });

  it('unwrap returns the success data, from a result or a promise', async () => {
    const envelope = unwrap(
      await client.GET('/v1/analytics/integrations/dashboard', { params: { query: DATES } }),
    );
    expectTypeOf(envelope).toEqualTypeOf<DashboardEnvelope>();
    const rows = await unwrap(
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', { params: { query: DATES } }),
    );
    expectTypeOf(rows).toEqualTypeOf<TimeoutAnalysisRow[]>();
  });

  it('accepts the per-request options next to openapi-fetch ones', () => {
    void client.GET('/v1/analytics/integrations/dashboard', {
      params: { query: { ...DATES, granularity: 'day' } },
      maxRetries: 0,
      timeoutMs: 5000,
      validate: false,
      signal: AbortSignal.timeout(1000),
      headers: { 'x-trace': '1' },
    });
    void client.request('get', '/v1/analytics/integrations/dashboard', {
      params: { query: DATES },
    });
  });

  it('is an openapi-fetch Client<paths> for libraries that take one', () => {
    expectTypeOf(client).toMatchTypeOf<Client<paths>>();
    const byPath = wrapAsPathBasedClient(client);
    expectTypeOf(byPath).toEqualTypeOf<PathBasedClient<paths>>();
    expectTypeOf(
      byPath['/v1/analytics/integrations/dashboard'].GET({ params: { query: DATES } }),
    ).resolves.toHaveProperty('response');
  });

  it('lets openapi-react-query infer paths and data types', () => {
    const $api = createQueryClient(client);
    expectTypeOf($api).toEqualTypeOf<OpenapiQueryClient<paths>>();
    const { data } = $api.useQuery('get', '/v1/analytics/integrations/dashboard', {
      params: { query: DATES },
    });
    expectTypeOf(data).toEqualTypeOf<DashboardEnvelope | undefined>();
  });

  it('options take a string key or a rotating-key function', () => {
    expectTypeOf<{ apiKey: string }>().toMatchTypeOf<FeatherClientOptions>();
    expectTypeOf<{ apiKey: () => Promise<string> }>().toMatchTypeOf<FeatherClientOptions>();
    expectTypeOf(createFeatherClient).returns.toEqualTypeOf<FeatherClient>();
  });

  it('exports the generated types and aliases', () => {
    expectTypeOf<GetIntegrationDashboardQuery>().toEqualTypeOf<
      operations['getIntegrationDashboard']['parameters']['query']
    >();
    expectTypeOf<TimeoutAnalysisRow>().toEqualTypeOf<components['schemas']['TimeoutAnalysisRow']>();
    // spec/ may hold more operations than the seeds; these two are always there.
    expectTypeOf<
      '/v1/analytics/integrations/dashboard' | '/v1/analytics/tools/reliability/timeout-analysis'
    >().toMatchTypeOf<keyof paths>();
  });

  it('errors carry typed bodies', () => {
    expectTypeOf<UnprocessableEntityError['body']>().toEqualTypeOf<
      HTTPValidationError | string | undefined
    >();
    expectTypeOf<APIError['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<APIError['status']>().toEqualTypeOf<number>();
  });
});

describe("the path style's first signature", () => {
  it("takes a JSON call's init as the operation's own, written out (generated/inits.ts)", () => {
    // The signature's parts at one path (the whole signature's parameters, read back with
    // `infer`, are the constraint's union, which TypeScript widens in some grown specs).
    type Path = '/v1/analytics/tools/reliability/timeout-analysis';
    expectTypeOf<Path>().toExtend<keyof OperationInits['get']>();
    type Init = OperationInits['get'][Path];
    expectTypeOf<Init['params']>().toEqualTypeOf<
      operations['getToolReliabilityTimeoutAnalysis']['parameters']
    >();
    // openapi-fetch's form (the second signature) takes every parseAs; this one JSON only, so
    // that a call without parseAs is checked against one object type, not `MaybeOptionalInit`.
    type Args = InitArgs<Init, { parseAs?: 'json' }>;
    expectTypeOf<NonNullable<Args[0]>['parseAs']>().toEqualTypeOf<'json' | undefined>();
    const init = { params: { query: DATES } };
    expectTypeOf(client.GET<Path>).toBeCallableWith(
      '/v1/analytics/tools/reliability/timeout-analysis',
      init,
    );
  });
});

describe('operation functions', () => {
  it('return what the path-style call returns', async () => {
    const init = { params: { query: DATES } };
    const byFunction = getToolReliabilityTimeoutAnalysis(client, init);
    const byPath = client.GET('/v1/analytics/tools/reliability/timeout-analysis', init);
    // The same result type, written out per operation (no `Readable` mapping: the schema has no
    // `$Read` markers), so each extends the other rather than being the same alias.
    expectTypeOf(byFunction).toExtend<typeof byPath>();
    expectTypeOf(byPath).toExtend<typeof byFunction>();
    expectTypeOf(
      await unwrap(getIntegrationDashboard(client, init)),
    ).toEqualTypeOf<DashboardEnvelope>();
  });

  it('type parseAs and the per-request options in the init', async () => {
    const { data } = await getIntegrationDashboard(client, {
      params: { query: DATES },
      parseAs: 'text',
      maxRetries: 0,
      timeoutMs: 5000,
    });
    expectTypeOf(data).toEqualTypeOf<string | undefined>();
    const streamed = await getIntegrationDashboard(client, {
      params: { query: DATES },
      parseAs: 'stream',
    });
    expectTypeOf(streamed.data).toEqualTypeOf<Response['body'] | undefined>();
    const blob = await getIntegrationDashboard(client, {
      params: { query: DATES },
      parseAs: 'blob',
    });
    expectTypeOf(blob.data).toEqualTypeOf<Blob | undefined>();
  });

  it('carry their method and path', () => {
    expectTypeOf(
      getIntegrationDashboard.path,
    ).toEqualTypeOf<'/v1/analytics/integrations/dashboard'>();
    expectTypeOf(getIntegrationDashboard.method).toEqualTypeOf<'GET'>();
  });

  it('refuse a wrong or missing parameter, and a call without the client', () => {
    // @ts-expect-error limit is a number
    void getToolReliabilityTimeoutAnalysis(client, { params: { query: { ...DATES, limit: '5' } } });
    // @ts-expect-error the query with its required dates must be given
    void getToolReliabilityTimeoutAnalysis(client);
    const withoutEnd = { start_date: '2024-01-01' };
    // @ts-expect-error end_date is required
    void getToolReliabilityTimeoutAnalysis(client, { params: { query: withoutEnd } });
    // @ts-expect-error no query key `limt` (the init is not inferred, so excess keys are checked)
    void getToolReliabilityTimeoutAnalysis(client, { params: { query: { ...DATES, limt: 5 } } });
    // @ts-expect-error maxRetries is a number
    void getIntegrationDashboard(client, { params: { query: DATES }, maxRetries: 'two' });
    // @ts-expect-error parseAs is one of openapi-fetch's
    void getIntegrationDashboard(client, { params: { query: DATES }, parseAs: 'xml' });
    // @ts-expect-error the client comes first
    void getIntegrationDashboard({ params: { query: DATES } });
  });
});

describe('calls that must not compile', () => {
  it('a wrong parameter type', () => {
    void client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      // @ts-expect-error limit is a number
      params: { query: { ...DATES, limit: '5' } },
    });
  });

  it('a missing required parameter', () => {
    void client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      // @ts-expect-error end_date is required
      params: { query: { start_date: '2024-01-01' } },
    });
  });

  it('missing params altogether', () => {
    // @ts-expect-error the query with its required dates must be given
    void client.GET('/v1/analytics/tools/reliability/timeout-analysis');
  });

  // An unknown query key (`limt: 5`) compiles, as with bare openapi-fetch: its init type is
  // inferred from the argument, so no excess-property check applies. validateParameters
  // rejects it at run time instead (test/client/policy/validate.test.ts).

  it('an unknown path', () => {
    // @ts-expect-error no such path in the spec
    void client.GET('/v1/analytics/unknown', { params: { query: DATES } });
  });

  it('an undeclared method', () => {
    // @ts-expect-error the dashboard has no POST
    void client.POST('/v1/analytics/integrations/dashboard', { params: { query: DATES } });
    // @ts-expect-error nor DELETE
    void client.DELETE('/v1/analytics/tools/reliability/timeout-analysis', {});
  });

  it('a wrong type for a per-request option', () => {
    void client.GET('/v1/analytics/integrations/dashboard', {
      params: { query: DATES },
      // @ts-expect-error maxRetries is a number
      maxRetries: 'two',
    });
  });

  it('a wrong option type', () => {
    // @ts-expect-error logLevel is one of off/error/warn/info/debug
    createFeatherClient({ logLevel: 'verbose' });
    // @ts-expect-error apiKey is a string or a function
    createFeatherClient({ apiKey: 42 });
  });
});
