/**
 * What drift and ingest fetch from a hostile host: a redirect to another origin is not followed
 * (the user's headers stay with the origin they named), and a body that never ends, a huge one
 * or a gzip bomb is cut off at the limit while it is read. Real servers on 127.0.0.1: two
 * servers on different ports are two origins.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SPEC_FILE_BYTES } from '../../scripts/lib/spec-limits.ts';
import { checkSpecDrift } from '../../src/drift/runtime.ts';
import { DriftInputError } from '../../src/drift/document.ts';
import { runDrift } from '../helpers/drift-command.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.ts';
import { oneOperationDoc } from '../helpers/one-operation.ts';
import { FIXTURES, REPO_ROOT, makeWorkspace, type Workspace } from '../helpers/workspace.ts';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
/** Spawning tsx on a busy 2-core machine can take a while (a bound against hanging). */
const CLI_BOUND_MS = 120_000;
const SECRET = 'sk_live_redirect_secret_0123456789';
/** Heap given to the ingest runs that read hostile bodies: the bound on their memory. */
const CLI_HEAP_MB = 256;
const PAGE = path.join(FIXTURES, 'feather-docs', 'getIntegrationDashboard.md');
const OTHER_PAGE = path.join(FIXTURES, 'feather-docs', 'getToolReliabilityTimeoutAnalysis.md');

const servers: LoopbackServer[] = [];
const rawServers: Server[] = [];
const dirs: string[] = [];
let workspace: Workspace | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const server of rawServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  await workspace?.remove();
  workspace = undefined;
});

/** An empty repository root for ingest to write spec/ into. */
async function emptyRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'feather-hostile-ingest-'));
  dirs.push(root);
  await mkdir(path.join(root, 'spec'));
  return root;
}

const specFiles = (root: string): Promise<string[]> => readdir(path.join(root, 'spec'));

/** `other` records what reaches it; `first` answers every request with a 302 to it. */
async function redirectToOtherOrigin(): Promise<{ first: LoopbackServer; other: LoopbackServer }> {
  const other = await startLoopbackServer([{ status: 200, body: { openapi: '3.1.0' } }]);
  const first = await startLoopbackServer([
    { status: 302, headers: { location: `${other.url}/openapi.json` } },
  ]);
  servers.push(first, other);
  return { first, other };
}

