/**
 * `validateResponses` against a real loopback server: off by default (nothing loaded), `warn`
 * logs through the client's logger, `throw` rejects with an `APIResponseValidationError` naming
 * operation, status and JSON pointer, never the key or a value of the body; per-request override
 * and the sampling rate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  APIResponseValidationError,
  createFeatherClient,
  FeatherError,
  type FeatherClientOptions,
  type Logger,
} from '../../src/index.ts';
import { sampled } from '../../src/client/policy/response-check.ts';
import { everythingAbout } from '../helpers/leaks.ts';
import {
  seedTablesPerFile,
  TIMEOUTS,
  TIMEOUTS_QUERY,
  TIMEOUT_ROW,
} from '../helpers/seed-tables.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../helpers/loopback-server.ts';

const KEY = 'sk_test_validation_7c1e42';

let server: LoopbackServer | undefined;
const seed = seedTablesPerFile();
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Log lines the client wrote, by level. */
function recordingLogger(): Logger & {
  lines: { level: string; message: string; data?: unknown }[];
} {
  const lines: { level: string; message: string; data?: unknown }[] = [];
  const at = (level: string) => (message: string, data?: unknown) =>
    void lines.push({ level, message, data });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

async function clientFor(replies: Reply[], options: FeatherClientOptions = {}) {
  server = await startLoopbackServer(replies);
  return createFeatherClient({
    apiKey: KEY,
    generated: seed.tables,
    baseUrl: server.url,
    maxRetries: 0,
    ...options,
  });
}

describe('validateResponses', () => {
  it('is off by default: a body the spec does not allow is returned as it came', async () => {
    const client = await clientFor([{ body: [{ ...TIMEOUT_ROW, timeout_count: 'one' }] }]);
    const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual([{ ...TIMEOUT_ROW, timeout_count: 'one' }]);
  });

  it("'throw' rejects a mismatching 200 naming operation, status and pointer", async () => {
    const client = await clientFor(
      [{ body: [TIMEOUT_ROW, { ...TIMEOUT_ROW, timeout_count: 'one' }] }],
      {
        validateResponses: 'throw',
      },
    );
    const error = await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIResponseValidationError);
    expect(error).toBeInstanceOf(FeatherError);
    const failure = error as APIResponseValidationError;
    expect(failure.operation).toBe(`GET ${TIMEOUTS}`);
    expect(failure.status).toBe(200);
    expect(failure.pointer).toBe('/1/timeout_count');
    expect(failure.message).toBe(
      `GET ${TIMEOUTS}: the 200 response the spec does not allow, at /1/timeout_count: ` +
        'Instance type "string" is invalid. Expected "integer".',
    );
  });

  it("'throw' returns a conforming body unchanged", async () => {
    const client = await clientFor([{ body: [TIMEOUT_ROW] }], { validateResponses: 'throw' });
    const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual([TIMEOUT_ROW]);
  });

  it("'throw' names a missing required field at its object's pointer", async () => {
    const { tool_name: _dropped, ...partial } = TIMEOUT_ROW;
    const client = await clientFor([{ body: [partial] }], { validateResponses: 'throw' });
    const error = (await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e)) as APIResponseValidationError;
    expect(error.pointer).toBe('/0');
    expect(error.problems[0]!.message).toBe(
      'Instance does not have required property "tool_name".',
    );
  });

  it('checks error bodies against the status they came with (a 400 without its message)', async () => {
    const client = await clientFor([{ status: 400, body: { error: 'bad_request' } }], {
      validateResponses: 'throw',
    });
    const error = (await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e)) as APIResponseValidationError;
    expect(error).toBeInstanceOf(APIResponseValidationError);
    expect([error.status, error.pointer]).toEqual([400, '']);
  });

  it('leaves a status the spec declares no body for alone (a 503 proxy page)', async () => {
    const client = await clientFor([{ status: 503, body: 'upstream down' }], {
      validateResponses: 'throw',
    });
    const { error, response } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect([response.status, error]).toEqual([503, 'upstream down']);
  });

  it("'warn' logs operation, status and pointer through the logger and returns the data", async () => {
    const logger = recordingLogger();
    const client = await clientFor([{ body: [{ ...TIMEOUT_ROW, timeout_rate: null }] }], {
      validateResponses: 'warn',
      logger,
    });
    const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(data).toEqual([{ ...TIMEOUT_ROW, timeout_rate: null }]);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: `[feather] GET ${TIMEOUTS}: the 200 response the spec does not allow, at /0/timeout_rate: Instance type "null" is invalid. Expected "number".`,
        data: { operation: `GET ${TIMEOUTS}`, status: 200, pointer: '/0/timeout_rate' },
      },
    ]);
  });

  it('never puts the key or a value of the body in the error, even when the server echoes them', async () => {
    const secretValue = `${KEY}-echoed`;
    const client = await clientFor(
      [{ body: [{ ...TIMEOUT_ROW, tool_name: 7, extra: secretValue, timeout_count: 1e9 + 0.5 }] }],
      { validateResponses: 'throw' },
    );
    const error = (await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e)) as APIResponseValidationError;
    const everything = JSON.stringify({
      message: error.message,
      problems: error.problems,
      stack: error.stack,
    });
    expect(error.problems.length).toBeGreaterThan(0);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('1000000000.5');
  });

  it('a per-request validateResponses overrides the client (on for one call, off for another)', async () => {
    const bad = [{ ...TIMEOUT_ROW, timeout_count: 'one' }];
    const client = await clientFor([{ body: bad }]);
    await expect(
      client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY }, validateResponses: 'throw' }),
    ).rejects.toBeInstanceOf(APIResponseValidationError);
    const strict = createFeatherClient({
      apiKey: KEY,
      generated: seed.tables,
      baseUrl: server!.url,
      validateResponses: 'throw',
    });
    const { data } = await strict.GET(TIMEOUTS, {
      params: { query: TIMEOUTS_QUERY },
      validateResponses: 'off',
    });
    expect(data).toEqual(bad);
  });

  it('a sampling rate of 0 checks nothing, unless the request asks', async () => {
    const client = await clientFor([{ body: [{ ...TIMEOUT_ROW, timeout_count: 'one' }] }], {
      validateResponses: 'throw',
      validateResponsesSampleRate: 0,
    });
    await expect(
      client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } }),
    ).resolves.toMatchObject({
      response: { status: 200 },
    });
    await expect(
      client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY }, validateResponses: 'throw' }),
    ).rejects.toBeInstanceOf(APIResponseValidationError);
  });

  it.each([
    [1, 0.999, true],
    [0, 0, false],
    [0.25, 0.2, true],
    [0.25, 0.25, false],
  ])('sampled(rate %s) with a draw of %s is %s', (rate, draw, want) => {
    expect(sampled(rate, () => draw)).toBe(want);
  });

  it.each([
    [
      { validateResponses: 'always' },
      'validateResponses is always: expected "off", "warn" or "throw"',
    ],
    [
      { validateResponsesSampleRate: 2 },
      'validateResponsesSampleRate is 2: expected a number from 0 to 1',
    ],
    [
      { validateResponsesSampleRate: Number.NaN },
      'validateResponsesSampleRate is NaN: expected a number from 0 to 1',
    ],
  ])('refuses the option %o', (options, message) => {
    expect(() =>
      createFeatherClient({
        apiKey: KEY,
        generated: seed.tables,
        ...(options as FeatherClientOptions),
      }),
    ).toThrow(new FeatherError(message));
  });

  it('refuses a bad per-request mode before sending', async () => {
    const client = await clientFor([{ body: [TIMEOUT_ROW] }]);
    await expect(
      client.GET(TIMEOUTS, {
        params: { query: TIMEOUTS_QUERY },
        validateResponses: 'loud' as 'warn',
      }),
    ).rejects.toThrow('validateResponses is loud: expected "off", "warn" or "throw"');
    expect(server!.requests).toHaveLength(0);
  });
});

