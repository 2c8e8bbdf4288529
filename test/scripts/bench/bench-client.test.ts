import { describe, expect, it } from 'vitest';
import { median, parseBenchArgs, quantile, ratioOfMedians } from '../../../scripts/bench/client.ts';

describe('bench-client helpers', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %d', (values, want) => {
    expect(median(values)).toBe(want);
  });

  it.each([
    [0.25, 2],
    [0.5, 4],
    [0.75, 6],
    [1, 8],
    [0, 1],
  ])('quantile %d of 1..8 is %d', (q, want) => {
    expect(quantile([8, 7, 6, 5, 4, 3, 2, 1], q)).toBe(want);
  });

  it('divides medians', () => {
    const samples = new Map([
      ['raw fetch', [100, 110, 90]],
      ['feather client', [120, 100, 140]],
    ]);
    expect(ratioOfMedians(samples, 'feather client', 'raw fetch')).toBe(1.2);
  });

  it('reads its options with defaults', () => {
    expect(parseBenchArgs([])).toEqual({ rounds: 100, batch: 50, maxSeconds: 60 });
    expect(parseBenchArgs(['--rounds=5', '--batch=10', '--max-seconds=2'])).toEqual({
      rounds: 5,
      batch: 10,
      maxSeconds: 2,
    });
  });

  it.each([['--rounds=0'], ['--batch=x'], ['--fast']])('refuses %s', (arg) => {
    expect(() => parseBenchArgs([arg])).toThrow(/--/);
  });
});
