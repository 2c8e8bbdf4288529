/**
 * Whole-document drift cases on the seed package's pinned API (test/helpers/seed.ts): identity,
 * key order, YAML vs JSON, `$ref` vs inline, a shared `$ref` changed, the restriction of a
 * larger API to our operations, and the three report formats.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintSpec } from '../../common/canonical.ts';
import type { Json } from '../../common/json.ts';
import {
  diffDocuments,
  formatJson,
  formatMarkdown,
  formatText,
  listOperations,
  restrictToOperations,
} from '../../src/drift/index.ts';
import { groupByCause } from '../../src/drift/causes.ts';
import type { DriftChange } from '../../src/drift/change.ts';
import { readOtherSide } from '../../scripts/commands/drift.ts';
import { seedTree } from '../helpers/seed.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

type Dict = { [key: string]: Json };

const seed = await seedTree();
const pinnedText = seed.openapiText;
const SPEC_FINGERPRINT = seed.fingerprint;
const pinned = (): Dict => JSON.parse(pinnedText) as Dict;
const diff = (base: Dict, revision: Dict) =>
  diffDocuments({ doc: base, name: 'pinned' }, { doc: revision, name: 'other' });

/** The same JSON with every object's keys in reverse order. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reversedKeys(value[key]!)]),
  );
}

/** The document with every component `$ref` replaced by a copy of its target. */
function inlined(doc: Dict): Dict {
  const resolve = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.split('/').pop()!;
      return resolve(((doc.components as Dict).schemas as Dict)[name]!);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]));
  };
  const { components, ...rest } = doc;
  const { securitySchemes } = components as Dict;
  return { ...(resolve(rest) as Dict), components: { securitySchemes: securitySchemes! } };
}

