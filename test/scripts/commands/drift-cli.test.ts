/**
 * `npm run drift` end to end: the seed package's spec/ (test/helpers/seed.ts) in a temp root, the other side on disk or served
 * from a loopback server (never the network), exit codes 0 / 1 / 2 and their messages.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPinned, MAX_CONFIG_FILE_BYTES } from '../../../scripts/commands/drift.ts';
import { runDrift } from '../../helpers/drift-command.ts';
import { startSpecServer, type SpecServer } from '../../helpers/drift-server.ts';
import { seedTree } from '../../helpers/seed.ts';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'drift');
const seed = await seedTree();
const pinnedText = seed.openapiText;

/** The pinned API with the timeout-analysis `limit` maximum lowered (a breaking change). */
function withLimitLowered(): string {
  const doc = JSON.parse(pinnedText);
  const operation = doc.paths['/v1/analytics/tools/reliability/timeout-analysis'].get;
  operation.parameters.find((p: { name: string }) => p.name === 'limit').schema.maximum = 50;
  return JSON.stringify(doc);
}

/** The pinned API plus one operation we do not pin (as the whole published API is). */
function withExtraOperation(): string {
  const doc = JSON.parse(pinnedText);
  doc.paths['/v1/agents'] = {
    get: { operationId: 'listAgents', responses: { '200': { description: 'ok' } } },
  };
  return JSON.stringify(doc);
}

let root: string;
let server: SpecServer | undefined;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'feather-drift-'));
  await cp(seed.specDir, path.join(root, 'spec'), { recursive: true });
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

function drift(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runDrift(root, argv);
}

async function configure(upstream: string, timeoutMs?: number): Promise<void> {
  await writeFile(
    path.join(root, 'feather.config.json'),
    JSON.stringify({ drift: { upstream, ...(timeoutMs ? { timeoutMs } : {}) } }),
  );
}

describe('npm run drift', () => {
  it('exits 0 with "no API change" against the generated spec', async () => {
    const result = await drift('--against', path.join(seed.generatedDir, 'openapi.json'));
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('no API change');
  });

  it('uses the upstream from feather.config.json when no --against is given', async () => {
    server = await startSpecServer({ '/api-reference/openapi.json': { body: withLimitLowered() } });
    await configure(`${server.url}/api-reference/openapi.json`);
    const result = await drift('--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report.changes.map((c: { id: string }) => c.id)).toEqual(['request-maximum-lowered']);
    expect(server.requests.map((r) => r.path)).toEqual(['/api-reference/openapi.json']);
  });

  it('with --fail-on breaking, exits 1 only for breaking changes', async () => {
    const upstream = path.join(root, 'upstream.json');
    const doc = JSON.parse(pinnedText);
    doc.paths['/v1/analytics/integrations/dashboard'].get.summary =
      'Every integration pipe at once';
    await writeFile(upstream, JSON.stringify(doc));
    expect((await drift('--against', upstream, '--fail-on', 'breaking')).code).toBe(0);
    expect((await drift('--against', upstream)).code).toBe(1);
    await writeFile(upstream, withLimitLowered());
    expect((await drift('--against', upstream, '--fail-on', 'breaking')).code).toBe(1);
  });

  it('lists operations we do not pin but does not fail on them', async () => {
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, withExtraOperation());
    const result = await drift('--against', upstream);
    expect(result.code).toBe(0);
    expect(result.out).toContain('1 operation upstream that we do not pin');
    expect(result.out).toContain('GET /v1/agents (listAgents) added');
  });

  it('compares a documentation page against only the operation it documents', async () => {
    const result = await drift(
      '--against',
      path.join(FIXTURES, 'doc-page-limit-lowered.md'),
      '--format',
      'json',
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(
      report.changes.map((c: { id: string; operation: string }) => [c.id, c.operation]),
    ).toEqual([
      ['request-maximum-lowered', 'GET /v1/analytics/tools/reliability/timeout-analysis'],
    ]);
    expect(report.summary.operations).toEqual({ compared: 1, added: 0, removed: 0, changed: 1 });
  });

  it('prints a markdown report for a pull request', async () => {
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, withLimitLowered());
    const result = await drift('--against', upstream, '--format', 'markdown');
    expect(result.out).toMatch(/^## API drift report/);
    expect(result.out).toContain('`request-maximum-lowered`');
  });

  it('--update-spec rewrites the spec file of a changed operation and leaves the rest', async () => {
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, withLimitLowered());
    const before = await readFile(path.join(root, 'spec', 'getIntegrationDashboard.yaml'), 'utf8');
    const result = await drift('--against', upstream, '--update-spec');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'updated 1 spec file: spec/getToolReliabilityTimeoutAnalysis.yaml',
    );
    const rewritten = parse(
      await readFile(path.join(root, 'spec', 'getToolReliabilityTimeoutAnalysis.yaml'), 'utf8'),
    );
    const limit = rewritten.paths[
      '/v1/analytics/tools/reliability/timeout-analysis'
    ].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema.maximum).toBe(50);
    expect(await readFile(path.join(root, 'spec', 'getIntegrationDashboard.yaml'), 'utf8')).toBe(
      before,
    );
    expect((await drift('--against', upstream)).code).toBe(0);
  });
  it('--update-spec follows an operation upstream moved to another path (same operationId)', async () => {
    const doc = JSON.parse(pinnedText);
    const route = '/v1/analytics/tools/reliability/timeout-analysis';
    doc.paths['/v2/analytics/tools/reliability/timeout-analysis'] = doc.paths[route];
    delete doc.paths[route];
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, JSON.stringify(doc));
    const result = await drift('--against', upstream, '--update-spec');
    expect(result.code).toBe(1);
    expect(result.out).toContain('operation-path-changed');
    expect(result.err).toContain(
      'updated 1 spec file: spec/getToolReliabilityTimeoutAnalysis.yaml',
    );
    expect(result.err).not.toContain('kept');
    expect((await drift('--against', upstream)).code).toBe(0);
  });

  it('--update-spec keeps a file whose operation is gone upstream, in step with the rest', async () => {
    const doc = JSON.parse(pinnedText);
    delete doc.paths['/v1/analytics/integrations/dashboard'];
    doc.info.version = '1.22.0';
    doc.components.schemas.ErrorResponse.properties.code = { type: 'string' };
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, JSON.stringify(doc));
    const result = await drift('--against', upstream, '--update-spec');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'kept, with their operation gone upstream (breaking; decide by hand): spec/getIntegrationDashboard.yaml',
    );
    const pinned = await loadPinned(root);
    expect(Object.keys(pinned.paths as object)).toHaveLength(
      Object.keys(JSON.parse(pinnedText).paths).length,
    );
    const after = await drift('--against', upstream, '--format', 'json');
    expect(JSON.parse(after.out).changes.map((c: { id: string }) => c.id)).toEqual([
      'operation-removed',
    ]);
  });
});

