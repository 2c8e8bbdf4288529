import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  assertKeySafeUrl,
  checkApiKey,
  isLoopbackHost,
  resolveApiKeySource,
} from '../../../src/client/policy/auth.ts';
import { currentApiKey } from '../../../src/client/transport/key-lookup.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { createFeatherClient } from '../../../src/index.ts';

const KEY = 'sk_test_auth_5b8e1f0c';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveApiKeySource', () => {
  it('prefers the option over FEATHER_API_KEY', () => {
    vi.stubEnv('FEATHER_API_KEY', 'from-env');
    expect(resolveApiKeySource(KEY)).toBe(KEY);
  });

  it('falls back to FEATHER_API_KEY', () => {
    vi.stubEnv('FEATHER_API_KEY', ` ${KEY}\n`);
    expect(resolveApiKeySource(undefined)).toBe(KEY);
  });

  it('without a key throws a FeatherError naming apiKey and FEATHER_API_KEY', () => {
    vi.stubEnv('FEATHER_API_KEY', '');
    expect(() => resolveApiKeySource(undefined)).toThrow(FeatherError);
    expect(() => resolveApiKeySource('  ')).toThrow(/apiKey.*FEATHER_API_KEY/);
  });

  it('createFeatherClient without a key throws before anything is sent', () => {
    vi.stubEnv('FEATHER_API_KEY', '');
    expect(() => createFeatherClient({ baseUrl: 'http://127.0.0.1:9' })).toThrow(
      /No API key: pass apiKey to createFeatherClient\(\) or set the FEATHER_API_KEY/,
    );
  });

  it('keeps a key function as it is', () => {
    const source = (): string => KEY;
    expect(resolveApiKeySource(source)).toBe(source);
  });
});

describe('checkApiKey', () => {
  it('trims white space around the key', () => {
    expect(checkApiKey(`  ${KEY}\n`, 'apiKey')).toBe(KEY);
  });

  it.each([`${KEY}\nx`, `${KEY} more`, `${KEY}é`])(
    'refuses a key a header cannot carry, without quoting it (%#)',
    (bad) => {
      let error: unknown;
      try {
        checkApiKey(bad, 'apiKey');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(FeatherError);
      expect(String(error)).toMatch(/^FeatherError: apiKey contains characters/);
      expect(String(error)).not.toContain(KEY);
    },
  );
});

describe('currentApiKey', () => {
  it('returns a string key as is and awaits a key function', async () => {
    expect(await currentApiKey(KEY)).toBe(KEY);
    expect(await currentApiKey(async () => KEY)).toBe(KEY);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['returns nothing', () => undefined, /returned no key/],
    ['returns an empty string', () => '', /returned no key/],
    [
      'throws',
      () => {
        throw new Error('vault down');
      },
      /apiKey function threw/,
    ],
  ])('a key function that %s gives a FeatherError', async (_name, source, want) => {
    await expect(currentApiKey(source as () => string)).rejects.toThrow(want);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', false], // a name: may resolve through DNS
    ['localhost.', false],
    ['127.0.0.1.localhost', false],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['[::ffff:7f00:1]', true], // how URL writes [::ffff:127.0.0.1]
    ['[::ffff:7f01:203]', true], // 127.1.2.3
    ['[::ffff:a00:1]', false], // 10.0.0.1
    ['[::2]', false],
    ['0.0.0.0', false],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['192.168.1.10', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
    ['api-sandbox.featherhq.com', false],
  ])('%s -> %s', (host, want) => {
    expect(isLoopbackHost(host)).toBe(want);
  });
});

describe('assertKeySafeUrl', () => {
  it.each([
    'https://api-sandbox.featherhq.com',
    'https://10.0.0.1:8443/v1',
    'http://localhost:8000',
    'http://127.0.0.1:4010',
    'http://[::1]:4010',
    'http://127.0.0.2:4010',
    'http://127.1:4010', // URL reads it as 127.0.0.1
    'http://[::ffff:127.0.0.1]:4010',
  ])('allows %s', (url) => {
    expect(() => assertKeySafeUrl(url, 'baseUrl')).not.toThrow();
  });

  it.each([
    [
      'http://api-sandbox.featherhq.com',
      /^baseUrl: refusing to send the API key over http:\/\/ to api-sandbox.featherhq.com \(only https:\/\//,
    ],
    ['http://10.0.0.1:8000', /over http:\/\/ to 10.0.0.1:8000/],
    ['ftp://127.0.0.1', /over ftp:\/\/ to 127.0.0.1/],
    ['http://api.localhost:8000', /over http:\/\/ to api.localhost:8000/],
    ['http://evil.localhost', /over http:\/\/ to evil.localhost/],
    ['/relative', /baseUrl is not an absolute URL/],
  ])('refuses %s', (url, want) => {
    expect(() => assertKeySafeUrl(url, 'baseUrl')).toThrow(want);
  });

  it('createFeatherClient refuses a plain-http baseUrl that is not loopback', () => {
    expect(() => createFeatherClient({ apiKey: KEY, baseUrl: 'http://api.example.com' })).toThrow(
      /^baseUrl http:\/\/api.example.com: refusing to send the API key over http:\/\//,
    );
  });

  it('a host that only starts like the loopback baseUrl is refused', async () => {
    let calls = 0;
    const client = createFeatherClient({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1',
      fetch: async () => {
        calls++;
        return new Response('[]');
      },
    });
    await expect(
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
        baseUrl: 'http://127.0.0.1.nip.io',
        params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
      }),
    ).rejects.toThrow(/refusing to send the API key over http:\/\/ to 127.0.0.1.nip.io/);
    expect(calls).toBe(0);
  });

  it('a per-request plain-http baseUrl is refused before anything is sent', async () => {
    let calls = 0;
    const client = createFeatherClient({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => {
        calls++;
        return new Response('[]');
      },
    });
    await expect(
      client.GET('/v1/analytics/tools/reliability/timeout-analysis', {
        baseUrl: 'http://api.example.com',
        params: { query: { start_date: '2024-01-01', end_date: '2024-01-31' } },
      }),
    ).rejects.toThrow(
      /^GET http:\/\/api.example.com\/v1\/analytics\/tools\/reliability\/timeout-analysis: refusing/,
    );
    expect(calls).toBe(0);
  });
});