async function cli(
  script: string,
  cwd: string,
  args: string[],
  heapMb?: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      TSX,
      [path.join(REPO_ROOT, 'scripts', 'commands', script), ...args],
      {
        cwd,
        timeout: CLI_BOUND_MS,
        ...(heapMb
          ? { env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${heapMb}` } }
          : {}),
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('drift does not follow a redirect to another origin', () => {
  it(
    'npm run drift --header exits 2 naming the other origin, which receives nothing',
    async () => {
      const { first, other } = await redirectToOtherOrigin();
      workspace = await makeWorkspace();
      const result = await cli('drift.ts', workspace.root, [
        '--against',
        `${first.url}/openapi.json`,
        '--header',
        `x-api-key: ${SECRET}`,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`redirected (302) to another origin, ${other.url}`);
      expect(result.stderr + result.stdout).not.toContain(SECRET);
      expect(first.requests[0]!.headers['x-api-key']).toBe(SECRET);
      expect(other.requests).toEqual([]);
    },
    CLI_BOUND_MS + 10_000,
  );

  it('checkSpecDrift({ headers }) rejects with a DriftInputError; the other origin receives nothing', async () => {
    const { first, other } = await redirectToOtherOrigin();
    const error = await checkSpecDrift({
      baseUrl: first.url,
      headers: { 'x-api-key': SECRET },
      pinned: { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as DriftInputError).kind).toBe('http');
    expect((error as Error).message).toContain(`to another origin, ${other.url}: not followed`);
    expect((error as Error).message).not.toContain(SECRET);
    expect(other.requests).toEqual([]);
  });

  it('a redirect within the origin is followed, headers and all', async () => {
    const spec = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
    const server = await startLoopbackServer((request) =>
      request.url === '/openapi.json'
        ? { status: 301, headers: { location: '/v2/openapi.json' } }
        : { status: 200, body: spec },
    );
    servers.push(server);
    const result = await checkSpecDrift({
      baseUrl: server.url,
      headers: { 'x-api-key': SECRET },
      pinned: spec,
    });
    expect(result.url).toBe(`${server.url}/openapi.json`);
    expect(server.requests.map((r) => [r.url, r.headers['x-api-key']])).toEqual([
      ['/openapi.json', SECRET],
      ['/v2/openapi.json', SECRET],
    ]);
  });
});

describe('drift names a URL without its credentials, query or fragment', () => {
  /** A spec/ of GET /x returning a string, and a server whose /s.json returns an integer. */
  async function setUp(): Promise<{ root: string; server: LoopbackServer }> {
    const root = await emptyRoot();
    await writeFile(
      path.join(root, 'spec', 'x.json'),
      JSON.stringify(oneOperationDoc({ title: 't' })),
    );
    const changed = oneOperationDoc({ title: 't', schema: { type: 'integer' } });
    const server = await startLoopbackServer((request) =>
      request.url?.startsWith('/s.json')
        ? { status: 200, body: changed }
        : request.url?.startsWith('/text')
          ? { status: 200, body: '{ not json' }
          : { status: 404, body: 'no' },
    );
    servers.push(server);
    return { root, server };
  }

  it('--against with user:password@ exits 2 before anything is sent, naming the URL without them', async () => {
    const { root, server } = await setUp();
    const host = new URL(server.url).host;
    const result = await runDrift(root, ['--against', `http://user:${SECRET}@${host}/s.json`]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${server.url}/s.json: the URL holds credentials`);
    expect(result.err + result.out).not.toContain(SECRET);
    expect(server.requests).toEqual([]);
  });

  it('checkSpecDrift({ baseUrl }) with user:password@ rejects with a DriftInputError, nothing sent', async () => {
    const { server } = await setUp();
    const host = new URL(server.url).host;
    const error = await checkSpecDrift({
      baseUrl: `http://user:${SECRET}@${host}`,
      pinned: oneOperationDoc({ title: 't' }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toContain('the URL holds credentials');
    expect((error as Error).message).not.toContain(SECRET);
    expect(server.requests).toEqual([]);
  });

  for (const format of ['text', 'markdown']) {
    it(`a token in the query or fragment is sent, and left out of the --format ${format} report`, async () => {
      const { root, server } = await setUp();
      for (const against of [
        `${server.url}/s.json?token=${SECRET}`,
        `${server.url}/s.json#${SECRET}`,
      ]) {
        const result = await runDrift(root, ['--against', against, '--format', format]);
        expect(result.code).toBe(1);
        expect(result.out).toContain(`${server.url}/s.json`);
        expect(result.err + result.out).not.toContain(SECRET);
      }
      expect(server.requests[0]!.url).toBe(`/s.json?token=${SECRET}`);
    });
  }

  it('--against http:// to a host that is not loopback with --header exits 2 naming the origin; nothing is sent', async () => {
    const { root } = await setUp();
    const result = await runDrift(root, [
      '--against',
      'http://spec.example.invalid:8080/s.json',
      '--header',
      `Authorization: Bearer ${SECRET}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'http://spec.example.invalid:8080: refusing to send --header / headers values over plain http://',
    );
    expect(result.err + result.out).not.toContain(SECRET);
  });

  it('checkSpecDrift({ headers }) over plain http:// to a host that is not loopback rejects before fetching', async () => {
    const fetched: string[] = [];
    const error = await checkSpecDrift({
      baseUrl: 'http://10.0.0.7',
      headers: { 'x-api-key': SECRET },
      fetch: (input) => {
        fetched.push(String(input));
        return Promise.resolve(new Response('{}'));
      },
      pinned: oneOperationDoc({ title: 't' }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toContain('http://10.0.0.7: refusing to send');
    expect((error as Error).message).not.toContain(SECRET);
    expect(fetched).toEqual([]);
  });

  it('checkSpecDrift over plain http:// without headers, or with headers to loopback, still fetches', async () => {
    const { server } = await setUp();
    const fetched: string[] = [];
    await checkSpecDrift({
      baseUrl: 'http://10.0.0.7',
      fetch: (input) => {
        fetched.push(String(input));
        return Promise.resolve(Response.json(oneOperationDoc({ title: 't' })));
      },
      pinned: oneOperationDoc({ title: 't' }),
    });
    expect(fetched).toEqual(['http://10.0.0.7/openapi.json']);
    await checkSpecDrift({
      baseUrl: server.url,
      path: '/s.json',
      headers: { 'x-api-key': SECRET },
      pinned: oneOperationDoc({ title: 't' }),
    });
    expect(server.requests[0]!.headers['x-api-key']).toBe(SECRET);
  });

  it('a --header value with a line feed exits 2 naming the header, never its value; nothing is sent', async () => {
    const { root, server } = await setUp();
    const result = await runDrift(root, [
      '--against',
      `${server.url}/s.json`,
      '--header',
      `Authorization: Bearer ${SECRET}\nX-Injected: 1`,
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("header 'Authorization'");
    expect(result.err + result.out).not.toContain(SECRET);
    expect(server.requests).toEqual([]);
  });

  it('checkSpecDrift({ headers }) with a NUL in a value rejects naming the header only', async () => {
    const { server } = await setUp();
    const error = await checkSpecDrift({
      baseUrl: server.url,
      path: '/s.json',
      headers: { 'x-api-key': `${SECRET}\u0000` },
      pinned: oneOperationDoc({ title: 't' }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toContain("header 'x-api-key'");
    expect((error as Error).message).not.toContain(SECRET);
    expect(server.requests).toEqual([]);
  });

  it('a body that trickles a byte every 20 ms, never ending, ends at --timeout (exit 2)', async () => {
    const { root } = await setUp();
    const url = await serveRaw((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    const result = await runDrift(root, ['--against', `${url}/s.json`, '--timeout', '300']);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${url}/s.json: body not received within 300 ms (timeout)`);
  });

  it('an HTTP error and a body that does not parse are named without the query', async () => {
    const { root, server } = await setUp();
    for (const route of ['/missing.json', '/text.json']) {
      const result = await runDrift(root, ['--against', `${server.url}${route}?token=${SECRET}`]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`${server.url}${route}`);
      expect(result.err).not.toContain(SECRET);
    }
  });
});

describe('ingest fetches only the origins the user named', () => {
  it(
    'an index listing a page on another origin: that page is reported by line and never fetched',
    async () => {
      const other = await startLoopbackServer([{ body: await readFile(OTHER_PAGE, 'utf8') }]);
      const page = await readFile(PAGE, 'utf8');
      const site = await startLoopbackServer((request) =>
        request.url === '/llms.txt'
          ? {
              body: `# Docs\n- [Mine](/api-reference/mine.md)\n- [Theirs](${other.url}/api-reference/theirs.md)\n`,
            }
          : { body: page },
      );
      servers.push(site, other);
      const root = await emptyRoot();
      const result = await cli('ingest.ts', root, ['--index', `${site.url}/llms.txt`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `${site.url}/llms.txt:3: lists ${other.url}/api-reference/theirs.md, on ${other.url}, not an origin named (the index's own or --allow-origin): skipped; add --allow-origin ${other.url} to fetch it`,
      );
      expect(other.requests).toEqual([]);
      expect(await specFiles(root)).toEqual(['getIntegrationDashboard.yaml']);
    },
    CLI_BOUND_MS + 10_000,
  );

  it(
    'a page that redirects to another origin is reported, and the other origin receives nothing',
    async () => {
      const other = await startLoopbackServer([{ body: await readFile(PAGE, 'utf8') }]);
      const site = await startLoopbackServer([
        { status: 302, headers: { location: `${other.url}/page.md` } },
      ]);
      servers.push(site, other);
      const root = await emptyRoot();
      const result = await cli('ingest.ts', root, [`${site.url}/page.md`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `${site.url}/page.md: redirected (302) to another origin, ${other.url}: not fetched (only the origins named are); add --allow-origin ${other.url} to fetch it`,
      );
      expect(other.requests).toEqual([]);
      expect(await specFiles(root)).toEqual([]);
    },
    CLI_BOUND_MS + 10_000,
  );

  it('--allow-origin lets the index list, and a page redirect to, that origin', async () => {
    const { ingest } = await import('../../scripts/ingest/run.ts');
    const cdn = await startLoopbackServer([{ body: await readFile(OTHER_PAGE, 'utf8') }]);
    const mirror = await startLoopbackServer([{ body: await readFile(PAGE, 'utf8') }]);
    const site = await startLoopbackServer((request) =>
      request.url === '/llms.txt'
        ? {
            body: `- [A](/a.md)\n- [B](${cdn.url}/b.md)\n`,
          }
        : { status: 307, headers: { location: `${mirror.url}/a.md` } },
    );
    servers.push(site, cdn, mirror);
    const root = await emptyRoot();
    const report = await ingest(
      { kind: 'index', index: `${site.url}/llms.txt` },
      { root, read: { allowOrigins: [cdn.url, mirror.url] } },
    );
    expect(report.failed).toEqual([]);
    expect((await specFiles(root)).sort()).toEqual([
      'getIntegrationDashboard.yaml',
      'getToolReliabilityTimeoutAnalysis.yaml',
    ]);
  });
});

/** A server whose one route answers with `write(res)`; its URL. */
async function serveRaw(write: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(write);
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `chunk` to `res` as fast as it drains, `times` times (forever when Infinity). */
function pump(res: import('node:http').ServerResponse, chunk: Buffer, times: number): void {
  let sent = 0;
  const more = (): void => {
    while (!res.destroyed && sent < times) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => {});
  more();
}

describe(`ingest stops reading a source past MAX_SPEC_FILE_BYTES (${MAX_SPEC_FILE_BYTES}), within a ${CLI_HEAP_MB} MB heap`, () => {
  const megabyte = Buffer.alloc(1024 * 1024, 'a');
  /** 1 GiB of zeros as 64 gzip members of 16 MiB each: about 1 MB on the wire. */
  const bombMember = gzipSync(Buffer.alloc(16 * 1024 * 1024));
  const rows: [string, string[], Parameters<typeof createServer>[1]][] = [
    [
      '--openapi URL whose body never ends',
      ['--openapi'],
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"openapi":"3.1.0","x":"');
        pump(res, Buffer.alloc(64 * 1024, 'a'), Infinity);
      },
    ],
    [
      'a 120 MB page',
      [],
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/markdown' });
        res.write('# Big\n\n## OpenAPI\n\n````yaml\nopenapi: 3.1.0\nx-big: ');
        pump(res, megabyte, 120);
      },
    ],
    [
      'a gzip-bomb page (1 GiB decoded from 1 MB)',
      [],
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/markdown', 'content-encoding': 'gzip' });
        pump(res, bombMember, 64);
      },
    ],
  ];
  it.each(rows)(
    '%s: exit 2 naming the URL, nothing written',
    async (_name, flags, handler) => {
      const url = `${await serveRaw(handler)}/source.md`;
      const root = await emptyRoot();
      const result = await cli('ingest.ts', root, [...flags, url], CLI_HEAP_MB);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `error: ${url}: the body is larger than ${MAX_SPEC_FILE_BYTES} bytes (MAX_SPEC_FILE_BYTES, the limit generate applies to a spec file): not read further; nothing was written`,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(await specFiles(root)).toEqual([]);
    },
    CLI_BOUND_MS + 10_000,
  );
});