/** The pinned API with LatencyTimeseriesRow's schema under a namespaced key, as 1.87.0 has it. */
function withLatencyRowMoved(): string {
  const doc = JSON.parse(pinnedText);
  const schemas = doc.components.schemas;
  schemas[MOVED_LATENCY_ROW] = schemas.LatencyTimeseriesRow;
  delete schemas.LatencyTimeseriesRow;
  return JSON.stringify(doc).replaceAll(
    '"#/components/schemas/LatencyTimeseriesRow"',
    `"#/components/schemas/${MOVED_LATENCY_ROW}"`,
  );
}
const MOVED_LATENCY_ROW = 'src__analytics__tools__schemas__LatencyTimeseriesRow';

/** The pinned API with a second schema titled DashboardSummaryRow, reached by the dashboard. */
function withSecondSummaryRow(): string {
  const doc = JSON.parse(pinnedText);
  const schemas = doc.components.schemas;
  schemas.src__analytics__policy__schemas__DashboardSummaryRow = {
    title: 'DashboardSummaryRow',
    type: 'object',
    properties: { policy: { type: 'string' } },
  };
  schemas.src__analytics__integrations__schemas__DashboardEnvelope.properties.policy_summary = {
    $ref: '#/components/schemas/src__analytics__policy__schemas__DashboardSummaryRow',
  };
  return JSON.stringify(doc);
}

