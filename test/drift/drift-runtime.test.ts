/**
 * checkSpecDrift against a real loopback server publishing the API: the whole API with our
 * operations unchanged matches the committed fingerprint; a change is explained; breaking can
 * throw; HTTP errors and timeouts reject saying which.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SPEC_FINGERPRINT } from '../../generated/fingerprint.ts';
import { checkSpecDrift, DriftInputError, SpecDriftError } from '../../src/drift/index.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { startSpecServer, type SpecServer } from '../helpers/drift-server.ts';
import { seedTree } from '../helpers/seed.ts';
import { REPO_ROOT } from '../helpers/workspace.ts';

// The seed package's pinned side, whatever the checkout's generated/ holds (test/helpers/seed.ts).
const seed = await seedTree();
const pinnedText = seed.openapiText;
const SEED = {
  pinned: JSON.parse(pinnedText) as Record<string, unknown>,
  fingerprint: seed.fingerprint,
};

/** What Feather's server publishes: our operations plus ones we do not pin, with their schemas. */
function wholeApi(change?: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(pinnedText);
  doc.paths['/v1/agents'] = {
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
  doc.components.schemas.Agent = { type: 'object', properties: { id: { type: 'string' } } };
  doc.tags = [{ name: 'agents' }];
  change?.(doc);
  return JSON.stringify(doc);
}

const becameNullable = (doc: Record<string, any>): void => {
  doc.components.schemas.TimeoutAnalysisRow.properties.tool_id = {
    anyOf: [{ type: 'string' }, { type: 'null' }],
    title: 'Tool Id',
  };
};

let server: SpecServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('checkSpecDrift', () => {
  it('matches the committed fingerprint when the server publishes the whole, unchanged API', async () => {
    server = await startSpecServer({ '/openapi.json': { body: wholeApi() } });
    const result = await checkSpecDrift({ ...SEED, baseUrl: server.url });
    expect(result).toMatchObject({
      matches: true,
      actual: seed.fingerprint,
      url: `${server.url}/openapi.json`,
    });
    expect(result.report.changes).toEqual([]);
  });

  it("with nothing pinned given, checks against the package's own generated/ and its fingerprint", async () => {
    const committed = await readFile(path.join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8');
    server = await startSpecServer({ '/openapi.json': { body: committed } });
    const result = await checkSpecDrift({ baseUrl: server.url });
    expect(result).toMatchObject({ matches: true, actual: SPEC_FINGERPRINT });
  });

  it('matches a representation-only difference (security: [] vs absent, $ref inlined), not identical', async () => {
    const inlined = (doc: Record<string, any>): void => {
      // The pinned document says `security: []`; the published one says nothing.
      delete doc.security;
      const row = doc.components.schemas.TimeoutAnalysisRow;
      const operation = doc.paths['/v1/analytics/tools/reliability/timeout-analysis'].get;
      const media = operation.responses['200'].content['application/json'];
      media.schema = JSON.parse(
        JSON.stringify(media.schema).replace(
          '{"$ref":"#/components/schemas/TimeoutAnalysisRow"}',
          JSON.stringify(row),
        ),
      );
    };
    const body = wholeApi(inlined);
    expect(body).not.toContain('"$ref":"#/components/schemas/TimeoutAnalysisRow"');
    server = await startSpecServer({ '/openapi.json': { body } });
    const result = await checkSpecDrift({ ...SEED, baseUrl: server.url });
    expect(result).toMatchObject({ matches: true, identical: false });
    expect(result.report.changes).toEqual([]);
  });

  it('compares again when the served text changes (the last result is kept for the same text only)', async () => {
    const routes = { '/openapi.json': { body: wholeApi() } };
    server = await startSpecServer(routes);
    expect((await checkSpecDrift({ ...SEED, baseUrl: server.url })).matches).toBe(true);
    expect((await checkSpecDrift({ ...SEED, baseUrl: server.url })).matches).toBe(true);
    routes['/openapi.json'] = { body: wholeApi(becameNullable) };
    const changed = await checkSpecDrift({ ...SEED, baseUrl: server.url });
    expect(changed.matches).toBe(false);
    expect(changed.report.summary.breaking).toBe(1);
    expect(server.requests).toHaveLength(3);
  });

  it('explains a difference with the same change report as npm run drift', async () => {
    server = await startSpecServer({ '/openapi.json': { body: wholeApi(becameNullable) } });
    const result = await checkSpecDrift({ ...SEED, baseUrl: server.url });
    expect(result.matches).toBe(false);
    expect(result.actual.sha256).not.toBe(seed.fingerprint.sha256);
    expect(result.report.changes.map((c) => [c.id, c.operation, c.definedAt])).toEqual([
      [
        'response-became-nullable',
        'GET /v1/analytics/tools/reliability/timeout-analysis',
        '#/components/schemas/TimeoutAnalysisRow/properties/tool_id',
      ],
    ]);
  });

  it('throws a SpecDriftError naming the change when failOnBreaking is set', async () => {
    server = await startSpecServer({ '/openapi.json': { body: wholeApi(becameNullable) } });
    const error = await checkSpecDrift({
      ...SEED,
      baseUrl: server.url,
      failOnBreaking: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecDriftError);
    expect(error).toBeInstanceOf(FeatherError);
    expect((error as SpecDriftError).message).toContain('1 breaking change');
    expect((error as SpecDriftError).message).toContain('tool_id');
    expect((error as SpecDriftError).result.report.summary.breaking).toBe(1);
  });

  it('does not throw on a non-breaking difference even with failOnBreaking', async () => {
    server = await startSpecServer({
      '/openapi.json': { body: wholeApi((doc) => (doc.info.version = '1.22.0')) },
    });
    const result = await checkSpecDrift({ ...SEED, baseUrl: server.url, failOnBreaking: true });
    expect(result.matches).toBe(false);
    expect(result.report.changes.map((c) => c.id)).toEqual(['info-version-changed']);
  });

  it('reports an operation the server moved to another path as moved, not removed', async () => {
    const moved = (doc: Record<string, any>): void => {
      const route = '/v1/analytics/tools/reliability/timeout-analysis';
      doc.paths['/v2/analytics/tools/reliability/timeout-analysis'] = doc.paths[route];
      delete doc.paths[route];
    };
    server = await startSpecServer({ '/openapi.json': { body: wholeApi(moved) } });
    const result = await checkSpecDrift({ ...SEED, baseUrl: server.url });
    expect(result.report.changes.map((c) => [c.id, c.operation])).toEqual([
      ['operation-path-changed', 'GET /v1/analytics/tools/reliability/timeout-analysis'],
    ]);
  });

  it('fetches from a configurable path with the given headers and fetch', async () => {
    server = await startSpecServer({ '/v1/spec.json': { body: wholeApi() } });
    const seen: string[] = [];
    const result = await checkSpecDrift({
      ...SEED,
      baseUrl: `${server.url}/`,
      path: '/v1/spec.json',
      headers: { 'x-probe': 'health' },
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expect(result.matches).toBe(true);
    expect(seen).toEqual([`${server.url}/v1/spec.json`]);
    expect(server.requests[0]?.headers['x-probe']).toBe('health');
  });

  it('rejects with an http DriftInputError on an HTTP error', async () => {
    server = await startSpecServer({});
    const error = await checkSpecDrift({ ...SEED, baseUrl: server.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect(error).toBeInstanceOf(FeatherError);
    expect(error).toMatchObject({
      kind: 'http',
      message: `${server.url}/openapi.json: HTTP 404 Not Found`,
    });
  });

  it('never puts a header value (an API key) in the error', async () => {
    server = await startSpecServer({
      '/openapi.json': { status: 401, body: '{"error":"unauthorized"}' },
    });
    const error = (await checkSpecDrift({
      ...SEED,
      baseUrl: server.url,
      headers: { 'x-api-key': 'sk-live-do-not-print' },
    }).catch((e: unknown) => e)) as Error;
    expect(server.requests[0]?.headers['x-api-key']).toBe('sk-live-do-not-print');
    expect(error.message).toContain('HTTP 401');
    expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain('sk-live');
  });

  it.each([
    ['a network-path reference', (other: string) => other.replace(/^http:/, '')],
    ['an absolute URL', (other: string) => other],
  ])(
    'refuses a path that is %s to another origin: the headers go nowhere',
    async (_name, pathTo) => {
      server = await startSpecServer({ '/openapi.json': { body: wholeApi() } });
      const other = await startSpecServer({ '/openapi.json': { body: wholeApi() } });
      try {
        const error = await checkSpecDrift({
          ...SEED,
          baseUrl: server.url,
          path: `${pathTo(other.url)}/openapi.json`,
          headers: { authorization: 'Bearer tok_drift_path_trick' },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DriftInputError);
        expect((error as Error).message).toContain(`not under baseUrl ${server.url}`);
        expect(other.requests).toEqual([]);
        expect(server.requests).toEqual([]);
      } finally {
        await other.stop();
      }
    },
  );

  /** The headers the status line below echoes: a token, a key, a token of letters only. */
  const ECHOED = {
    authorization: 'Bearer tok_drift_status_4f1a9c',
    'x-api-key': 'sk-live-status-line-do-not-print',
    'x-letters': 'Bearer QwErTyUiOpAsDfGh',
  };
  it.each([
    ['a token', ECHOED.authorization],
    ['a key', `invalid key ${ECHOED['x-api-key']}`],
    ['a token of letters only', 'QwErTyUiOpAsDfGh'],
    ['control characters', 'Denied \u001b[2J\u009b31m'],
  ])('a status line echoing %s: the error shows none of it', async (_name, reason) => {
    const raw = createServer((socket) => {
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.end(`HTTP/1.1 401 ${reason}\r\ncontent-length: 0\r\n\r\n`, 'latin1');
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as AddressInfo;
    try {
      const error = (await checkSpecDrift({
        ...SEED,
        baseUrl: `http://127.0.0.1:${port}`,
        headers: ECHOED,
      }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(DriftInputError);
      expect(error.message).toBe(`http://127.0.0.1:${port}/openapi.json: HTTP 401`);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('rejects with a timeout DriftInputError when the server does not answer', async () => {
    server = await startSpecServer({ '/openapi.json': { hang: true } });
    const error = await checkSpecDrift({ ...SEED, baseUrl: server.url, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      kind: 'timeout',
      message: `${server.url}/openapi.json: no answer within 100 ms (timeout)`,
    });
  });

  it('rejects naming the place when a $ref in one of our operations does not resolve', async () => {
    server = await startSpecServer({
      '/openapi.json': {
        body: wholeApi((doc) => delete doc.components.schemas.TimeoutAnalysisRow),
      },
    });
    await expect(checkSpecDrift({ ...SEED, baseUrl: server.url })).rejects.toMatchObject({
      kind: 'unresolved-ref',
      message: `${server.url}/openapi.json (#/paths/~1v1~1analytics~1tools~1reliability~1timeout-analysis/get/responses/200/content/application~1json/schema/items/$ref): $ref '#/components/schemas/TimeoutAnalysisRow' does not resolve`,
    });
  });

  it('rejects saying what the body is when it is not an OpenAPI 3.x JSON document', async () => {
    server = await startSpecServer({
      '/html': { body: '<html></html>', contentType: 'text/html' },
      '/swagger': { body: '{"swagger":"2.0","info":{},"paths":{}}' },
    });
    await expect(
      checkSpecDrift({ ...SEED, baseUrl: server.url, path: '/html' }),
    ).rejects.toMatchObject({
      kind: 'syntax',
    });
    await expect(
      checkSpecDrift({ ...SEED, baseUrl: server.url, path: '/swagger' }),
    ).rejects.toThrow(/Swagger 2\.0 is not supported/);
  });
});
