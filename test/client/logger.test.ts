import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFeatherClient } from '../../src/index.ts';
import {
  isLogLevel,
  RedactingLogger,
  redactHeaders,
  type Logger,
  type LogLevel,
} from '../../src/client/logger.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.ts';

/** A sink that keeps every line as `level message data`. */
function collectingSink(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push =
    (level: string) =>
    (message: string, data?: Record<string, unknown>): void => {
      lines.push(`${level} ${message}${data ? ` ${JSON.stringify(data)}` : ''}`);
    };
  return {
    lines,
    error: push('error'),
    warn: push('warn'),
    info: push('info'),
    debug: push('debug'),
  };
}

let server: LoopbackServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

describe('RedactingLogger levels', () => {
  it.each<[LogLevel, string[]]>([
    ['off', []],
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['info', ['error', 'warn', 'info']],
    ['debug', ['error', 'warn', 'info', 'debug']],
  ])('%s writes %j', (level, want) => {
    const sink = collectingSink();
    const logger = new RedactingLogger(level, sink);
    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    expect(sink.lines.map((line) => line.split(' ')[0])).toEqual(want);
  });

  it('knows its level names', () => {
    expect(['off', 'error', 'warn', 'info', 'debug'].every(isLogLevel)).toBe(true);
    expect(isLogLevel('trace')).toBe(false);
    expect(isLogLevel('constructor')).toBe(false);
  });
});

describe('redaction', () => {
  it('replaces the values of secret-bearing headers', () => {
    const headers = new Headers({
      'x-api-key': 'k',
      authorization: 'Bearer t',
      cookie: 'c=1',
      accept: 'application/json',
    });
    expect(redactHeaders(headers)).toEqual({
      accept: 'application/json',
      authorization: '***',
      cookie: '***',
      'x-api-key': '***',
    });
  });

  it("replaces the values of the user's credential headers, not Idempotency-Key's", () => {
    const headers = new Headers({
      'proxy-authorization': 'Basic dTpw',
      'x-session-token': 'sess_1',
      'x-auth': 'a',
      'x-partner-key': 'k',
      'idempotency-key': 'idem-1',
      'x-request-id': 'r',
    });
    expect(redactHeaders(headers)).toEqual({
      'idempotency-key': 'idem-1',
      'proxy-authorization': '***',
      'x-auth': '***',
      'x-partner-key': '***',
      'x-request-id': 'r',
      'x-session-token': '***',
    });
  });

  it('keeps a key among more remembered secrets than 16 (a few cookies split in parts)', () => {
    const sink = collectingSink();
    const logger = new RedactingLogger('warn', sink);
    logger.addSecret('sk_live_first_key');
    for (let i = 0; i < 20; i++) logger.addSecret(`cookie_${i}_part`);
    logger.warn('sk_live_first_key cookie_0_part cookie_19_part');
    expect(sink.lines).toEqual(['warn [feather] *** *** ***']);
  });

  it('replaces a remembered secret in the message and the data', () => {
    const sink = collectingSink();
    const logger = new RedactingLogger('debug', sink);
    logger.addSecret('sk_"quoted"_secret');
    logger.addSecret('sk_plain_secret');
    logger.warn('saw sk_plain_secret twice: sk_plain_secret', {
      nested: { value: 'sk_"quoted"_secret' },
    });
    expect(sink.lines).toEqual(['warn [feather] saw *** twice: *** {"nested":{"value":"***"}}']);
  });

  it('scrubs a key whatever its length, from free text and data', () => {
    const sink = collectingSink();
    const logger = new RedactingLogger('warn', sink);
    logger.addSecret('k1');
    logger.addSecret('"');
    logger.warn('echoed k1 and "', { requestId: 'req-k1', n: 1 });
    expect(sink.lines).toEqual(['warn [feather] echoed *** and *** {"requestId":"req-***","n":1}']);
  });

  it('remembers nothing when off', () => {
    const logger = new RedactingLogger('off', collectingSink());
    logger.addSecret('x');
    expect((logger as unknown as { secrets: string[] }).secrets).toEqual([]);
  });
});

