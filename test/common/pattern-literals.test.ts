import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { patternLiterals } from '../../common/pattern-literals.ts';
import { wholeApiFile, wholeApiMissing, type Release } from '../helpers/feather-api.ts';

/** Every `pattern` string in `value`, depth first. */
function patternsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) patternsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'pattern' && typeof item === 'string') found.push(item);
      else patternsIn(item, found);
    }
  }
  return found;
}

/** The literals match the pattern, as the client compiles it; near misses do not. */
function expectSameLanguage(pattern: string, literals: readonly string[]): void {
  const compiled = new RegExp(pattern, 'u');
  for (const literal of literals) {
    expect(compiled.test(literal), `${pattern} matches ${literal}`).toBe(true);
    for (const miss of [`${literal}x`, `x${literal}`, literal.slice(1), `${literal}\n`, ''])
      if (!literals.includes(miss))
        expect(compiled.test(miss), `${pattern} on ${miss}`).toBe(false);
  }
}

describe('patternLiterals', () => {
  it.each<[string, string[] | undefined]>([
    ['^(minute|hour|day|week)$', ['minute', 'hour', 'day', 'week']],
    ['^(?:score:desc|seen-at:desc)$', ['score:desc', 'seen-at:desc']],
    ['^(a|b|a)$', ['a', 'b']],
    ['^(24h|7d)$', ['24h', '7d']],
    ['^(__proto__|constructor)$', ['__proto__', 'constructor']],
    ['^[a-z][a-z0-9_]*$', undefined],
    ['^(a.b|c)$', undefined],
    ['(a|b)$', undefined],
    ['^(a|b)', undefined],
    ['^(a|b)$|^c$', undefined],
    ['^((a)|b)$', undefined],
    ['^(a||b)$', undefined],
    ['^(a"b|c)$', undefined],
    ['^(a\u0000|b)$', undefined],
    ['^(a\u202eb|c)$', undefined],
    ['^(a b|c)$', undefined],
    [`^(${Array.from({ length: 65 }, (_, i) => `v${i}`).join('|')})$`, undefined],
  ])('%j', (pattern, want) => {
    expect(patternLiterals(pattern)).toEqual(want);
    if (want) expectSameLanguage(pattern, want);
  });

  it('is undefined for a pattern that is not a string', () => {
    expect(patternLiterals(undefined)).toBeUndefined();
    expect(patternLiterals(['^(a)$'])).toBeUndefined();
  });
});

describe.skipIf(wholeApiMissing())(
  `patternLiterals on the whole published API ${wholeApiMissing() ?? ''}`,
  () => {
    it.each<Release>(['1.21.0', '1.87.0'])(
      'each list it reads from %s is exactly what the pattern matches',
      async (release) => {
        const doc = JSON.parse(await readFile(wholeApiFile(release), 'utf8')) as unknown;
        const patterns = [...new Set(patternsIn(doc))];
        const listed = patterns.filter((pattern) => patternLiterals(pattern) !== undefined);
        expect(listed.length).toBeGreaterThan(0);
        for (const pattern of listed) expectSameLanguage(pattern, patternLiterals(pattern)!);
      },
    );
  },
);
