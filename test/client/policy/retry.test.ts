import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../../src/client/constants.ts';
import { createFeatherClient, type FeatherClientOptions } from '../../../src/index.ts';
import { isRetryableRequest } from '../../../src/client/policy/idempotency.ts';
import {
  retryDelayMs,
  serverRetryAfterMs,
  shouldRetry,
  type AttemptOutcome,
} from '../../../src/client/policy/retry.ts';

const response = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({
  kind: 'response',
  status,
  headers: new Headers(headers),
});
const FIRST_TRY = { retryable: true, retriesSoFar: 0, maxRetries: 2 };

describe('isRetryableRequest', () => {
  it.each([
    ['GET', false, true],
    ['HEAD', false, true],
    ['OPTIONS', false, true],
    ['PUT', false, true],
    ['DELETE', false, true],
    ['get', false, true],
    ['POST', false, false],
    ['PATCH', false, false],
    ['POST', true, true],
    ['PATCH', true, true],
  ])('%s with an Idempotency-Key: %s -> %s', (method, hasKey, want) => {
    expect(isRetryableRequest(method, hasKey)).toBe(want);
  });
});

describe('shouldRetry', () => {
  it.each<[string, AttemptOutcome, boolean]>([
    ['a connection failure', { kind: 'connection-error' }, true],
    ['a timeout', { kind: 'timeout' }, true],
    ['408', response(408), true],
    ['409', response(409), true],
    ['429', response(429), true],
    ['500', response(500), true],
    ['502', response(502), true],
    ['503', response(503), true],
    ['504', response(504), true],
    ['400', response(400), false],
    ['401', response(401), false],
    ['403', response(403), false],
    ['404', response(404), false],
    ['422', response(422), false],
    ['503 with x-should-retry: false', response(503, { 'x-should-retry': 'false' }), false],
    ['400 with x-should-retry: true', response(400, { 'x-should-retry': 'true' }), true],
    [
      '429 with x-should-retry: maybe (ignored)',
      response(429, { 'x-should-retry': 'maybe' }),
      true,
    ],
  ])('retries %s: %s', (_name, outcome, want) => {
    expect(shouldRetry(outcome, FIRST_TRY)).toBe(want);
  });

  it.each<[string, { retryable: boolean; retriesSoFar: number; maxRetries: number }]>([
    [
      'the request is not retryable (POST without Idempotency-Key)',
      { ...FIRST_TRY, retryable: false },
    ],
    ['maxRetries is 0', { ...FIRST_TRY, maxRetries: 0 }],
    ['the retries ran out', { ...FIRST_TRY, retriesSoFar: 2 }],
  ])('never retries when %s', (_name, request) => {
    expect(shouldRetry({ kind: 'connection-error' }, request)).toBe(false);
    expect(shouldRetry(response(503, { 'x-should-retry': 'true' }), request)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  const policy = { initialRetryDelayMs: 500, maxRetryDelayMs: 8000, maxRetryAfterMs: 60_000 };
  const noJitter = (): number => 0;
  const fullJitter = (): number => 0.999999;
  const NOW = Date.UTC(2024, 0, 31, 12, 0, 0);

  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 8000],
    [6, 8000],
    [20, 8000],
  ])('backs off exponentially: retry %i waits %i ms without jitter', (retry, want) => {
    expect(retryDelayMs({ retryNumber: retry, policy, random: noJitter })).toBe(want);
  });

  it('jitter shortens a wait by at most 25%', () => {
    expect(retryDelayMs({ retryNumber: 1, policy, random: fullJitter })).toBe(375);
    expect(retryDelayMs({ retryNumber: 5, policy, random: fullJitter })).toBe(6000);
  });

  it.each<[string, Record<string, string>, number | undefined]>([
    ['retry-after-ms', { 'retry-after-ms': '250' }, 250],
    ['retry-after-ms over Retry-After', { 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    ['Retry-After in seconds', { 'retry-after': '3' }, 3000],
    ['Retry-After 0', { 'retry-after': '0' }, 0],
    ['Retry-After as an HTTP date', { 'retry-after': 'Wed, 31 Jan 2024 12:00:05 GMT' }, 5000],
    ['Retry-After as a date in the past', { 'retry-after': 'Wed, 31 Jan 2024 11:00:00 GMT' }, 0],
    ['Retry-After at the cap', { 'retry-after': '60' }, 60_000],
    ['Retry-After over the cap', { 'retry-after': '61' }, undefined],
    ['retry-after-ms over the cap', { 'retry-after-ms': '60001' }, undefined],
    ['unreadable Retry-After (falls back to backoff)', { 'retry-after': 'soon' }, 500],
    ['negative retry-after-ms (falls back to backoff)', { 'retry-after-ms': '-5' }, 500],
    ['no hint (backoff)', {}, 500],
    ['Retry-After -5 (not a date from 2001: backoff)', { 'retry-after': '-5' }, 500],
    ['Retry-After -0.5 (backoff)', { 'retry-after': '-0.5' }, 500],
    ['Retry-After 1e3 (backoff)', { 'retry-after': '1e3' }, 500],
    ['Retry-After Infinity (backoff)', { 'retry-after': 'Infinity' }, 500],
    [
      'Retry-After as an ISO date (not an HTTP date: backoff)',
      { 'retry-after': '2024-01-31' },
      500,
    ],
    ['Retry-After as a bare number in a sentence (backoff)', { 'retry-after': '5 seconds' }, 500],
    ['Retry-After with spaces around', { 'retry-after': ' 2 ' }, 2000],
    ['Retry-After 1.5 (fraction rounded up)', { 'retry-after': '1.5' }, 1500],
    [
      'Retry-After as an RFC 850 date',
      { 'retry-after': 'Wednesday, 31-Jan-24 12:00:07 GMT' },
      7000,
    ],
    ['Retry-After as an asctime date', { 'retry-after': 'Wed Jan 31 12:00:09 2024' }, 9000],
    [
      'Retry-After as a date with a bad day name (backoff)',
      { 'retry-after': 'Xyz, 31 Jan 2024 12:00:05 GMT' },
      500,
    ],
    [
      'retry-after-ms -1 beside a good Retry-After',
      { 'retry-after-ms': '-1', 'retry-after': '2' },
      2000,
    ],
  ])('honours %s', (_name, headers, want) => {
    expect(
      retryDelayMs({
        retryNumber: 1,
        headers: new Headers(headers),
        policy,
        random: noJitter,
        nowMs: NOW,
      }),
    ).toBe(want);
  });

  it('uses the configured cap for Retry-After', () => {
    const strict = { ...policy, maxRetryAfterMs: 1000 };
    expect(
      retryDelayMs({
        retryNumber: 1,
        headers: new Headers({ 'retry-after': '2' }),
        policy: strict,
        random: noJitter,
        nowMs: NOW,
      }),
    ).toBe(undefined);
  });

  it.each<[string, Partial<typeof policy>, Record<string, string>, number]>([
    [
      'a huge Retry-After with maxRetryAfterMs Infinity',
      { maxRetryAfterMs: Infinity },
      { 'retry-after': '99999999999' },
      MAX_TIMER_MS,
    ],
    [
      'a huge retry-after-ms with maxRetryAfterMs Infinity',
      { maxRetryAfterMs: Infinity },
      { 'retry-after-ms': '1' + '0'.repeat(30) },
      MAX_TIMER_MS,
    ],
    [
      'a backoff past the limit',
      { initialRetryDelayMs: MAX_TIMER_MS, maxRetryDelayMs: Infinity },
      {},
      MAX_TIMER_MS,
    ],
    [
      'a doubled backoff past the limit',
      { initialRetryDelayMs: 2 ** 30, maxRetryDelayMs: Infinity },
      {},
      MAX_TIMER_MS,
    ],
  ])("clamps %s to setTimeout's limit", (_name, changes, headers, want) => {
    const wide = { ...policy, ...changes };
    expect(
      retryDelayMs({
        retryNumber: 3,
        headers: new Headers(headers),
        policy: wide,
        random: noJitter,
        nowMs: NOW,
      }),
    ).toBe(want);
  });

  it('serverRetryAfterMs reads nothing from headers without a hint', () => {
    expect(serverRetryAfterMs(new Headers(), NOW)).toBeUndefined();
  });
});

describe('timer options are bounded', () => {
  it.each<[string, FeatherClientOptions, RegExp | undefined]>([
    [
      'initialRetryDelayMs 3e9',
      { initialRetryDelayMs: 3e9 },
      /^initialRetryDelayMs is 3000000000: expected milliseconds from 0 to 2147483647 \(setTimeout's limit/,
    ],
    [
      'maxRetryDelayMs Infinity',
      { maxRetryDelayMs: Infinity },
      /^maxRetryDelayMs is Infinity: expected milliseconds from 0 to 2147483647/,
    ],
    [
      'timeoutMs 3e9',
      { timeoutMs: 3e9 },
      /^timeoutMs is 3000000000: expected milliseconds from 0 to 2147483647/,
    ],
    ['timeoutMs NaN', { timeoutMs: NaN }, /^timeoutMs is NaN/],
    ['initialRetryDelayMs -1', { initialRetryDelayMs: -1 }, /^initialRetryDelayMs is -1/],
    ['timeoutMs Infinity (no bound)', { timeoutMs: Infinity }, undefined],
    ['timeoutMs 0 (no bound)', { timeoutMs: 0 }, undefined],
    ['maxRetryAfterMs Infinity (any wait, clamped)', { maxRetryAfterMs: Infinity }, undefined],
    [
      'the limit itself',
      { initialRetryDelayMs: MAX_TIMER_MS, maxRetryDelayMs: MAX_TIMER_MS, timeoutMs: MAX_TIMER_MS },
      undefined,
    ],
  ])('%s', (_name, options, want) => {
    const create = () => createFeatherClient({ apiKey: 'sk_test_bounds_1a2b', ...options });
    if (want === undefined) expect(create).not.toThrow();
    else expect(create).toThrow(want);
  });

  it('a per-request timeoutMs past the limit is refused by name, sending nothing', async () => {
    let sent = 0;
    const client = createFeatherClient({
      apiKey: 'sk_test_bounds_1a2b',
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => {
        sent++;
        return new Response('[]');
      },
    });
    await expect(
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
        params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
        timeoutMs: 2 ** 31,
      }),
    ).rejects.toThrow(/^timeoutMs is 2147483648: expected milliseconds from 0 to 2147483647/);
    expect(sent).toBe(0);
  });
});