/** The seed's tables, with a 200 of TIMEOUTS that is a map of counts (`additionalProperties`). */
function tablesWithMapOfCounts() {
  const table = {
    operations: {
      [`GET ${TIMEOUTS}`]: { '200': { type: 'object', additionalProperties: { type: 'integer' } } },
    },
    components: { schemas: {} },
  };
  return {
    ...seed.tables,
    loadResponseSchemas: () => Promise.resolve({ RESPONSE_SCHEMAS_JSON: JSON.stringify(table) }),
  };
}

describe('validateResponses and hostile property names', () => {
  // JSON can name a property with a lone surrogate; the validator's JSON pointer (encodeURI) cannot.
  const LONE_SURROGATE_BODY = '{"\\ud800": 1}';

  it("'warn': a property name with a lone surrogate is logged as not checked, the call resolves", async () => {
    const logger = recordingLogger();
    const client = await clientFor(
      [{ headers: { 'content-type': 'application/json' }, body: LONE_SURROGATE_BODY }],
      { validateResponses: 'warn', logger, generated: tablesWithMapOfCounts() },
    );
    const { data } = await client.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
    expect(Object.keys(data as object)).toEqual(['\ud800']);
    expect(logger.lines.map((line) => line.message)).toEqual([
      expect.stringContaining('lone surrogate'),
    ]);
  });

  it("'throw': a property name with a lone surrogate rejects with APIResponseValidationError", async () => {
    const client = await clientFor(
      [{ headers: { 'content-type': 'application/json' }, body: LONE_SURROGATE_BODY }],
      { validateResponses: 'throw', generated: tablesWithMapOfCounts() },
    );
    const error = await client
      .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIResponseValidationError);
    expect((error as Error).message).toMatch(/lone surrogate .*not checked/);
  });

  it.each([
    ['the key', KEY],
    ['a key with a slash (~1 in a JSON pointer)', 'sk_live_POINTER/4d2e9a'],
  ])(
    "a server naming a property with %s: neither the 'throw' error nor the 'warn' line shows it",
    async (_name, apiKey) => {
      const replies = [{ body: { [apiKey]: 'not a count', [`x-${apiKey}`]: 'nor this' } }];
      const client = await clientFor(replies, {
        apiKey,
        validateResponses: 'throw',
        generated: tablesWithMapOfCounts(),
      });
      const error = await client
        .GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIResponseValidationError);
      expect((error as APIResponseValidationError).problems.map((p) => p.pointer)).toEqual([
        '',
        '/***',
        '/***',
      ]);
      const logger = recordingLogger();
      const warning = createFeatherClient({
        apiKey,
        baseUrl: server!.url,
        maxRetries: 0,
        validateResponses: 'warn',
        logger,
        generated: tablesWithMapOfCounts(),
      });
      await warning.GET(TIMEOUTS, { params: { query: TIMEOUTS_QUERY } });
      expect(logger.lines).toHaveLength(1);
      const seen = everythingAbout(error) + JSON.stringify(logger.lines);
      expect(seen).not.toContain(apiKey);
      expect(seen).not.toContain(apiKey.replace('/', '~1'));
    },
  );
});
