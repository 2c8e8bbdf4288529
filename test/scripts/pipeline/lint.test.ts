import { locatePointer } from '../../../scripts/lib/spec-files.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import { describe, expect, it } from 'vitest';
import { joinDocuments } from '../../../scripts/pipeline/join.ts';
import { lintJoined } from '../../../scripts/pipeline/lint.ts';
import { asOpenApiDocument, type SpecSource } from '../../../scripts/lib/spec-files.ts';
import { parseSpecText } from '../../../scripts/lib/spec-text.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const CONFIG = path.join(REPO_ROOT, 'redocly.yaml');

/** A one-operation document as YAML text; `operation` is the YAML of the `get:` body. */
function page(route: string, operation: string, extra = ''): string {
  return `openapi: 3.1.0
info:
  title: Feather API
  version: 1.0.0
servers:
  - url: https://api-sandbox.featherhq.com
paths:
  ${route}:
    get:
${operation.replace(/^/gm, '      ')}
components:
  securitySchemes:
    APIKeyHeader:
      type: apiKey
      in: header
      name: x-api-key
${extra}`;
}

const GOOD = `operationId: getThings
summary: Things
security:
  - APIKeyHeader: []
responses:
  '200':
    description: ok
    content:
      application/json:
        schema:
          type: object
  '400':
    description: bad`;

async function lint(
  ...texts: string[]
): Promise<{ ruleId: string; severity: string; where: string }[]> {
  const sources: SpecSource[] = texts.map((text, i) => {
    const file = `spec/doc${i}.yaml`;
    return { file, text, doc: asOpenApiDocument(file, parseSpecText(file, text)) };
  });
  const joined = joinDocuments(sources);
  const problems = await lintJoined(JSON.stringify(joined.doc), joined.origins, sources, CONFIG);
  return problems.map((p) => ({
    ruleId: p.ruleId,
    severity: p.severity,
    where: `${p.place.file}:${p.place.line}`,
  }));
}

describe('lint with redocly.yaml', () => {
  it('finds nothing in a complete operation', async () => {
    expect(await lint(page('/things', GOOD))).toEqual([]);
  });

  const cases: [
    string,
    { operation: string; want: { ruleId: string; severity: string; where: string } },
  ][] = [
    [
      'a missing operationId',
      {
        operation: GOOD.replace('operationId: getThings\n', ''),
        want: { ruleId: 'operation-operationId', severity: 'error', where: 'spec/doc0.yaml:9' },
      },
    ],
    [
      'no security declared',
      {
        operation: GOOD.replace('security:\n  - APIKeyHeader: []\n', ''),
        want: { ruleId: 'security-defined', severity: 'error', where: 'spec/doc0.yaml:9' },
      },
    ],
    [
      'no 2xx response',
      {
        operation: GOOD.replace("'200'", "'404'"),
        want: { ruleId: 'operation-2xx-response', severity: 'error', where: 'spec/doc0.yaml:14' },
      },
    ],
    [
      'a 2xx response without content (warning: a stream or empty body still works)',
      {
        operation: GOOD.replace(
          /    content:\n      application\/json:\n        schema:\n          type: object\n/,
          '',
        ),
        want: {
          ruleId: 'rule/success-response-has-content',
          severity: 'warn',
          where: 'spec/doc0.yaml:15',
        },
      },
    ],
  ];
  it.each(cases)('reports %s at its line in spec/', async (_name, { operation, want }) => {
    expect(await lint(page('/things', operation))).toContainEqual(want);
  });

  it('attributes a problem in the second document to that document', async () => {
    const second = page(
      '/other',
      GOOD.replace('getThings', 'getOther').replace('operationId: getOther\n', ''),
    );
    const problems = await lint(page('/things', GOOD), second);
    expect(problems).toEqual([
      { ruleId: 'operation-operationId', severity: 'error', where: 'spec/doc1.yaml:9' },
    ]);
  });

  it('keeps a warning visible with its place', async () => {
    const problems = await lint(
      page(
        '/things',
        GOOD.replace('summary: Things\n', '').replace("  '400':\n    description: bad", ''),
      ),
    );
    expect(problems).toContainEqual({
      ruleId: 'operation-4xx-response',
      severity: 'warn',
      where: 'spec/doc0.yaml:13',
    });
  });
});

describe('a redocly.yaml Redocly cannot load', () => {
  it.each([
    ['broken YAML', 'rules:\n  operation-operationId: [error\n', /redocly\.yaml: .*\(\d+:\d+\)/],
    ['an unknown preset', 'extends:\n  - nosuch\n', /redocly\.yaml: .*nosuch/],
  ])('is named, with the reason (%s)', async (_, config, message) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lint-config-'));
    try {
      await writeFile(path.join(dir, 'redocly.yaml'), config);
      const sources: SpecSource[] = [
        { file: 'spec/a.yaml', text: page('/things', GOOD), doc: {} as never },
      ];
      sources[0]!.doc = asOpenApiDocument(
        'spec/a.yaml',
        parseSpecText('spec/a.yaml', sources[0]!.text),
      );
      const joined = joinDocuments(sources);
      const failure = lintJoined(
        JSON.stringify(joined.doc),
        joined.origins,
        sources,
        path.join(dir, 'redocly.yaml'),
      );
      await expect(failure).rejects.toBeInstanceOf(PipelineError);
      await expect(failure).rejects.toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('locatePointer', () => {
  const json =
    '{\n  "paths": {\n    "/a~b": {\n      "get": { "tags": ["x", "y"] }\n    }\n  }\n}\n';
  const yaml = 'paths:\n  /a~b:\n    get:\n      tags:\n        - x\n        - y\n';
  const table: [string, string, string, { line: number; column: number }][] = [
    ['a JSON key', json, '#/paths/~1a~0b/get', { line: 4, column: 7 }],
    ['a JSON array item', json, '#/paths/~1a~0b/get/tags/1', { line: 4, column: 30 }],
    ['the deepest existing JSON parent', json, '#/paths/~1a~0b/post', { line: 3, column: 5 }],
    ['a YAML key', yaml, '#/paths/~1a~0b/get', { line: 3, column: 5 }],
    ['a YAML array item', yaml, '#/paths/~1a~0b/get/tags/1', { line: 6, column: 11 }],
  ];
  it.each(table)('%s', (_, text, pointer, want) =>
    expect(locatePointer(text, pointer)).toEqual(want),
  );
});
