/**
 * src/client/transport/serialize.ts against openapi-fetch's own serializers: the same output
 * for the same input, over a table of values and every style option (the direct path of the
 * operation functions builds URLs, headers and bodies with ours).
 */
import { describe, expect, it } from 'vitest';
import * as openapiFetch from 'openapi-fetch';
import {
  createQuerySerializer,
  defaultBodySerializer,
  mergeHeaders,
  removeTrailingSlash,
  serializeArrayParam,
  serializeObjectParam,
} from '../../../src/client/transport/serialize.ts';

const QUERIES: Record<string, unknown>[] = [
  {},
  { a: 'plain', b: 2, c: true, d: null, e: undefined },
  { 'k]&z': 'v w', é: 'ü/?#&=', r: "!*'();:@$,/?#[]" },
  { list: ['a b', 'c&d', 3], empty: [] },
  { obj: { x: 'y z', 'n]': '&', deep: 1 } },
  { mixed: ['1'], obj: { a: 'b' }, s: 's' },
];
const OPTIONS: (openapiFetch.QuerySerializerOptions | undefined)[] = [
  undefined,
  { allowReserved: true },
  { array: { style: 'form', explode: false } },
  { array: { style: 'spaceDelimited', explode: false } },
  { array: { style: 'pipeDelimited', explode: false } },
  { object: { style: 'form', explode: true } },
  { object: { style: 'form', explode: false } },
  { object: { style: 'deepObject', explode: true }, allowReserved: true },
];

describe('serializers give what openapi-fetch 0.17 gives', () => {
  it('the query serializer, for each value shape under each option', () => {
    for (const options of OPTIONS) {
      const ours = createQuerySerializer(options as never);
      const theirs = openapiFetch.createQuerySerializer(options);
      for (const query of QUERIES) expect(ours(query)).toBe(theirs(query));
    }
  });

  it('the query serializer throws openapi-fetch’s error for nested arrays', () => {
    const query = { nested: [['a']] };
    expect(() => createQuerySerializer()(query)).toThrow(
      (() => {
        try {
          openapiFetch.createQuerySerializer()(query);
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      })(),
    );
  });

  it('array and object path values in every style', () => {
    const styles = ['simple', 'label', 'matrix', 'form'] as const;
    for (const style of styles) {
      for (const explode of [true, false]) {
        const options = { style, explode };
        expect(serializeArrayParam('id', ['a b', 'c/d'], options)).toBe(
          openapiFetch.serializeArrayParam('id', ['a b', 'c/d'], options),
        );
        const object = { k: 'v w', 'x/y': 'z' };
        expect(serializeObjectParam('id', object, options)).toBe(
          openapiFetch.serializeObjectParam('id', object, options as never),
        );
      }
    }
  });

  it('headers merged: later sources win, null removes, arrays append', () => {
    const sources = [
      { 'Content-Type': 'application/json' },
      new Headers({ 'x-a': '1', 'x-b': '2' }),
      { 'x-a': null, 'x-c': ['3', '4'], 'x-d': undefined, 'content-type': 'text/plain' },
    ];
    expect([...mergeHeaders(...sources)]).toEqual([
      ...openapiFetch.mergeHeaders(...(sources as openapiFetch.HeadersOptions[])),
    ]);
  });

  it('bodies: JSON, form-urlencoded by Content-Type, FormData as is', () => {
    const form = new FormData();
    const cases: [unknown, Headers][] = [
      [{ a: [1, 2], b: 'é' }, new Headers()],
      [{ a: '1 2', b: '&' }, new Headers({ 'content-type': 'application/x-www-form-urlencoded' })],
      [form, new Headers()],
      ['text', new Headers()],
    ];
    const theirs = openapiFetch.defaultBodySerializer as (body: unknown, h: Headers) => unknown;
    for (const [body, headers] of cases) {
      expect(defaultBodySerializer(body, headers)).toEqual(theirs(body, headers));
    }
  });

  it('a trailing slash removed once', () => {
    for (const url of ['https://a.example/', 'https://a.example', 'https://a.example//']) {
      expect(removeTrailingSlash(url)).toBe(openapiFetch.removeTrailingSlash(url));
    }
  });
});
