/**
 * `scrubJson` (src/client/policy/secrets.ts), which the logger runs over every line's data: a
 * copy with the secrets scrubbed, whose keys stay keys, `__proto__` included; and
 * `withJsonForms`, the forms of each secret that every response's scrub looks for.
 */
import { describe, expect, it } from 'vitest';
import { scrubJson, withJsonForms } from '../../../src/client/policy/secrets.ts';
import { RedactingLogger } from '../../../src/client/logger.ts';

const KEY = 'sk_live_PROTO_5d7f9b1c3e';

describe('scrubJson', () => {
  it("keeps a body's own __proto__ key as a key and the copy's prototype as Object's", () => {
    const body = JSON.parse(`{"__proto__": {"polluted": "${KEY}"}, "a": 1}`) as object;
    const copy = scrubJson(body, [KEY]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: '***' });
    expect('polluted' in copy).toBe(false);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":"***"},"a":1}');
  });

  it('scrubs keys and nested values, leaving the rest', () => {
    expect(scrubJson({ [KEY]: [KEY, 1, null, { b: `x${KEY}` }] }, [KEY])).toEqual({
      '***': ['***', 1, null, { b: 'x***' }],
    });
  });

  it('hands a log sink data whose __proto__ key is data, not a prototype', () => {
    const seen: Record<string, unknown>[] = [];
    const logger = new RedactingLogger('warn', {
      error: () => undefined,
      warn: (_message, data) => void seen.push(data!),
      info: () => undefined,
      debug: () => undefined,
    });
    logger.addSecret(KEY);
    logger.warn('body', JSON.parse(`{"__proto__": {"isAdmin": true, "k": "${KEY}"}}`));
    const [data] = seen;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect((data as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(JSON.stringify(data)).toBe('{"__proto__":{"isAdmin":true,"k":"***"}}');
  });
});

describe('withJsonForms', () => {
  // Its fast path skips the JSON and percent-encoded forms of a secret that has none: each secret
  // of every printable ASCII character and a few others, against the forms spelled out.
  const spelledOut = (secret: string): string[] => [
    ...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]),
  ];
  const characters = [
    ...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)),
    'é',
    '😀',
  ];

  // After them come the base64 forms (a key of 8 characters or more): base64 or base64url
  // characters only, the first of them inside the key's own base64.
  const base64Tail = (secret: string, forms: string[]): string[] =>
    forms.slice(spelledOut(secret).length);

  it.each(characters.map((character) => [JSON.stringify(character)]))(
    'a key holding %s: the key, then each other form once, in order',
    (quoted) => {
      const secret = `sk_live_${JSON.parse(quoted) as string}x`;
      const forms = withJsonForms([secret]);
      expect(forms.slice(0, spelledOut(secret).length)).toEqual(spelledOut(secret));
      const tail = base64Tail(secret, forms);
      expect(tail.length).toBeGreaterThan(0);
      for (const form of tail) expect(form).toMatch(/^[A-Za-z0-9+/_-]+$/);
      expect(Buffer.from(secret).toString('base64')).toContain(tail[0]);
      expect(withJsonForms([secret, KEY])).toEqual([...forms, ...withJsonForms([KEY])]);
    },
  );

  it("a key of letters, digits and _.!~*'()- has no JSON or percent-encoded form", () => {
    expect(withJsonForms(['a.b!c~d', "e'f(g)h-"]).slice(0, 2)).toEqual(['a.b!c~d', "e'f(g)h-"]);
    expect(withJsonForms(['a.b!c~d'])).toEqual(['a.b!c~d']);
    for (const form of base64Tail(KEY, withJsonForms([KEY]))) {
      expect(form).toMatch(/^[A-Za-z0-9+/_-]+$/);
    }
    expect(withJsonForms([KEY])[0]).toBe(KEY);
    expect(withJsonForms(['a"b', 'a/b'])).toEqual(['a"b', 'a\\"b', 'a%22b', 'a/b', 'a%2Fb']);
  });
});