describe('exported names under the name lock (generated/names.lock.json)', () => {
  const namesChange = async (
    upstreamText: string,
    name: string,
  ): Promise<{ id: string; message: string } | undefined> => {
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, upstreamText);
    const result = await drift('--against', upstream, '--format', 'json');
    expect(result.err).toBe('');
    const report = JSON.parse(result.out) as { changes: { id: string; location: string }[] };
    return report.changes.find((c) => c.location === `generated/aliases.ts#${name}`) as
      { id: string; message: string } | undefined;
  };
  const copyLock = async (): Promise<void> => {
    await mkdir(path.join(root, 'generated'));
    await cp(
      path.join(seed.generatedDir, 'names.lock.json'),
      path.join(root, 'generated', 'names.lock.json'),
    );
  };

  it('a locked name whose schema upstream re-keyed (same title, same place): kept, with the old and new key', async () => {
    await copyLock();
    const change = await namesChange(withLatencyRowMoved(), 'LatencyTimeseriesRow');
    expect(change?.id).toBe('exported-name-kept');
    expect(change?.message).toBe(
      `exported type LatencyTimeseriesRow stays: upstream re-keyed schema:LatencyTimeseriesRow as schema:${MOVED_LATENCY_ROW} (same title, same place), and generated/names.lock.json follows it; LatencyTimeseriesRow now stands for components["schemas"]["${MOVED_LATENCY_ROW}"]`,
    );
  });

  it('a locked name whose schema is gone upstream (another title where it stood): generate stops, and the report names --remove-name', async () => {
    await copyLock();
    const doc = JSON.parse(withLatencyRowMoved());
    doc.components.schemas[MOVED_LATENCY_ROW].title = 'LatencyPoint';
    const change = await namesChange(JSON.stringify(doc), 'LatencyTimeseriesRow');
    expect(change?.id).toBe('exported-name-removed');
    expect(change?.message).toBe(
      'exported type LatencyTimeseriesRow (components["schemas"]["LatencyTimeseriesRow"]): it names schema:LatencyTimeseriesRow, gone upstream, so `npm run generate` stops on generated/names.lock.json until the name is removed: `npm run generate -- --remove-name LatencyTimeseriesRow` (importers stop compiling: say so in the release notes)',
    );
  });

  it('without a lock, the same change is the name a regeneration would re-point', async () => {
    const change = await namesChange(withLatencyRowMoved(), 'LatencyTimeseriesRow');
    expect(change).toEqual(
      expect.objectContaining({
        id: 'exported-name-repointed',
        message: `exported type LatencyTimeseriesRow would point at components["schemas"]["${MOVED_LATENCY_ROW}"] instead of components["schemas"]["LatencyTimeseriesRow"]`,
      }),
    );
  });

  it('a name the lock keeps (a new schema with the same title upstream) is reported as kept, not removed', async () => {
    await copyLock();
    const kept = await namesChange(withSecondSummaryRow(), 'DashboardSummaryRow');
    expect(kept).toEqual(
      expect.objectContaining({
        id: 'exported-name-kept',
        message:
          'exported type DashboardSummaryRow stays on components["schemas"]["src__analytics__integrations__schemas__DashboardSummaryRow"]: generated/names.lock.json keeps it, where a regeneration without the lock would name it IntegrationsDashboardSummaryRow',
      }),
    );
    await rm(path.join(root, 'generated'), { recursive: true });
    expect((await namesChange(withSecondSummaryRow(), 'DashboardSummaryRow'))?.id).toBe(
      'exported-name-removed',
    );
  });

  it('a name lock that is not JSON stops the check (exit 2), naming the file', async () => {
    await mkdir(path.join(root, 'generated'));
    await writeFile(path.join(root, 'generated', 'names.lock.json'), '{ "names": ');
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, withLatencyRowMoved());
    const result = await drift('--against', upstream);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/generated\/names\.lock\.json.*invalid JSON/);
  });
});