describe('drift on whole documents', () => {
  it('finds no change between the pinned API and itself', () => {
    const report = diff(pinned(), pinned());
    expect(report.changes).toEqual([]);
    expect(report.summary.operations).toEqual({
      compared: listOperations(pinned()).size,
      added: 0,
      removed: 0,
      changed: 0,
    });
  });

  it('finds no change when every key is reordered', () => {
    expect(diff(pinned(), reversedKeys(pinned()) as Dict).changes).toEqual([]);
  });

  it('finds no change between a spec file read as YAML and the same document as JSON', async () => {
    const yamlText = await readFile(
      path.join(seed.specDir, 'getIntegrationDashboard.yaml'),
      'utf8',
    );
    const fromYaml = (await readOtherSide('spec/getIntegrationDashboard.yaml', yamlText))
      .doc as Dict;
    const fromJson = (await readOtherSide('dashboard.json', JSON.stringify(fromYaml, null, 2)))
      .doc as Dict;
    expect(Object.keys(fromYaml.paths as Dict)).toEqual(['/v1/analytics/integrations/dashboard']);
    expect(diff(fromYaml, fromJson).changes).toEqual([]);
  });

  it('finds no change when every $ref is inlined', () => {
    const inline = inlined(pinned());
    expect(pinnedText).toContain('"$ref"');
    expect(JSON.stringify(inline)).not.toContain('"$ref"');
    expect(diff(pinned(), inline).changes).toEqual([]);
    expect(diff(inline, pinned()).changes).toEqual([]);
  });

  it('reads anyOf [X, null], type [X, null] and nullable the same way', () => {
    const spelled = (schema: Json): Dict => {
      const doc = pinned();
      const operation = (doc.paths as Dict)['/v1/analytics/integrations/dashboard'] as Dict;
      const parameters = (operation.get as Dict).parameters as Dict[];
      parameters.find((p) => p.name === 'mode')!.schema = schema;
      return doc;
    };
    const anyOf = spelled({ anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Mode' });
    const typeList = spelled({ type: ['string', 'null'], title: 'Mode' });
    expect(diff(anyOf, typeList).changes).toEqual([]);
    expect(diff(pinned(), typeList).changes).toEqual([]);
  });

  it('reports a change to a shared $ref at every operation that uses it', () => {
    const revision = pinned();
    const schemas = (revision.components as Dict).schemas as Dict;
    delete ((schemas.ErrorResponse as Dict).properties as Dict).message;
    const removed = diff(pinned(), revision).changes.filter(
      (c) => c.id === 'response-property-removed',
    );
    // The seed operations: each answers 400 and 401 with ErrorResponse (others may not).
    const operations = [...listOperations(pinned()).keys()].filter((key) =>
      /integrations\/dashboard|timeout-analysis/.test(key),
    );
    expect(operations).toHaveLength(2);
    for (const operation of operations) {
      const here = removed.filter((c) => c.operation === operation);
      // ErrorResponse is the body of both the 400 and the 401 of each operation.
      expect(here.map((c) => c.location.split('/responses/')[1])).toEqual([
        '400/content/application~1json/schema/properties/message',
        '401/content/application~1json/schema/properties/message',
      ]);
      expect(new Set(here.map((c) => c.definedAt))).toEqual(
        new Set(['#/components/schemas/ErrorResponse/properties/message']),
      );
    }
  });

  it('stops at a recursive schema instead of looping', () => {
    const tree = (extra: Dict): Dict => {
      const doc = pinned();
      const schemas = (doc.components as Dict).schemas as Dict;
      schemas.Node = {
        type: 'object',
        properties: {
          children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
          ...extra,
        },
      };
      const operation = ((doc.paths as Dict)['/v1/analytics/integrations/dashboard'] as Dict)
        .get as Dict;
      (((operation.responses as Dict)['200'] as Dict).content as Dict)['application/json'] = {
        schema: { $ref: '#/components/schemas/Node' },
      };
      return doc;
    };
    const report = diff(tree({ name: { type: 'string' } }), tree({}));
    expect(report.changes.map((c) => [c.id, c.location.split('/schema')[1]])).toEqual([
      ['response-property-removed', '/properties/name'],
    ]);
  });

  it('restricting a larger published API to our operations gives the committed fingerprint', async () => {
    const whole = pinned();
    (whole.paths as Dict)['/v1/agents'] = {
      get: {
        operationId: 'listAgents',
        tags: ['agents'],
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Agent' } } },
          },
        },
      },
    };
    ((whole.components as Dict).schemas as Dict).Agent = {
      type: 'object',
      properties: { id: { type: 'string' } },
    };
    whole.tags = [{ name: 'agents' }];
    expect((await fingerprintSpec(whole)).sha256).not.toBe(SPEC_FINGERPRINT.sha256);
    const restricted = restrictToOperations(whole, listOperations(pinned()).keys());
    expect(await fingerprintSpec(restricted)).toEqual(SPEC_FINGERPRINT);
  });

  it('restricting a document nested too deep to walk recursively still finds what it reaches', () => {
    const whole = pinned();
    let deep: Json = { $ref: '#/components/schemas/Agent' };
    for (let level = 0; level < 100_000; level++) deep = [deep];
    ((whole.components as Dict).schemas as Dict).Agent = { type: 'object' };
    const operation = ((whole.paths as Dict)['/v1/analytics/integrations/dashboard'] as Dict)
      .get as Dict;
    operation['x-deep'] = deep;
    const restricted = restrictToOperations(whole, ['GET /v1/analytics/integrations/dashboard']);
    expect(Object.keys((restricted.components as Dict).schemas as Dict)).toContain('Agent');
  });

  it('restricting names the place of a $ref that does not resolve', () => {
    const whole = pinned();
    const operation = ((whole.paths as Dict)['/v1/analytics/integrations/dashboard'] as Dict)
      .get as Dict;
    operation['x-link'] = { $ref: '#/components/schemas/Gone' };
    expect(() =>
      restrictToOperations(whole, ['GET /v1/analytics/integrations/dashboard'], 'upstream.json'),
    ).toThrow(
      "upstream.json (#/paths/~1v1~1analytics~1integrations~1dashboard/get/x-link/$ref): $ref '#/components/schemas/Gone' does not resolve",
    );
  });

  it('lists upstream-only operations as added, not breaking', () => {
    const whole = pinned();
    (whole.paths as Dict)['/v1/agents'] = {
      get: { operationId: 'listAgents', responses: { '200': { description: 'ok' } } },
    };
    const report = diff(pinned(), whole);
    expect(report.changes.map((c) => [c.id, c.operation, c.breaking])).toEqual([
      ['operation-added', 'GET /v1/agents', false],
    ]);
  });
});

