/**
 * What drift and ingest fetch from a hostile host: a redirect to another origin is not followed
 * (the user's headers stay with the origin they named), and a body that never ends, a huge one
 * or a gzip bomb is cut off at the limit while it is read. Real servers on 127.0.0.1: two
 * servers on different ports are two origins.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSpecDrift } from '../src/drift/runtime.ts';
import { DriftInputError } from '../src/drift/document.ts';
import { startLoopbackServer, type LoopbackServer } from './helpers/loopback-server.ts';
import { REPO_ROOT, makeWorkspace, type Workspace } from './helpers/workspace.ts';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
/** Spawning tsx on a busy 2-core machine can take a while (a bound against hanging). */
const CLI_BOUND_MS = 120_000;
const SECRET = 'sk_live_redirect_secret_0123456789';

const servers: LoopbackServer[] = [];
let workspace: Workspace | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await workspace?.remove();
  workspace = undefined;
});

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
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      TSX,
      [path.join(REPO_ROOT, 'scripts', 'commands', script), ...args],
      { cwd, timeout: CLI_BOUND_MS },
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
