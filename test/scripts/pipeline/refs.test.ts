import { describe, expect, it } from 'vitest';
import { refTarget, resolve } from '../../../scripts/pipeline/refs.ts';

const doc = {
  components: {
    schemas: {
      A: { $ref: '#/components/schemas/B' },
      B: { type: 'string' },
      'a/b': { type: 'number' },
      Loop: { $ref: '#/components/schemas/Loop' },
    },
  },
};

describe('refTarget and resolve (the generator steps share them)', () => {
  it.each([
    ['a schema', '#/components/schemas/B', { type: 'string' }],
    ['an escaped segment', '#/components/schemas/a~1b', { type: 'number' }],
    ["a prototype's property", '#/components/schemas/constructor', undefined],
    ['__proto__', '#/components/__proto__', undefined],
    ['a malformed escape', '#/components/schemas/%E0%A4%A', undefined],
    ['a missing schema', '#/components/schemas/Nope', undefined],
  ])('%s', (_name, ref, want) => {
    expect(refTarget(doc, ref)).toEqual(want);
  });

  it('follows a chain of refs, and stops on a loop instead of recursing forever', () => {
    expect(resolve(doc, { $ref: '#/components/schemas/A' })).toEqual({ type: 'string' });
    expect(resolve(doc, { $ref: '#/components/schemas/Loop' })).toEqual({
      $ref: '#/components/schemas/Loop',
    });
  });
});
