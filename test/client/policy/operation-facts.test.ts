import { describe, expect, it } from 'vitest';
import { PARAMETER_SHARD_COUNT, parameterShardOf } from '../../../common/parameter-shard.ts';
import type { ParameterRule } from '../../../common/parameter-rule.ts';
import {
  shardFacts,
  tableFacts,
  type ParameterShardModule,
  factsLookup,
} from '../../../src/client/policy/operation-facts.ts';
import { renderParameterShards } from '../../../scripts/pipeline/render.ts';
import createClient, { createQuerySerializer } from 'openapi-fetch';
import { clientOn, type CoreSource } from '../../../src/client/client.ts';
import { FeatherError } from '../../../common/feather-error.ts';
import { FeatherValidationError } from '../../../src/client/errors.ts';

const LIMIT: ParameterRule = { name: 'limit', in: 'query', required: false, types: ['integer'] };
const KEY_HEADER: ParameterRule = { name: 'Idempotency-Key', in: 'header', required: false };
const LIST = 'GET /v1/items';
const CREATE = 'POST /v1/items';
const PUT = 'PUT /v1/items/{id}';
const TABLE = { [LIST]: [LIMIT], [PUT]: [KEY_HEADER] };

/** Shards as the generator splits `TABLE`, each import counted. */
function countedShards(fail: Set<number> = new Set()) {
  const imports = new Map<number, number>();
  const modules: (() => Promise<ParameterShardModule>)[] = Array.from(
    { length: PARAMETER_SHARD_COUNT },
    (_, shard) => () => {
      imports.set(shard, (imports.get(shard) ?? 0) + 1);
      if (fail.delete(shard)) return Promise.reject(new TypeError('Failed to fetch'));
      const own = (operation: string) => parameterShardOf(operation) === shard;
      return Promise.resolve({
        RULES: Object.fromEntries(Object.entries(TABLE).filter(([op]) => own(op))),
        KEYED_BODY: [CREATE].filter(own),
      });
    },
  );
  return { modules, imports };
}

describe('parameterShardOf', () => {
  it('puts each operation in one shard within the count, the same every time', () => {
    for (const operation of [LIST, CREATE, PUT, 'GET /']) {
      const shard = parameterShardOf(operation);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(PARAMETER_SHARD_COUNT);
      expect(parameterShardOf(operation)).toBe(shard);
    }
  });
});

describe('renderParameterShards', () => {
  it('writes every shard and the loader, each rule in the shard of its operation', () => {
    const files = renderParameterShards(TABLE, [CREATE]);
    expect(files.size).toBe(PARAMETER_SHARD_COUNT + 1);
    const loader = files.get('parameter-shards.ts')!;
    expect(loader.match(/\(\) => import\("\.\/parameter-shards\/\d\d\.ts"\)/g)).toHaveLength(
      PARAMETER_SHARD_COUNT,
    );
    for (const operation of [LIST, PUT, CREATE]) {
      const file = `parameter-shards/${String(parameterShardOf(operation)).padStart(2, '0')}.ts`;
      expect(files.get(file)).toContain(JSON.stringify(operation));
      const elsewhere = [...files].filter(
        ([name, text]) => name !== file && text.includes(JSON.stringify(operation)),
      );
      expect(elsewhere).toEqual([]);
    }
  });
});

describe('operation facts', () => {
  it('from whole tables: at once, with the rules and whether a repeat is safe', () => {
    const facts = tableFacts(TABLE, [CREATE]);
    expect(facts('GET', '/v1/items')).toEqual({
      rules: [LIMIT],
      keyedBody: false,
      keyedHeader: false,
    });
    expect(facts('POST', '/v1/items')).toEqual({
      rules: undefined,
      keyedBody: true,
      keyedHeader: false,
    });
    expect(facts('PUT', '/v1/items/{id}')).toMatchObject({ keyedHeader: true });
  });

  it('from shards: the first call imports its shard, later calls find the facts at once', async () => {
    const { modules, imports } = countedShards();
    const facts = shardFacts(modules);
    const first = facts('GET', '/v1/items');
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ rules: [LIMIT], keyedBody: false, keyedHeader: false });
    expect(facts('GET', '/v1/items')).toEqual({
      rules: [LIMIT],
      keyedBody: false,
      keyedHeader: false,
    });
    expect(await facts('POST', '/v1/items')).toMatchObject({ keyedBody: true });
    expect(await facts('GET', '/v1/unknown')).toMatchObject({ rules: undefined });
    expect(imports.get(parameterShardOf(LIST))).toBe(1);
    expect([...imports.values()].every((count) => count === 1)).toBe(true);
  });

  it('from shards: a failed import is not kept, the next call imports again', async () => {
    const shard = parameterShardOf(LIST);
    const { modules, imports } = countedShards(new Set([shard]));
    const facts = shardFacts(modules);
    await expect(facts('GET', '/v1/items')).rejects.toThrow('Failed to fetch');
    expect(await facts('GET', '/v1/items')).toMatchObject({ rules: [LIMIT] });
    expect(imports.get(shard)).toBe(2);
  });
});

describe('the path-style client on shards', () => {
  it('checks the first call of a shard once imported, and sends nothing when the import fails', async () => {
    const shard = parameterShardOf(LIST);
    const { modules } = countedShards(new Set([shard]));
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('[]', { headers: { 'content-type': 'application/json' } });
    };
    const client = clientOn(
      { apiKey: 'k', baseUrl: 'https://api.example', fetch },
      { PARAMETER_SHARDS: modules, loadResponseSchemas: () => Promise.reject(new Error('unused')) },
      { create: createClient, createQuerySerializer, factsLookup } as unknown as CoreSource,
    ) as unknown as { GET(path: string, init?: object): Promise<{ response: Response }> };
    const failed = client.GET('/v1/items', { params: { query: { limit: 5 } } });
    await expect(failed).rejects.toThrow(FeatherError);
    await expect(failed).rejects.toThrow(
      /GET \/v1\/items: could not import its parameter rules .*Failed to fetch.*nothing was sent/,
    );
    const bad = client.GET('/v1/items', { params: { query: { limit: 'x' } } });
    await expect(bad).rejects.toThrow(FeatherValidationError);
    await expect(bad).rejects.toThrow('"x" is not of type integer');
    expect(sent).toBe(0);
    expect((await client.GET('/v1/items', { params: { query: { limit: 5 } } })).response.ok).toBe(
      true,
    );
    expect(sent).toBe(1);
  });
});