describe('drift reports', () => {
  const revision = pinned();
  const operation = (
    (revision.paths as Dict)['/v1/analytics/tools/reliability/timeout-analysis'] as Dict
  ).get as Dict;
  ((operation.parameters as Dict[]).find((p) => p.name === 'limit')!.schema as Dict).maximum = 50;
  (revision.info as Dict).version = '1.22.0';
  const report = diff(pinned(), revision);
  const context = {
    base: 'spec/',
    revision: 'https://doc.featherhq.com/api-reference/openapi.json',
  };

  it('json has every change with its cause, the causes, and a summary', () => {
    const parsed = JSON.parse(formatJson(report)) as {
      changes: Dict[];
      causes: Dict[];
      summary: Dict;
    };
    expect(parsed.changes[0]).toEqual({
      id: 'request-maximum-lowered',
      breaking: true,
      level: 'breaking',
      operation: 'GET /v1/analytics/tools/reliability/timeout-analysis',
      location:
        '#/paths/~1v1~1analytics~1tools~1reliability~1timeout-analysis/get/parameters/3/schema',
      message: "query parameter 'limit': maximum 100 -> 50",
      cause:
        "request-maximum-lowered {operation}/parameters/3/schema query parameter 'limit': maximum 100 -> 50",
    });
    expect(parsed.causes.map((c) => c.key)).toEqual(parsed.changes.map((c) => c.cause));
    expect(parsed.summary).toMatchObject({
      total: 2,
      breaking: 1,
      warning: 0,
      info: 1,
      causes: { total: 2, breaking: 1, warning: 0, info: 1 },
    });
  });

  it('text names the rule, the place and the operations, breaking first', () => {
    const text = formatText(report, context);
    expect(text).toContain('2 changes from 2 causes: 1 breaking, 0 warnings, 1 info');
    expect(text.indexOf('BREAKING')).toBeLessThan(text.indexOf('info-version-changed'));
    expect(text).toContain(
      '  at parameters/3/schema of GET /v1/analytics/tools/reliability/timeout-analysis\n',
    );
  });

  it('markdown has a verdict, counts by level, breaking causes by rule, then one row per cause', () => {
    const markdown = formatMarkdown(report, context);
    expect(markdown).toContain('**Breaking changes found**');
    expect(markdown).toContain('| breaking | 1 | 1 |');
    expect(markdown).toContain('| `request-maximum-lowered` | 1 | 1 | 1 |');
    expect(markdown).toMatch(
      /\| `request-maximum-lowered` \| query parameter 'limit': maximum 100 -> 50 \| `parameters\/3\/schema` of the operation \| GET \/v1\/analytics\/tools\/reliability\/timeout-analysis \|/,
    );
    expect(markdown).toContain('| `info-version-changed` | info.version 1.21.0 -> 1.22.0 |');
    expect(markdown).not.toContain('Left out');
  });
});

describe('drift reports of a change at the same place in every operation', () => {
  const revision = pinned();
  for (const item of Object.values(revision.paths as Dict))
    for (const operation of Object.values(item as Dict))
      ((operation as Dict).responses as Dict)['503'] = { description: 'unavailable' };
  const report = diff(pinned(), revision);
  const operations = report.causes[0]!.operations;
  const context = { base: 'spec/', revision: 'other.json' };

  it('text names the place in each of the operations it lists', () => {
    expect(operations.length).toBeGreaterThan(1);
    expect(formatText(report, context)).toContain(
      `\n           at responses/503 of each of ${operations.length} operations: ${operations.join(', ')}\n`,
    );
  });

  it('markdown names the place in each operation, and lists them under reaches', () => {
    expect(formatMarkdown(report, context)).toContain(
      `| \`responses/503\` of each operation | ${operations.length} operations: ${operations.join(', ')} |`,
    );
  });
});

