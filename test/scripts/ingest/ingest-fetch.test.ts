/** fetchText over real TCP: retries on transient failures only, and names the URL when it gives up. */
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchText, readSource } from '../../../scripts/ingest/fetch.ts';
import { MAX_REDIRECTS } from '../../../common/redirect.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../../helpers/loopback-server.ts';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAST = { retryBaseDelayMs: 5 };

async function serve(replies: Reply[]): Promise<string> {
  server = await startLoopbackServer(replies);
  return `${server.url}/page.md`;
}

describe('fetchText', () => {
  const recovers: [string, Reply][] = [
    ['a 503', { status: 503, body: 'busy' }],
    ['a 429', { status: 429, body: 'slow down' }],
    ['a 500', { status: 500, body: 'oops' }],
    ['a reset connection', { destroy: true }],
  ];
  it.each(recovers)('retries after %s and returns the page', async (_name, first) => {
    const url = await serve([first, { body: '# page' }]);
    const retries: string[] = [];
    const text = await fetchText(url, {
      ...FAST,
      onRetry: (_url, attempt, reason) => retries.push(`${attempt}: ${reason}`),
    });
    expect(text).toBe('# page');
    expect(server!.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  it('does not retry a 404, and names the URL', async () => {
    const url = await serve([{ status: 404, body: 'no' }, { body: '# page' }]);
    await expect(fetchText(url, FAST)).rejects.toThrow(`${url}: HTTP 404 when fetching`);
    expect(server!.requests).toHaveLength(1);
  });

  it('gives up after the last attempt, saying how many', async () => {
    const url = await serve([{ status: 503 }]);
    await expect(fetchText(url, { ...FAST, attempts: 3 })).rejects.toThrow(
      `${url}: HTTP 503 when fetching (3 attempts)`,
    );
    expect(server!.requests).toHaveLength(3);
  });

  it('bounds an attempt that never answers, and retries it', async () => {
    const url = await serve([{ hang: true }, { body: 'late but here' }]);
    expect(await fetchText(url, { ...FAST, timeoutMs: 200 })).toBe('late but here');
  });

  it('names a refused connection', async () => {
    server = await startLoopbackServer([{}]);
    const url = `${server.url}/page.md`;
    await server.close();
    server = undefined;
    await expect(fetchText(url, { ...FAST, attempts: 2 })).rejects.toThrow(
      new RegExp(
        `^${url.replace(/[.]/g, '\\.')}: could not fetch: fetch failed \\(ECONNREFUSED\\) \\(2 attempts\\)$`,
      ),
    );
  });
});

describe('fetchText of a body that is not UTF-8', () => {
  it('is refused naming the URL and the byte offset, once (not retried), not read with U+FFFD', async () => {
    let requests = 0;
    const latin1 = createServer((_request, response) => {
      requests++;
      response.end(Buffer.from('openapi: 3.1.0\ninfo:\n  title: Caf\xe9\n', 'latin1'));
    });
    await new Promise<void>((resolve) => latin1.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = latin1.address() as { port: number };
      const url = `http://127.0.0.1:${port}/openapi.yaml`;
      await expect(fetchText(url, { ...FAST, attempts: 3 })).rejects.toThrow(
        `${url}: not UTF-8: the bytes at byte offset 33 of the body are not valid UTF-8`,
      );
      expect(requests).toBe(1);
    } finally {
      await new Promise((resolve) => latin1.close(resolve));
    }
  });
});

describe('fetchText and redirects to an origin named', () => {
  it('a loop between two origins named stops after MAX_REDIRECTS hops', async () => {
    let other: LoopbackServer | undefined;
    server = await startLoopbackServer(() => ({
      status: 302,
      headers: { location: `${other!.url}/page.md` },
    }));
    other = await startLoopbackServer(
      () => ({ status: 302, headers: { location: `${server!.url}/page.md` } }),
      '127.0.0.2',
    );
    try {
      const url = `${server.url}/page.md`;
      await expect(
        fetchText(url, {
          ...FAST,
          attempts: 1,
          timeoutMs: 3000,
          allowOrigins: [other.url, server.url],
        }),
      ).rejects.toThrow(`${url}: redirected (302) too many times in a row`);
      expect(server.requests.length + other.requests.length).toBe(MAX_REDIRECTS + 1);
    } finally {
      await other.close();
    }
  });
});

describe('readSource', () => {
  it('names a file it cannot read, and what it was for', async () => {
    await expect(readSource('/nonexistent/llms.txt', {}, 'index')).rejects.toThrow(
      '/nonexistent/llms.txt: cannot read index (ENOENT)',
    );
  });

  it('refuses a file that is not UTF-8, naming it, the line and the byte', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'feather-ingest-latin1-'));
    try {
      const file = path.join(dir, 'openapi.yaml');
      await writeFile(file, Buffer.from('openapi: 3.1.0\ninfo:\n  title: Caf\xe9\n', 'latin1'));
      await expect(readSource(file, {}, 'OpenAPI document')).rejects.toThrow(
        `${file}:3:13: not UTF-8: byte 0xe9 at byte offset 33 is not valid UTF-8`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
