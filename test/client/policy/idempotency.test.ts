import { describe, expect, it } from 'vitest';
import {
  declaresIdempotencyHeader,
  newIdempotencyKey,
  withIdempotencyKey,
} from '../../../src/client/policy/idempotency.ts';

describe('withIdempotencyKey (an operation that declares idempotency_key)', () => {
  const key = () => 'feather-k1';
  it.each<[string, unknown, boolean, unknown, boolean]>([
    [
      'a key given',
      { n: 1, idempotency_key: 'mine' },
      false,
      { n: 1, idempotency_key: 'mine' },
      true,
    ],
    [
      'a key given, auto on: kept',
      { idempotency_key: 'mine' },
      true,
      { idempotency_key: 'mine' },
      true,
    ],
    ['no key, auto on: filled', { n: 1 }, true, { n: 1, idempotency_key: 'feather-k1' }, true],
    [
      'null key, auto on: filled',
      { idempotency_key: null },
      true,
      { idempotency_key: 'feather-k1' },
      true,
    ],
    ['no key, auto off: not safe', { n: 1 }, false, { n: 1 }, false],
    [
      'an empty key: left alone, not safe',
      { idempotency_key: '' },
      true,
      { idempotency_key: '' },
      false,
    ],
    ['no body', undefined, true, undefined, false],
    ['an array body', [1], true, [1], false],
  ])('%s', (_name, body, auto, wantBody, wantSafe) => {
    const result = withIdempotencyKey(body, auto, key);
    expect(result).toEqual({ body: wantBody, safeToRepeat: wantSafe });
  });

  it('never changes the caller’s body object', () => {
    const body = { n: 1 };
    withIdempotencyKey(body, true, key);
    expect(body).toEqual({ n: 1 });
  });
});

describe('declaresIdempotencyHeader', () => {
  it.each([
    [[{ name: 'Idempotency-Key', in: 'header' as const, required: false }], true],
    [[{ name: 'idempotency-key', in: 'query' as const, required: false }], false],
    [[], false],
    [undefined, false],
  ])('%j -> %s', (rules, want) => {
    expect(declaresIdempotencyHeader(rules)).toBe(want);
  });
});

it("a new key fits Feather's idempotency_key pattern and differs each time", () => {
  const first = newIdempotencyKey();
  expect(first).toMatch(/^[A-Za-z0-9_-]{1,120}$/);
  expect(newIdempotencyKey()).not.toBe(first);
});
