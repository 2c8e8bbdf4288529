import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintSpec, sha256Hex } from '../../common/canonical.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('drops undefined properties, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('fingerprintSpec', () => {
  it('is the same for the same document in another key order', async () => {
    const a = await fingerprintSpec({ info: { version: '1.2.3', title: 'T' }, paths: {} });
    const b = await fingerprintSpec({ paths: {}, info: { title: 'T', version: '1.2.3' } });
    expect(a).toEqual(b);
    expect(a.version).toBe('1.2.3');
  });
  it('changes with any content change', async () => {
    const a = await fingerprintSpec({ info: { version: '1' }, paths: { '/a': {} } });
    const b = await fingerprintSpec({ info: { version: '1' }, paths: { '/b': {} } });
    expect(a.sha256).not.toBe(b.sha256);
  });
  it('hashes with SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
