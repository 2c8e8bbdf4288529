/** Feather's error-body retry hints (`retryable`, `retry_after`) as pure decisions. */
import { describe, expect, it } from 'vitest';
import { errorBodyHints } from '../../../src/client/policy/error-hints.ts';
import { retryDelayMs, shouldRetry } from '../../../src/client/policy/retry.ts';

const POLICY = { initialRetryDelayMs: 500, maxRetryDelayMs: 8000, maxRetryAfterMs: 60_000 };
const request = { retryable: true, retriesSoFar: 0, maxRetries: 2 };

describe('errorBodyHints', () => {
  it.each<[string, unknown, object]>([
    [
      'both',
      { error: 'e', message: 'm', retryable: false, retry_after: 2 },
      { retryable: false, retryAfterMs: 2000 },
    ],
    ['nulls', { retryable: null, retry_after: null }, {}],
    ['a negative retry_after', { retry_after: -1 }, {}],
    ['a retry_after as text', { retry_after: '2' }, {}],
    ['a fraction of a second', { retry_after: 0.25 }, { retryAfterMs: 250 }],
    ['text body', 'Bad Gateway', {}],
    ['no body', undefined, {}],
  ])('%s', (_name, body, want) => {
    expect(errorBodyHints(body)).toEqual(want);
  });
});

describe('shouldRetry with body hints', () => {
  const response = (status: number, headers: Record<string, string> = {}, retryable?: boolean) => ({
    kind: 'response' as const,
    status,
    headers: new Headers(headers),
    hints: retryable === undefined ? {} : { retryable },
  });
  it.each<[string, ReturnType<typeof response>, boolean]>([
    ['503 retryable: false', response(503, {}, false), false],
    ['400 retryable: true', response(400, {}, true), true],
    ['503 without a hint', response(503), true],
    [
      'x-should-retry: true wins over retryable: false',
      response(503, { 'x-should-retry': 'true' }, false),
      true,
    ],
    [
      'x-should-retry: false wins over retryable: true',
      response(503, { 'x-should-retry': 'false' }, true),
      false,
    ],
  ])('%s', (_name, outcome, want) => {
    expect(shouldRetry(outcome, request)).toBe(want);
  });

  it('a POST without a key is not retried, whatever the body says', () => {
    expect(shouldRetry(response(503, {}, true), { ...request, retryable: false })).toBe(false);
  });
});

describe('retryDelayMs with the body’s retry_after', () => {
  const now = 1_000_000;
  it.each<[string, Record<string, string>, number | undefined, number | undefined]>([
    ['the body alone', {}, 2000, 2000],
    ['Retry-After wins over the body', { 'retry-after': '1' }, 30_000, 1000],
    ['retry-after-ms wins over the body', { 'retry-after-ms': '5' }, 30_000, 5],
    ['the body over the cap: give up', {}, 120_000, undefined],
    ['neither: backoff', {}, undefined, 500],
  ])('%s', (_name, headers, bodyMs, want) => {
    expect(
      retryDelayMs({
        retryNumber: 1,
        headers: new Headers(headers),
        bodyRetryAfterMs: bodyMs,
        policy: POLICY,
        random: () => 0,
        nowMs: now,
      }),
    ).toBe(want);
  });
});
