import { describe, expect, it } from 'vitest';
import { renderOperationInits } from '../../../scripts/pipeline/operation-functions.ts';

const JSON_BODY = { content: { 'application/json': { schema: { type: 'object' } } } };
const OK = { 200: { description: 'ok' } };

/** A document with the operations of `paths`, each answering 200. */
function docWith(paths: Record<string, Record<string, object>>): Record<string, unknown> {
  return { openapi: '3.1.0', paths };
}

describe('renderOperationInits', () => {
  const cases: [
    string,
    {
      given: Record<string, Record<string, object>>;
      rules?: Record<string, object[]>;
      want: string[];
    },
  ][] = [
    [
      'a GET with nothing required takes an optional init',
      {
        given: { '/things': { get: { operationId: 'listThings', responses: OK } } },
        want: [
          `    "/things": { params?: operations["listThings"]["parameters"]; body?: never } | undefined;`,
        ],
      },
    ],
    [
      'a required parameter makes params and the init required',
      {
        given: { '/things': { get: { operationId: 'listThings', responses: OK } } },
        rules: { 'GET /things': [{ name: 'since', in: 'query', required: true }] },
        want: [`    "/things": { params: operations["listThings"]["parameters"]; body?: never };`],
      },
    ],
    [
      'a required JSON body is typed from the operation',
      {
        given: {
          '/things': {
            post: {
              operationId: 'addThing',
              requestBody: { ...JSON_BODY, required: true },
              responses: OK,
            },
          },
        },
        want: [
          `    "/things": { params?: operations["addThing"]["parameters"]; body: operations["addThing"]["requestBody"]["content"]["application/json"] };`,
        ],
      },
    ],
    [
      'an optional body stays optional, through NonNullable',
      {
        given: {
          '/things/{id}': {
            patch: { operationId: 'editThing', requestBody: JSON_BODY, responses: OK },
          },
        },
        want: [
          `    "/things/{id}": { params?: operations["editThing"]["parameters"]; body?: NonNullable<operations["editThing"]["requestBody"]>["content"]["application/json"] } | undefined;`,
        ],
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, rules, want }) => {
    const text = renderOperationInits(docWith(given), rules ?? {}, '// header');
    for (const line of want) expect(text.split('\n')).toContain(line);
  });

  it('has every method of the client, and no entry for an operation without an operationId', () => {
    const text = renderOperationInits(
      docWith({ '/anon': { get: { responses: OK } } }),
      {},
      '// header',
    );
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
      expect(text).toContain(`\n  ${method}: {\n`);
    expect(text).not.toContain('/anon');
    expect(text.startsWith('// header\n')).toBe(true);
  });
});