describe('the client logs', () => {
  it('each attempt at debug (key redacted), each retry and giving up at info', async () => {
    server = await startLoopbackServer([{ status: 503 }]);
    const sink = collectingSink();
    const client = createFeatherClient({
      apiKey: 'sk_test_logger_8d7c6b5a',
      baseUrl: server.url,
      initialRetryDelayMs: 1,
      maxRetries: 1,
      logLevel: 'debug',
      logger: sink,
    });
    await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
    });
    const url = `${server.url}/v1/analytics/tools/reliability/timeout-analysis`;
    expect(
      sink.lines.map((line) => line.replace(/retrying in \d+ ms/, 'retrying in N ms')),
    ).toEqual([
      `debug [feather] GET ${url} attempt 1 of 2 {"headers":{"x-api-key":"***"}}`,
      `debug [feather] GET ${url} -> 503 {"requestId":null}`,
      `info [feather] GET ${url}: 503, retrying in N ms (attempt 2 of 2)`,
      `debug [feather] GET ${url} attempt 2 of 2 {"headers":{"x-api-key":"***"}}`,
      `debug [feather] GET ${url} -> 503 {"requestId":null}`,
      `info [feather] GET ${url}: 503 after 2 attempts`,
    ]);
  });

  it("redacts the user's credential headers at debug, and their values echoed back", async () => {
    server = await startLoopbackServer((request) => ({
      status: 503,
      headers: { 'x-request-id': `req ${String(request.headers['x-session-token'])}` },
    }));
    const sink = collectingSink();
    const client = createFeatherClient({
      apiKey: 'sk_test_logger_cred_1c3e',
      baseUrl: server.url,
      maxRetries: 0,
      logLevel: 'debug',
      logger: sink,
      headers: { Authorization: 'Bearer tok_logger_5a7c9e' },
    });
    await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
      headers: { 'X-Session-Token': 'sess_logger_2b4d6f' },
    });
    const url = `${server.url}/v1/analytics/tools/reliability/timeout-analysis`;
    expect(sink.lines).toEqual([
      `debug [feather] GET ${url} attempt 1 of 1 {"headers":{"authorization":"***","x-api-key":"***","x-session-token":"***"}}`,
      `debug [feather] GET ${url} -> 503 {"requestId":"req ***"}`,
    ]);
  });

  it('is quiet by default (warn) about failures the caller receives anyway', async () => {
    server = await startLoopbackServer([{ status: 503 }]);
    const sink = collectingSink();
    const client = createFeatherClient({
      apiKey: 'sk_test_logger_quiet_2b4d',
      baseUrl: server.url,
      initialRetryDelayMs: 1,
      logger: sink,
    });
    const result = await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
    });
    expect(result.response.status).toBe(503);
    expect(sink.lines).toEqual([]);
  });

  it('warns when a Retry-After over the cap stops a retry', async () => {
    server = await startLoopbackServer([{ status: 429, headers: { 'retry-after': '120' } }]);
    const sink = collectingSink();
    const client = createFeatherClient({
      apiKey: 'sk_test_logger_quiet_2b4d',
      baseUrl: server.url,
      logger: sink,
    });
    await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
    });
    expect(sink.lines).toEqual([
      `warn [feather] GET ${server.url}/v1/analytics/tools/reliability/timeout-analysis: 429 asks ` +
        'to retry after more than maxRetryAfterMs (60000 ms); returning it without retrying',
    ]);
  });

  it('takes its level from FEATHER_LOG when the option is not given', async () => {
    vi.stubEnv('FEATHER_LOG', 'info');
    server = await startLoopbackServer([{ status: 503 }, { body: [] }]);
    const sink = collectingSink();
    const client = createFeatherClient({
      apiKey: 'sk_test_logger_quiet_2b4d',
      baseUrl: server.url,
      initialRetryDelayMs: 1,
      logger: sink,
    });
    await client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
      params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
    });
    expect(sink.lines.map((line) => line.split(' ')[0])).toEqual(['info']);
  });

  it('refuses an unknown FEATHER_LOG by name', () => {
    vi.stubEnv('FEATHER_LOG', 'verbose');
    expect(() => createFeatherClient({ apiKey: 'k' })).toThrow(/FEATHER_LOG is "verbose"/);
  });
});