describe('changes grouped by cause', () => {
  it('a renamed API-key header is one cause reaching every operation', () => {
    const revision = pinned();
    ((revision.components as Dict).securitySchemes as Dict).APIKeyHeader = {
      type: 'apiKey',
      in: 'header',
      name: 'x-feather-key',
    };
    const report = diff(pinned(), revision);
    const operations = Object.values(pinned().paths as Dict).flatMap((item) =>
      Object.keys(item as Dict),
    ).length;
    expect(report.changes).toHaveLength(operations);
    expect(report.causes).toHaveLength(1);
    expect(report.causes[0]).toMatchObject({
      id: 'security-api-key-name-changed',
      at: '#/components/securitySchemes/APIKeyHeader',
      changes: operations,
      breaking: true,
    });
    expect(report.causes[0]!.operations).toHaveLength(operations);
    expect(report.summary.causes).toEqual({ total: 1, breaking: 1, warning: 0, info: 0 });
  });

  it('a change to a shared error schema names every status it shows under, in each format', () => {
    const revision = pinned();
    const schemas = (revision.components as Dict).schemas as Dict;
    delete ((schemas.ErrorResponse as Dict).properties as Dict).message;
    const report = diff(pinned(), revision);
    // ErrorResponse is the body of both the 400 and the 401 of each seed operation.
    const message = 'responses 400, 401 (application/json).message removed';
    expect(report.causes.map((c) => [c.id, c.message, c.changes])).toEqual([
      ['response-property-removed', message, 4],
    ]);
    const context = { base: 'spec/', revision: 'other.json' };
    expect(formatText(report, context)).toContain(
      `BREAKING response-property-removed: ${message}\n`,
    );
    expect(formatMarkdown(report, context)).toContain(
      `| \`response-property-removed\` | ${message} |`,
    );
  });

  const shared = (message: string): DriftChange => ({
    id: 'response-property-removed',
    breaking: true,
    level: 'breaking',
    operation: 'GET /a',
    location: '#/paths/~1a/get/responses/400/content/application~1json/schema/properties/m',
    definedAt: '#/components/schemas/E/properties/m',
    message,
    cause: 'response-property-removed #/components/schemas/E/properties/m',
  });
  const messages: [string, string[], string][] = [
    [
      'one status',
      ['response 400 (application/json).m removed'],
      'response 400 (application/json).m removed',
    ],
    [
      'statuses in order, each once',
      [
        'response 422 (application/json).m removed',
        'response 400 (application/json).m removed',
        'response 422 (application/json).m removed',
      ],
      'responses 400, 422 (application/json).m removed',
    ],
    [
      'a header',
      ['response 400: header X-Retry removed', 'response 429: header X-Retry removed'],
      'responses 400, 429: header X-Retry removed',
    ],
    [
      'more than the status differs: the first message',
      [
        'response 400 (application/json).m removed',
        'response 200 (application/json).data.m removed',
      ],
      'response 400 (application/json).m removed',
    ],
  ];
  it.each(messages)("a shared cause's message: %s", (_name, given, want) => {
    expect(groupByCause(given.map(shared)).map((c) => c.message)).toEqual([want]);
  });

  it('the same change at the same place in two operations is one cause; different places are two', () => {
    const revision = pinned();
    for (const item of Object.values(revision.paths as Dict))
      for (const operation of Object.values(item as Dict))
        ((operation as Dict).responses as Dict)['503'] = { description: 'unavailable' };
    const timeout = (
      (revision.paths as Dict)['/v1/analytics/tools/reliability/timeout-analysis'] as Dict
    ).get as Dict;
    (timeout.responses as Dict)['409'] = { description: 'conflict' };
    const report = diff(pinned(), revision);
    const operations = Object.values(pinned().paths as Dict).flatMap((item) =>
      Object.keys(item as Dict),
    ).length;
    expect(report.causes.map((c) => [c.id, c.at, c.operations.length])).toEqual([
      ['response-status-added', '{operation}/responses/503', operations],
      ['response-status-added', '{operation}/responses/409', 1],
    ]);
  });
});

describe('the drift engine', () => {
  it('imports nothing from node: (the client runs it in browsers and edge runtimes)', async () => {
    const dir = path.join(REPO_ROOT, 'src', 'drift');
    const offenders: string[] = [];
    for (const file of await readdir(dir)) {
      const text = await readFile(path.join(dir, file), 'utf8');
      if (/from '(node:|\.\.\/\.\.\/scripts\/)/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
