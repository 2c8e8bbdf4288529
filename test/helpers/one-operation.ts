/**
 * The smallest valid spec the hostile-input tests start from, as the fixtures in
 * test/fixtures/hostile/ do: one operation, GET /x (`getX`), whose 200 JSON body is `schema`
 * (a string unless given), with `extra` top-level fields after the rest.
 */
export function oneOperationDoc(options: {
  title: string;
  schema?: unknown;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const { title, schema = { type: 'string' }, extra = {} } = options;
  return {
    openapi: '3.1.0',
    info: { title, version: '1.0.0' },
    servers: [{ url: 'https://api.example.test' }],
    security: [],
    paths: {
      '/x': {
        get: {
          summary: 'X',
          operationId: 'getX',
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema } } },
          },
        },
      },
    },
    ...extra,
  };
}