describe.skipIf(wholeApiMissing())(
  `after --update-spec, before generate, the names verdict is generate's (${wholeApiMissing() ?? 'whole API present'})`,
  () => {
    it('a locked name upstream re-keyed stays kept, as generate keeps it, not gone', async () => {
      await cp(seed.generatedDir, path.join(root, 'generated'), { recursive: true });
      await cp(path.join(seed.root, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
      const upstream = wholeApiFile('1.87.0');
      const lockedName = async (): Promise<{ id: string; message: string } | undefined> => {
        const result = await drift('--against', upstream, '--format', 'json');
        const report = JSON.parse(result.out) as {
          changes: { id: string; level: string; location: string; message: string }[];
        };
        expect(report.changes.filter((c) => c.level === 'breaking')).toEqual([]);
        return report.changes.find(
          (c) => c.location === 'generated/aliases.ts#LatencyTimeseriesRow',
        );
      };
      expect((await drift('--against', upstream, '--update-spec')).code).not.toBe(2);
      // spec/ now holds 1.87.0; generated/ (its lock and the join the lock was written from) not yet.
      expect(await lockedName()).toMatchObject({ id: 'exported-name-kept' });
      const generated = await generate(
        { root, specDir: 'spec', outDir: 'generated', configFile: 'redocly.yaml' },
        true,
      );
      expect(generated.build?.warnings).toContainEqual(
        expect.stringMatching(/^kept the published name LatencyTimeseriesRow on /),
      );
      expect(await lockedName()).toBeUndefined();
    });
  },
);

describe('npm run drift on bad input exits 2 and says which', () => {
  it.each([
    ['a missing file', 'missing.json', /missing\.json: cannot read the other side: no such file/],
    [
      'a file that is not YAML or JSON',
      'not-yaml-or-json.html',
      /not-yaml-or-json\.html.*(not valid YAML or JSON|not an OpenAPI document \(read as plain text)/,
    ],
    [
      'invalid YAML',
      'invalid-yaml.yaml',
      /invalid-yaml\.yaml:4:\d+: invalid YAML.*\(not valid YAML or JSON\)/,
    ],
    ['Swagger 2.0', 'swagger2.json', /swagger2\.json: Swagger 2\.0 is not supported/],
    [
      'an unresolvable $ref',
      'broken-ref.yaml',
      /broken-ref\.yaml \(#\/paths\/.*\/schema\/\$ref\): \$ref '#\/components\/schemas\/DoesNotExist' does not resolve/,
    ],
  ])('%s', async (_name, fixture, message) => {
    const result = await drift('--against', path.join(FIXTURES, fixture));
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(message);
  });

  it('an HTTP error', async () => {
    server = await startSpecServer({ '/openapi.json': { status: 503, body: 'down' } });
    const result = await drift('--against', `${server.url}/openapi.json`);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(/127\.0\.0\.1:\d+\/openapi\.json: HTTP 503/);
  });

  it('a timeout (short, from the config)', async () => {
    server = await startSpecServer({ '/openapi.json': { hang: true } });
    await configure(`${server.url}/openapi.json`, 200);
    const result = await drift();
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(/no answer within 200 ms \(timeout\)/);
  });

  it('a timeout (from --timeout)', async () => {
    server = await startSpecServer({ '/openapi.json': { hang: true } });
    const result = await drift('--against', `${server.url}/openapi.json`, '--timeout', '150');
    expect(result.err).toMatch(/no answer within 150 ms \(timeout\)/);
    expect(result.code).toBe(2);
  });

  it('bad arguments', async () => {
    const result = await drift(
      '--against',
      'x.json',
      '--format',
      'yaml',
      '--fail-on',
      'some',
      '--header',
      'sk-secret-value',
      '--max-chars',
      '10',
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain("--format must be text, json or markdown (got 'yaml')");
    expect(result.err).toContain(
      "--fail-on must be any, warning, breaking or consumers (got 'some')",
    );
    expect(result.err).toContain("--header #1 must be 'Name: value'");
    expect(result.err).toContain(
      "--max-chars must be a whole number from 2000 to 1000000 (got '10')",
    );
    expect(result.err).not.toContain('sk-secret-value');
  });

  it('a feather.config.json past MAX_CONFIG_FILE_BYTES is refused naming it (exit 2), not read whole', async () => {
    const file = path.join(root, 'feather.config.json');
    await writeFile(file, '');
    await truncate(file, MAX_CONFIG_FILE_BYTES + 1); // sparse: costs nothing on disk
    const result = await drift();
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `feather.config.json: larger than ${MAX_CONFIG_FILE_BYTES} bytes (MAX_CONFIG_FILE_BYTES)`,
    );
  });

  it('a feather.config.json that is not UTF-8 is refused naming the line and byte (exit 2)', async () => {
    await writeFile(
      path.join(root, 'feather.config.json'),
      Buffer.from('{"drift": {\n "upstream": "caf\xe9.json"}}\n', 'latin1'),
    );
    const result = await drift();
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'feather.config.json:2:18: not UTF-8: byte 0xe9 at byte offset 29',
    );
  });

  it('no --against and no configured upstream', async () => {
    const result = await drift();
    expect(result.code).toBe(2);
    expect(result.err).toContain('no --against given and no drift.upstream in feather.config.json');
  });
});

describe('the drift script as a process', () => {
  it('prints the report on stdout and exits 1 on a change', async () => {
    const upstream = path.join(root, 'upstream.json');
    await writeFile(upstream, withLimitLowered());
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile);
    const failure = await run(
      tsx,
      [
        path.join(REPO_ROOT, 'scripts', 'commands', 'drift.ts'),
        '--against',
        upstream,
        '--format',
        'json',
      ],
      { cwd: root },
    ).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure!.stdout).summary.breaking).toBe(1);
  });
});
