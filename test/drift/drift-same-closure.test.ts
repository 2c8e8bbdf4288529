/**
 * SameClosure (src/drift/same-closure.ts): when two schemas are the same JSON throughout, `$ref`s
 * followed, the diff skips them. A wrong "same" would hide a change, so each case says why.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../common/json.ts';
import { SameClosure } from '../../src/drift/same-closure.ts';

type Dict = { [key: string]: Json };
const ref = (name: string): Dict => ({ $ref: `#/components/schemas/${name}` });
const doc = (schemas: Dict): Dict => ({ openapi: '3.1.0', components: { schemas } });
const str: Dict = { type: 'string' };
const int: Dict = { type: 'integer' };
const object = (properties: Dict): Dict => ({ type: 'object', properties });

const CASES: [string, { base: Dict; revision: Dict; b: Json; r: Json; want: boolean }][] = [
  ['the same inline schema', { base: doc({}), revision: doc({}), b: str, r: str, want: true }],
  ['another inline type', { base: doc({}), revision: doc({}), b: str, r: int, want: false }],
  [
    'the same keys in another order (conservative: compared in full)',
    {
      base: doc({}),
      revision: doc({}),
      b: { type: 'string', format: 'uuid' },
      r: { format: 'uuid', type: 'string' },
      want: false,
    },
  ],
  [
    'a $ref whose target is the same on both sides',
    {
      base: doc({ A: object({ a: str }) }),
      revision: doc({ A: object({ a: str }) }),
      b: ref('A'),
      r: ref('A'),
      want: true,
    },
  ],
  [
    'a $ref whose target changed two refs down',
    {
      base: doc({ A: object({ b: ref('B') }), B: object({ c: ref('C') }), C: str }),
      revision: doc({ A: object({ b: ref('B') }), B: object({ c: ref('C') }), C: int }),
      b: object({ a: ref('A') }),
      r: object({ a: ref('A') }),
      want: false,
    },
  ],
  [
    'refs to differently named schemas (compared in full)',
    {
      base: doc({ A: str, B: str }),
      revision: doc({ A: str, B: str }),
      b: ref('A'),
      r: ref('B'),
      want: false,
    },
  ],
  [
    'a $ref that does not resolve on one side (the full comparison reports it)',
    { base: doc({ A: str }), revision: doc({}), b: ref('A'), r: ref('A'), want: false },
  ],
  [
    'a cycle, the same on both sides',
    {
      base: doc({ Node: object({ next: ref('Node'), v: str }) }),
      revision: doc({ Node: object({ next: ref('Node'), v: str }) }),
      b: ref('Node'),
      r: ref('Node'),
      want: true,
    },
  ],
  [
    'a cycle with a change inside it',
    {
      base: doc({ A: object({ b: ref('B') }), B: object({ a: ref('A'), v: str }) }),
      revision: doc({ A: object({ b: ref('B') }), B: object({ a: ref('A'), v: int }) }),
      b: ref('A'),
      r: ref('A'),
      want: false,
    },
  ],
];

describe('SameClosure', () => {
  it.each(CASES)('%s', (_name, { base, revision, b, r, want }) => {
    expect(new SameClosure(base, revision).same(b, r)).toBe(want);
  });

  it('drops what it assumed while an answer turned out "no" (B is the same only if A is)', () => {
    // A -> B and C; B -> A; C changed. While asking about A, B looks the same (A assumed); once A
    // is shown to differ, B must not be remembered as the same.
    const schemas = (c: Json): Dict =>
      doc({ A: object({ b: ref('B'), c: ref('C') }), B: object({ a: ref('A') }), C: c });
    const closure = new SameClosure(schemas(str), schemas(int));
    expect(closure.same(ref('A'), ref('A'))).toBe(false);
    expect(closure.same(ref('B'), ref('B'))).toBe(false);
  });

  it('a structure that is not JSON (a cycle of objects) is not the same, not an error', () => {
    const loop: Dict = { type: 'object' };
    loop.properties = { self: loop };
    expect(new SameClosure(doc({}), doc({})).same(loop, loop)).toBe(false);
  });

  it('a $ref spelled inside a string value is not followed as one', () => {
    const spelled: Dict = { type: 'string', example: '{"$ref":"#/components/schemas/Gone"}' };
    expect(new SameClosure(doc({}), doc({})).same(spelled, spelled)).toBe(true);
  });
});
