/**
 * @featherhq/api-client/testing: the real client against the kit's fetch and against real MSW
 * (`setupServer` from msw/node); every answer checked against the pinned spec. Nothing of ours
 * is mocked: the kit is the thing under test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../scripts/pipeline/generate.ts';
import {
  APIResponseValidationError,
  createFeatherClient,
  FeatherError,
  type GeneratedTables,
} from '../../src/index.ts';
import { createFeatherMock, exampleFromSchema } from '../../src/testing/index.ts';
import { mswHandlers } from '../../src/testing/msw.ts';
import { getToolReliabilityTimeoutAnalysis } from '../../src/operations.ts';
import type { FeatherMock, MockRequest } from '../../src/testing/index.ts';
import { makeWorkspace, type Workspace } from '../helpers/workspace.ts';
import {
  seedTablesPerFile,
  TIMEOUTS,
  TIMEOUTS_QUERY,
  TIMEOUT_ROW,
} from '../helpers/seed-tables.ts';

const KEY = 'sk_test_kit_51d0aa';
const DASHBOARD = '/v1/analytics/integrations/dashboard';

const seed = seedTablesPerFile();

describe('the kit through fetch', () => {
  it('answers the registered body to the real client', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    mock.on('GET', TIMEOUTS, { status: 200, body: [TIMEOUT_ROW] });
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    const { data, response } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(response.status).toBe(200);
    expect(data).toEqual([TIMEOUT_ROW]);
  });

  it('takes an operation function in place of method and path', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    mock.on(getToolReliabilityTimeoutAnalysis, { status: 200, body: [TIMEOUT_ROW] });
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    const { data } = await getToolReliabilityTimeoutAnalysis(client, {
      params: { query: TIMEOUTS_QUERY },
    });
    expect(data).toEqual([TIMEOUT_ROW]);
    expect(() =>
      mock.on(getToolReliabilityTimeoutAnalysis, {
        status: 200,
        body: [{ ...TIMEOUT_ROW, tool_id: 1 }] as never,
      }),
    ).toThrow(
      `GET ${TIMEOUTS}: the handler answered a 200 response the spec does not allow, at /0/tool_id`,
    );
  });

  it('refuses, where it is registered, a body the spec does not allow, naming operation, status and pointer', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    const bad = [{ ...TIMEOUT_ROW, invocation_count: 1.5 }];
    let thrown: unknown;
    try {
      mock.on('GET', TIMEOUTS, { status: 200, body: bad as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(APIResponseValidationError);
    expect((thrown as Error).message).toBe(
      `GET ${TIMEOUTS}: the handler answered a 200 response the spec does not allow, at ` +
        '/0/invocation_count: Instance type "number" is invalid. Expected "integer".',
    );
  });

  it('names the fixture a refused body came from', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    expect(() =>
      mock.on('GET', TIMEOUTS, {
        status: 200,
        body: [{ tool_id: 't1' }] as never,
        fixture: 'fixtures/timeouts.json',
      }),
    ).toThrow(
      `GET ${TIMEOUTS}: fixture fixtures/timeouts.json answered a 200 response the spec does not allow, at /0:`,
    );
  });

  it('rejects the call when a handler function answers a body the spec does not allow', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    mock.on('GET', TIMEOUTS, () => ({
      status: 200,
      body: [{ ...TIMEOUT_ROW, tool_id: 7 }] as never,
    }));
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    const error = (await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e)) as APIResponseValidationError;
    expect(error).toBeInstanceOf(APIResponseValidationError);
    expect([error.operation, error.status, error.pointer]).toEqual([
      `GET ${TIMEOUTS}`,
      200,
      '/0/tool_id',
    ]);
    expect(mock.problems).toEqual([error]);
  });

  it('refuses a status the spec does not declare for the operation', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    expect(() => mock.on('GET', TIMEOUTS, { status: 418 as 200, body: [] })).toThrow(
      `GET ${TIMEOUTS}: the handler answered a 418 response the spec does not allow, at (body): ` +
        'the spec declares no 418 response (it declares 200, 400, 401, 422)',
    );
  });

  it('refuses an answer that is not { status, body? } with a whole status from 200 to 599, naming the operation', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    const url = `${mock.baseUrl}${TIMEOUTS}?start_date=2024-01-01&end_date=2024-01-31`;
    for (const [answer, what] of [
      [undefined, 'undefined'],
      [null, 'null'],
      ['200', 'a string'],
      [{ body: [] }, 'status undefined'],
      [{ status: '200', body: [] }, 'status "200"'],
      [{ status: 200.5, body: [] }, 'status 200.5'],
      [{ status: 1000 }, 'status 1000'],
    ] as const) {
      const message =
        `GET ${TIMEOUTS}: the handler answered ${what}; ` +
        'answer { status, body? } with status a whole number from 200 to 599';
      mock.on('GET', TIMEOUTS, (() => answer) as never);
      const error = await mock.fetch(new Request(url)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FeatherError);
      expect((error as Error).message).toBe(message);
      if (answer !== undefined)
        expect(() => mock.on('GET', TIMEOUTS, answer as never)).toThrow(message);
    }
  });

  it('answers a declared error status, which the client turns into its error', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    mock.on('GET', TIMEOUTS, { status: 401, body: { error: 'unauthorized', message: 'bad key' } });
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    const { error, response } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: 'unauthorized', message: 'bad key' });
  });

  it('hands a handler function the request, its URL and the path parameters', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    const seen: string[] = [];
    mock.on('GET', TIMEOUTS, ({ request, url }) => {
      seen.push(
        request.headers.get('x-api-key') === KEY ? 'key' : 'no key',
        url.searchParams.get('start_date')!,
      );
      return { status: 200, body: [] };
    });
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(seen).toEqual(['key', '2024-01-01']);
  });

  it('without a body, answers an example made from the schema, which the spec allows', async () => {
    const mock = await createFeatherMock({ generated: seed.tables, seed: 7 });
    mock.on('GET', DASHBOARD);
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      fetch: mock.fetch,
      validateResponses: 'throw',
    });
    const { data } = await client.GET(DASHBOARD, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual(mock.example('GET', DASHBOARD));
    expect(Object.keys(data!).sort()).toEqual([
      'by_integration',
      'by_mode',
      'error_breakdown',
      'latency',
      'success_rate',
      'summary',
      'usage',
    ]);
  });

  it('makes the same example for the same seed and another for another seed', async () => {
    const [one, again, other] = await Promise.all([
      createFeatherMock({ generated: seed.tables, seed: 1 }),
      createFeatherMock({ generated: seed.tables, seed: 1 }),
      createFeatherMock({ generated: seed.tables, seed: 2 }),
    ]);
    expect(one.example('GET', TIMEOUTS)).toEqual(again.example('GET', TIMEOUTS));
    expect(one.example('GET', TIMEOUTS)).not.toEqual(other.example('GET', TIMEOUTS));
  });

  it('rejects a request no handler takes, naming it', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    const client = createFeatherClient({ apiKey: KEY, generated: seed.tables, fetch: mock.fetch });
    await expect(client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })).rejects.toThrow(
      new FeatherError(
        `Feather mock: no handler for GET https://api-sandbox.featherhq.com${TIMEOUTS}; ` +
          "register one with mock.on('GET', path, ...)",
      ),
    );
  });

  it('defaults to the base URL the client takes from FEATHER_BASE_URL', async () => {
    const before = process.env.FEATHER_BASE_URL;
    process.env.FEATHER_BASE_URL = 'https://api.featherhq.com';
    try {
      const mock = await createFeatherMock({ generated: seed.tables });
      mock.on('GET', TIMEOUTS, { status: 200, body: [TIMEOUT_ROW] });
      const client = createFeatherClient({
        apiKey: KEY,
        generated: seed.tables,
        fetch: mock.fetch,
      });
      const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
      expect(mock.baseUrl).toBe('https://api.featherhq.com');
      expect(data).toEqual([TIMEOUT_ROW]);
    } finally {
      if (before === undefined) delete process.env.FEATHER_BASE_URL;
      else process.env.FEATHER_BASE_URL = before;
    }
  });

  it('names both origins when a request goes elsewhere than the mock', async () => {
    const mock = await createFeatherMock({ generated: seed.tables, baseUrl: 'http://127.0.0.1:9' });
    mock.on('GET', TIMEOUTS, { status: 200, body: [TIMEOUT_ROW] });
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: 'https://api.featherhq.com',
      fetch: mock.fetch,
    });
    const failure = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toEqual(
      new FeatherError(
        `Feather mock: GET https://api.featherhq.com${TIMEOUTS} is outside the mock's base URL ` +
          "http://127.0.0.1:9; give createFeatherMock({ baseUrl }) the client's baseUrl " +
          '(or the same FEATHER_BASE_URL)',
      ),
    );
    expect(String((failure as Error).message)).not.toContain(KEY);
  });

  it('refuses a handler for an operation the spec does not have', async () => {
    const mock = await createFeatherMock({ generated: seed.tables });
    expect(() => mock.on('DELETE' as 'GET', TIMEOUTS)).toThrow(
      `mock.on: DELETE ${TIMEOUTS} is not an operation of the spec`,
    );
  });

  it('answers only its own origin, and forgets handlers on reset', async () => {
    const mock = await createFeatherMock({ generated: seed.tables, baseUrl: 'http://127.0.0.1:9' });
    mock.on('GET', TIMEOUTS, { status: 200, body: [] });
    expect(await mock.handle(new Request(`https://elsewhere.example${TIMEOUTS}`))).toBeUndefined();
    expect((await mock.handle(new Request(`http://127.0.0.1:9${TIMEOUTS}`)))?.status).toBe(200);
    mock.reset();
    expect(await mock.handle(new Request(`http://127.0.0.1:9${TIMEOUTS}`))).toBeUndefined();
  });
});

describe('exampleFromSchema', () => {
  it.each([
    ['an enum', { enum: ['a', 'b', 'c'] }, (v: unknown) => ['a', 'b', 'c'].includes(v as string)],
    [
      'a date',
      { type: 'string', format: 'date' },
      (v: unknown) => /^2024-01-\d\d$/.test(v as string),
    ],
    [
      'a pattern of alternatives',
      { type: 'string', pattern: '^(minute|hour)$' },
      (v: unknown) => ['minute', 'hour'].includes(v as string),
    ],
    [
      'an integer in bounds',
      { type: 'integer', minimum: 5, maximum: 6 },
      (v: unknown) => v === 5 || v === 6,
    ],
    [
      'a nullable string',
      { anyOf: [{ type: 'null' }, { type: 'string' }] },
      (v: unknown) => typeof v === 'string',
    ],
    ['a const', { const: 3 }, (v: unknown) => v === 3],
  ])('makes %s', (_name, schema, holds) => {
    expect(holds(exampleFromSchema(schema, {}, 3))).toBe(true);
  });

  it('stops at a recursive schema (a tree of nodes)', () => {
    const components = {
      Node: {
        type: 'object',
        properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
      },
    };
    const example = JSON.stringify(
      exampleFromSchema({ $ref: '#/components/schemas/Node' }, components, 1),
    );
    expect(example.length).toBeLessThan(200);
  });
});

describe('exampleFromSchema and hostile names', () => {
  // JSON.parse makes `__proto__` an own key, as a spec's JSON does; a literal would not.
  const proto = (text: string): Record<string, unknown> => JSON.parse(text);

  it.each([
    [
      'property',
      proto(
        '{"type":"object","required":["__proto__"],"properties":{"__proto__":{"type":"object","properties":{"polluted":{"const":1}}}}}',
      ),
    ],
    [
      'property of an allOf part',
      proto(
        '{"allOf":[{"type":"object","required":["__proto__"],"properties":{"__proto__":{"type":"object","properties":{"polluted":{"const":1}}}}}]}',
      ),
    ],
  ])('a %s named __proto__ is an own key of the example, not its prototype', (_name, schema) => {
    const example = exampleFromSchema(schema, {}, 1) as Record<string, unknown>;
    expect(Object.getPrototypeOf(example)).toBe(Object.prototype);
    expect(Object.hasOwn(example, '__proto__')).toBe(true);
    expect(JSON.stringify(example)).toBe('{"__proto__":{"polluted":1}}');
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'a $ref to a component %s that does not exist is refused naming it',
    (name) => {
      expect(() => exampleFromSchema({ $ref: `#/components/schemas/${name}` }, {}, 1)).toThrow(
        `example: cannot resolve $ref #/components/schemas/${name}`,
      );
    },
  );
});

describe('the kit through real MSW (setupServer)', () => {
  let mockReady: Promise<FeatherMock>;
  const server = setupServer();
  beforeAll(async () => {
    mockReady = createFeatherMock({ generated: seed.tables, baseUrl: 'https://api.feather.test' });
    server.use(...mswHandlers(await mockReady));
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(async () => (await mockReady).reset());
  afterAll(() => server.close());

  it('answers the real client, whose fetch is the global one, through MSW', async () => {
    const mock = await mockReady;
    mock.on('GET', TIMEOUTS, { status: 200, body: [TIMEOUT_ROW] });
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: mock.baseUrl,
    });
    const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual([TIMEOUT_ROW]);
  });

  it('answers handlers registered after the server started, with examples', async () => {
    const mock = await mockReady;
    mock.on('GET', DASHBOARD);
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: mock.baseUrl,
      validateResponses: 'throw',
    });
    const { data } = await client.GET(DASHBOARD, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual(mock.example('GET', DASHBOARD));
  });

  it('a handler function answering what the spec does not allow fails the call and is recorded', async () => {
    const mock = await mockReady;
    mock.on('GET', TIMEOUTS, () => ({
      status: 200,
      body: [{ ...TIMEOUT_ROW, timeout_rate: 'high' }] as never,
    }));
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: mock.baseUrl,
      maxRetries: 0,
    });
    const { error, response } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(response.status).toBe(500);
    expect(JSON.stringify(error)).toContain(
      `GET ${TIMEOUTS}: the handler answered a 200 response the spec does not allow, at /0/timeout_rate`,
    );
    expect(mock.problems.map((p) => p.pointer)).toEqual(['/0/timeout_rate']);
  });

  it("leaves requests it has no handler for to MSW's onUnhandledRequest", async () => {
    const mock = await mockReady;
    const client = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: mock.baseUrl,
      maxRetries: 0,
    });
    await expect(client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })).rejects.toThrow();
  });
});

describe('the kit on a path with a parameter', () => {
  let workspace: Workspace | undefined;
  let tables: GeneratedTables;
  beforeAll(async () => {
    const specDir = await mkdtemp(path.join(tmpdir(), 'feather-kit-param-'));
    await writeFile(
      path.join(specDir, 'thing.json'),
      JSON.stringify({
        openapi: '3.1.0',
        info: { title: 'Things', version: '1.0.0' },
        servers: [{ url: 'https://api.example.test' }],
        security: [],
        paths: {
          '/v1/things/{thing_id}': {
            get: {
              summary: 'Thing',
              operationId: 'getThing',
              parameters: [
                { name: 'thing_id', in: 'path', required: true, schema: { type: 'string' } },
              ],
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { type: 'string' } } },
                },
              },
            },
          },
        },
      }),
    );
    workspace = await makeWorkspace(specDir);
    await rm(specDir, { recursive: true, force: true });
    await generate(workspace.paths, true);
    tables = (await import(
      pathToFileURL(path.join(workspace.root, 'generated', 'index.ts')).href
    )) as GeneratedTables;
  }, 120_000);
  afterAll(() => workspace?.remove());

  it('a parameter that is not valid percent-encoding is a FeatherError naming it, not a URIError', async () => {
    const mock = await createFeatherMock({ generated: tables });
    const seen: string[] = [];
    mock.on(
      'GET',
      '/v1/things/{thing_id}' as never,
      (({ params }: MockRequest) => {
        seen.push(params.thing_id!);
        return { status: 200, body: 'ok' };
      }) as never,
    );
    const ok = await mock.fetch(new Request(`${mock.baseUrl}/v1/things/a%20b`));
    expect([ok.status, seen]).toEqual([200, ['a b']]);
    const error = await mock
      .fetch(new Request(`${mock.baseUrl}/v1/things/%E0%A4%A`))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatherError);
    expect((error as Error).message).toBe(
      `Feather mock: GET ${mock.baseUrl}/v1/things/%E0%A4%A: path parameter thing_id is not valid percent-encoding ('%E0%A4%A')`,
    );
  });
});
