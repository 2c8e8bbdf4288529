import { describe, expect, it } from 'vitest';
import { headerValueProblem, unsendableHeader } from '../../common/header-value.ts';

describe('headerValueProblem agrees with what Headers refuses', () => {
  it.each<[string, string, string | undefined]>([
    ['a plain token', 'Bearer abc', undefined],
    ['white space around, trimmed by Headers', '\r\n\t abc \n', undefined],
    ['a line feed inside', 'a\nb', 'a line break'],
    ['a carriage return inside', 'a\rb', 'a line break'],
    ['a NUL at the end', 'abc\u0000', 'a NUL character'],
    ['Latin-1', 'caf\u00e9', undefined],
    ['a character past U+00FF', 'a\u0100', 'a character past U+00FF'],
  ])('%s', (_name, value, want) => {
    expect(headerValueProblem(value)).toBe(want);
    let refused = false;
    try {
      new Headers().set('x', value);
    } catch {
      refused = true;
    }
    expect(refused).toBe(want !== undefined);
  });
});

describe('unsendableHeader', () => {
  it('names the first header with a value that cannot be sent, in records, lists and pairs', () => {
    expect(unsendableHeader({ a: 'ok', b: null, c: 1, d: ['x', 'y\nz'] })).toEqual({
      name: 'd',
      problem: 'a line break',
    });
    expect(
      unsendableHeader([
        ['a', 'ok'],
        ['b', 'x\u0000'],
      ]),
    ).toEqual({
      name: 'b',
      problem: 'a NUL character',
    });
    expect(unsendableHeader({ a: 'ok' })).toBeUndefined();
    expect(unsendableHeader(new Headers({ a: 'ok' }))).toBeUndefined();
    expect(unsendableHeader(undefined)).toBeUndefined();
  });
});
