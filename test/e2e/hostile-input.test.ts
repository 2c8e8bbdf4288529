/**
 * Every bad input ends cleanly: a message naming the file and place, exit 2, bounded time and
 * memory, and an untouched generated/. One row per case of issue 9's table, plus the legitimate
 * neighbours that must keep working (a recursive schema, a symlink inside the repository).
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../scripts/pipeline/generate.ts';
import { PipelineError } from '../../scripts/lib/errors.ts';
import {
  STALE_LEFTOVER_MS,
  isDeadRun,
  writeFileAtomic,
  listLeftovers,
  recoverInterruptedSwap,
} from '../../scripts/lib/fs-atomic.ts';
import {
  MAX_REF_CHAIN,
  MAX_SPEC_DEPTH,
  MAX_SPEC_FILE_BYTES,
  firstInvalidUtf8,
} from '../../scripts/lib/spec-limits.ts';
import { STAMP_FILE, inputsHash } from '../../scripts/pipeline/stamp.ts';
import { fetchSpecText } from '../../src/drift/runtime.ts';
import { DriftInputError } from '../../src/drift/document.ts';
import {
  FIXTURES,
  REPO_ROOT,
  makeWorkspace,
  snapshotDir,
  type Workspace,
} from '../helpers/workspace.ts';
import { oneOperationDoc } from '../helpers/one-operation.ts';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const HOSTILE = path.join(FIXTURES, 'hostile');
/** Heap given to the CLI runs: the bound on memory these inputs may take. */
const CLI_HEAP_MB = 256;
/** Wall-clock bound on one CLI run (a bound against hanging, not a speed assertion). */
const CLI_BOUND_MS = 120_000;

/** The smallest valid page, with `extra` top-level fields. */
function page(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return oneOperationDoc({ title: 'Hostile fixture', extra });
}

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.remove();
  workspace = undefined;
});

/** A workspace whose spec/ is `fixture`'s (or empty), with generated/ as committed. */
async function workspaceWith(fixture?: string): Promise<Workspace> {
  const empty = await mkdtemp(path.join(tmpdir(), 'feather-empty-spec-'));
  workspace = await makeWorkspace(fixture ? path.join(HOSTILE, fixture, 'spec') : empty);
  await rm(empty, { recursive: true, force: true });
  return workspace;
}

/** Runs generate in-process and returns the PipelineError it must throw. */
async function generateError(ws: Workspace): Promise<PipelineError> {
  try {
    await generate(ws.paths, true);
  } catch (error) {
    if (error instanceof PipelineError) return error;
    throw error;
  }
  throw new Error('generate did not fail');
}

/** Runs `npm run generate` as a user would, with a capped heap and a bound on time. */
async function generateCli(
  root: string,
): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  try {
    await run(TSX, [path.join(REPO_ROOT, 'scripts', 'commands', 'generate.ts')], {
      cwd: root,
      timeout: CLI_BOUND_MS,
      env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${CLI_HEAP_MB}` },
    });
    return { code: 0, stderr: '', killed: false };
  } catch (error) {
    const failed = error as { code: number | null; stderr: string; killed: boolean };
    return { code: failed.code, stderr: failed.stderr, killed: failed.killed };
  }
}

/** Writes a 10,000-deep JSON document (`x-deep: [[[...]]]`). */
function deepJson(): string {
  const depth = 10_000;
  const text = JSON.stringify(page({ 'x-deep': 0 }));
  return text.replace('"x-deep":0', `"x-deep":${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** A page whose 200 body is `#/components/schemas/<root>`, with `schemas` as components. */
function withSchemas(schemas: Record<string, unknown>, root: string): Record<string, unknown> {
  const doc = page({ components: { schemas } }) as { paths: Record<string, any> };
  doc.paths['/x'].get.responses['200'].content['application/json'].schema = {
    $ref: `#/components/schemas/${root}`,
  };
  return doc;
}

/** A document whose one schema is reached through `length` $refs, each only a $ref to the next. */
function refChainJson(length: number): string {
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) schemas[`S${i}`] = { $ref: `#/components/schemas/S${i + 1}` };
  schemas[`S${length}`] = { type: 'string' };
  return JSON.stringify(withSchemas(schemas, 'S0'));
}

/** Writes a document over MAX_SPEC_FILE_BYTES (many schemas, as a real big document would be). */
function hugeJson(): string {
  const schemas: Record<string, unknown> = {};
  const description = 'a'.repeat(2000);
  for (let i = 0; schemas && i * 2100 < MAX_SPEC_FILE_BYTES + 1_000_000; i++)
    schemas[`S${i}`] = { type: 'string', description };
  return JSON.stringify(page({ components: { schemas } }));
}

describe('bad spec input ends in exit 2 naming the file and place, generated/ untouched', () => {
  const rows: [
    string,
    { fixture?: string; write?: () => [string, string | Buffer]; want: RegExp },
  ][] = [
    [
      'a YAML alias bomb in an x- field',
      {
        fixture: 'alias-bomb-extension',
        want: /^spec\/lol\.yaml:\d+:\d+ \(#\/x-lol\/.*\): YAML aliases would copy more than/,
      },
    ],
    [
      'a YAML alias bomb as a schema example',
      {
        fixture: 'alias-bomb-example',
        want: /^spec\/lol\.yaml:\d+:\d+ \(#\/paths\/~1lol\/get\/.*\/example\/.*\): YAML aliases would copy/,
      },
    ],
    [
      'a circular chain of $refs (A -> B -> A)',
      {
        fixture: 'circular-ref',
        want: /^spec\/loop\.yaml:\d+:\d+ \(#\/components\/schemas\/A\/\$ref\): .*circular chain of \$refs \(#\/components\/schemas\/A -> #\/components\/schemas\/B -> #\/components\/schemas\/A\)/,
      },
    ],
    [
      "a $ref to 'constructor' (a name on Object.prototype)",
      {
        fixture: 'constructor-ref',
        want: /^spec\/proto\.yaml:\d+:\d+ \(.*\/schema\/\$ref\): \$ref '#\/components\/schemas\/constructor' does not resolve/,
      },
    ],
    [
      'a schema made of itself (R: { allOf: [{ $ref: R }] })',
      {
        write: () => [
          'self.json',
          JSON.stringify(withSchemas({ R: { allOf: [{ $ref: '#/components/schemas/R' }] } }, 'R')),
        ],
        want: /^spec\/self\.json:1:\d+ \(#\/components\/schemas\/R\/allOf\/0\/\$ref\): \$ref '#\/components\/schemas\/R' makes the schema at #\/components\/schemas\/R part of itself \(#\/components\/schemas\/R -> #\/components\/schemas\/R\/allOf\/0 -> #\/components\/schemas\/R\), through allOf, anyOf or oneOf/,
      },
    ],
    [
      'two schemas made of each other (A: anyOf [B, null], B: oneOf [A, string])',
      {
        write: () => [
          'pair.json',
          JSON.stringify(
            withSchemas(
              {
                A: { anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] },
                B: { oneOf: [{ $ref: '#/components/schemas/A' }, { type: 'string' }] },
              },
              'A',
            ),
          ),
        ],
        want: /\(#\/components\/schemas\/A -> #\/components\/schemas\/A\/anyOf\/0 -> #\/components\/schemas\/B -> #\/components\/schemas\/B\/oneOf\/0 -> #\/components\/schemas\/A\)/,
      },
    ],
    [
      '10,000-deep JSON',
      {
        write: () => ['deep.json', deepJson()],
        want: new RegExp(
          `^spec/deep\\.json:1:\\d+ \\(#/x-deep/0/0/.*\\): nested more than ${MAX_SPEC_DEPTH} levels deep`,
        ),
      },
    ],
    [
      'bytes that are not UTF-8',
      {
        write: () => [
          'latin1.yaml',
          Buffer.concat([
            Buffer.from('openapi: 3.1.0\ninfo:\n  title: Caf'),
            Buffer.from([0xe9]),
            Buffer.from('\n  version: 1.0.0\npaths: {}\n'),
          ]),
        ],
        want: /^spec\/latin1\.yaml:3:13: not UTF-8: byte 0xe9 at byte offset 33 is not valid UTF-8/,
      },
    ],
    [
      `a document over MAX_SPEC_FILE_BYTES (${MAX_SPEC_FILE_BYTES} bytes)`,
      {
        write: () => ['huge.json', hugeJson()],
        want: /^spec\/huge\.json: file is \d+ bytes, over the limit of \d+ \(MAX_SPEC_FILE_BYTES\)/,
      },
    ],
  ];

  it.each(rows)(
    '%s',
    async (_name, { fixture, write, want }) => {
      const ws = await workspaceWith(fixture);
      if (write) {
        const [name, content] = write();
        await writeFile(path.join(ws.root, 'spec', name), content);
      }
      const before = await snapshotDir(path.join(ws.root, 'generated'));
      const error = await generateError(ws);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(want);
      expect(await snapshotDir(path.join(ws.root, 'generated'))).toEqual(before);
    },
    60_000,
  );
});

describe('the command line ends cleanly in bounded time and memory', () => {
  const rows: [string, { fixture?: string; write?: () => [string, string]; want: RegExp }][] = [
    ['an alias bomb as a schema example', { fixture: 'alias-bomb-example', want: /alias bomb/ }],
    [
      'a document over the size limit',
      { write: () => ['huge.json', hugeJson()], want: /MAX_SPEC_FILE_BYTES/ },
    ],
    ['10,000-deep JSON', { write: () => ['deep.json', deepJson()], want: /MAX_SPEC_DEPTH/ }],
    ...[2_000, 20_000].map((length): (typeof rows)[number] => [
      `a linear chain of ${length.toLocaleString('en')} $refs`,
      {
        write: () => ['chain.json', refChainJson(length)],
        want: new RegExp(
          `^error: spec/chain\\.json:\\d+:\\d+ \\(#/paths/~1x/get/responses/200/content/application~1json/schema/\\$ref\\): \\$ref '#/components/schemas/S0' starts a chain of ${length + 1} \\$refs, each to a node that is only the next \\$ref, before the schema at #/components/schemas/S${length}: more than MAX_REF_CHAIN \\(${MAX_REF_CHAIN}\\)`,
          'm',
        ),
      },
    ]),
  ];
  it.each(rows)(
    `%s: exit 2 within a ${CLI_HEAP_MB} MB heap, one line, no stack`,
    async (_n, { fixture, write, want }) => {
      const ws = await workspaceWith(fixture);
      if (write) {
        const [name, content] = write();
        await writeFile(path.join(ws.root, 'spec', name), content);
      }
      const before = await snapshotDir(path.join(ws.root, 'generated'));
      const result = await generateCli(ws.root);
      expect(result.killed).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(want);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(await snapshotDir(path.join(ws.root, 'generated'))).toEqual(before);
    },
    CLI_BOUND_MS + 10_000,
  );
});

describe('legitimate neighbours keep working', () => {
  it('a recursive schema (a tree of nodes) generates', async () => {
    const ws = await workspaceWith('recursive-schema');
    const result = await generate(ws.paths, true);
    expect(result.build?.counts.operations).toBe(1);
    const schema = await readFile(path.join(ws.root, 'generated', 'schema.ts'), 'utf8');
    expect(schema).toContain('children?: components["schemas"]["Node"][];');
  }, 60_000);

  it('a schema recursive through an array inside anyOf (a JSON value) generates', async () => {
    const ws = await workspaceWith();
    const json = {
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { $ref: '#/components/schemas/Json' } },
        { type: 'object', additionalProperties: { $ref: '#/components/schemas/Json' } },
      ],
    };
    await writeFile(
      path.join(ws.root, 'spec', 'json.json'),
      JSON.stringify(withSchemas({ Json: json }, 'Json')),
    );
    const result = await generate(ws.paths, true);
    expect(result.build?.counts.schemas).toBe(1);
  }, 60_000);

  it('a spec file that is a symlink inside the repository is followed, its operation kept', async () => {
    const ws = await workspaceWith();
    await mkdir(path.join(ws.root, 'pages'));
    await writeFile(path.join(ws.root, 'pages', 'x.json'), JSON.stringify(page()));
    await symlink(path.join(ws.root, 'pages', 'x.json'), path.join(ws.root, 'spec', 'x.json'));
    const result = await generate(ws.paths, true);
    expect(result.build?.counts.operations).toBe(1);
    const joined = JSON.parse(
      await readFile(path.join(ws.root, 'generated', 'openapi.json'), 'utf8'),
    );
    expect(Object.keys(joined.paths)).toEqual(['/x']);
  }, 60_000);

  const refused: [string, (root: string) => Promise<void>, RegExp][] = [
    [
      'a symlink leading outside the repository',
      async (root) => {
        const outside = await mkdtemp(path.join(tmpdir(), 'feather-outside-'));
        await writeFile(path.join(outside, 'x.json'), JSON.stringify(page()));
        await symlink(path.join(outside, 'x.json'), path.join(root, 'spec', 'x.json'));
      },
      /^spec\/x\.json: symlink leads outside the repository/,
    ],
    [
      'a symlink leading nowhere',
      (root) => symlink(path.join(root, 'gone.json'), path.join(root, 'spec', 'x.json')),
      /^spec\/x\.json: symlink leads nowhere/,
    ],
    [
      'a symlink to a directory',
      async (root) => {
        await mkdir(path.join(root, 'more'));
        await writeFile(path.join(root, 'more', 'x.json'), JSON.stringify(page()));
        await symlink(path.join(root, 'more'), path.join(root, 'spec', 'more'));
      },
      /^spec\/more: symlink to a directory/,
    ],
  ];
  it.each(refused)('%s is refused loudly, never skipped', async (_name, arrange, want) => {
    const ws = await workspaceWith();
    await arrange(ws.root);
    const before = await snapshotDir(path.join(ws.root, 'generated'));
    const error = await generateError(ws);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(want);
    expect(await snapshotDir(path.join(ws.root, 'generated'))).toEqual(before);
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['plain ASCII', [0x61, 0x62], -1],
    ['a two-byte character', [0xc3, 0xa9], -1],
    ['a four-byte character', [0xf0, 0x9f, 0x98, 0x80], -1],
    ['a Latin-1 byte', [0x61, 0xe9, 0x62], 1],
    ['a truncated sequence at the end', [0x61, 0xe2, 0x82], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('%s', (_name, bytes, want) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(want);
  });
});

describe('a spec edited while generate runs', () => {
  it('stamps the output with the hash of the very bytes it was built from', async () => {
    const ws = await workspaceWith();
    const file = path.join(ws.root, 'spec', 'x.json');
    const versions = ['1.0.0', '2.0.0'].map((version) =>
      JSON.stringify(page({ info: { title: 'Hostile fixture', version } })),
    );
    await writeFile(file, versions[0]!);
    // Flip the file between two whole versions (as an editor saves) for as long as generate runs.
    let flipping = true;
    const flipper = (async () => {
      for (let i = 1; flipping; i++) await writeFileAtomic(file, versions[i % 2]!);
    })();
    try {
      await generate(ws.paths, true);
    } finally {
      flipping = false;
      await flipper;
    }
    const out = path.join(ws.root, 'generated');
    const built = JSON.parse(await readFile(path.join(out, 'openapi.json'), 'utf8'));
    const source = versions.find((v) => JSON.parse(v).info.version === built.info.version)!;
    const stamp = JSON.parse(await readFile(path.join(out, STAMP_FILE), 'utf8'));
    const hashOfSource = await inputsHash(
      ws.root,
      ['spec/x.json'],
      'redocly.yaml',
      new Map([['spec/x.json', Buffer.from(source)]]),
    );
    expect(stamp.inputs).toBe(hashOfSource);
  }, 60_000);
});

describe('SIGKILL between the two renames of the swap', () => {
  it('the next run restores generated/ and removes what the dead run left', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'feather-swap-'));
    try {
      const dir = path.join(root, 'generated');
      await mkdir(dir);
      await writeFile(path.join(dir, 'a.ts'), 'old A');
      const paused = path.join(root, 'paused');
      // node itself with tsx's loader, so the process killed is our direct child and is reaped.
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import(${JSON.stringify(path.join(REPO_ROOT, 'scripts/lib/fs-atomic.ts'))}).then((m) => m.replaceDirectory(${JSON.stringify(dir)}, new Map([['a.ts', 'new A']])))`,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, FEATHER_TEST_PAUSE_BETWEEN_RENAMES: paused },
          stdio: 'ignore',
        },
      );
      const exited = once(child, 'exit');
      while (!existsSync(paused)) await new Promise((resolve) => setTimeout(resolve, 50));
      const pid = Number(await readFile(paused, 'utf8'));
      expect(pid).toBe(child.pid);
      child.kill('SIGKILL');
      await exited;
      // The dead run left generated/ absent, the old tree and the new staging beside it.
      expect(existsSync(dir)).toBe(false);
      const left = (await readdir(root)).sort();
      expect(left).toHaveLength(3);
      expect(left[0]).toMatch(new RegExp(`^generated\\.old-${pid}-[0-9a-f]{16}$`));
      expect(left[1]).toMatch(new RegExp(`^generated\\.tmp-${pid}-[0-9a-f]{16}$`));
      expect(left[2]).toBe('paused');

      const done = await recoverInterruptedSwap(dir);
      expect(done).toContain(`restored generated from ${left[0]}`);
      expect(await snapshotDir(dir)).toEqual({ 'a.ts': 'old A' });
      expect((await readdir(root)).sort()).toEqual(['generated', 'paused']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it("leaves a live run's leftovers alone", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'feather-swap-'));
    try {
      const dir = path.join(root, 'generated');
      await mkdir(`${dir}.old-${process.pid}`);
      expect(await recoverInterruptedSwap(dir)).toEqual([]);
      expect(await readdir(root)).toEqual([`generated.old-${process.pid}`]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('generate recovers before it runs', async () => {
    const ws = await workspaceWith();
    await writeFile(path.join(ws.root, 'spec', 'x.json'), JSON.stringify(page()));
    const out = path.join(ws.root, 'generated');
    // A process id that is certainly gone: a child that has exited.
    const child = spawn(process.execPath, ['-e', '0']);
    await once(child, 'exit');
    const dead = child.pid!;
    const { rename } = await import('node:fs/promises');
    await rename(out, `${out}.old-${dead}`);
    await mkdir(`${out}.tmp-${dead}`);
    await generate(ws.paths);
    expect(existsSync(path.join(out, 'openapi.json'))).toBe(true);
    expect(await listLeftovers(out)).toEqual([]);
  }, 60_000);

  it.each([
    ['its process is gone', { alive: false, ageMs: 0 }, true],
    ['its process runs and it is recent', { alive: true, ageMs: 1000 }, false],
    [
      'it is older than STALE_LEFTOVER_MS (a reused id)',
      { alive: true, ageMs: STALE_LEFTOVER_MS + 1 },
      true,
    ],
  ])("a leftover is a dead run's when %s", (_name, { alive, ageMs }, want) => {
    const now = 1_000_000_000;
    const leftover = {
      path: 'generated.old-1',
      kind: 'old' as const,
      pid: 1,
      mtimeMs: now - ageMs,
    };
    expect(isDeadRun(leftover, now, () => alive)).toBe(want);
  });
});

describe('drift --against a hostile URL', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as { port: number };
    return `http://127.0.0.1:${address.port}/openapi.json`;
  }

  it('stops reading a body that never ends once it passes the bound', async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const error = await fetchSpecText(url, { timeoutMs: 30_000, maxBytes: 1024 * 1024 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(
      /openapi\.json: the spec is larger than 1048576 bytes \(MAX_SPEC_BODY_BYTES\)/,
    );
    expect((error as DriftInputError).kind).toBe('http');
  });

  it('refuses a declared Content-Length over the bound before reading', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
      res.write('{');
    });
    await expect(fetchSpecText(url, { timeoutMs: 30_000, maxBytes: 1024 * 1024 })).rejects.toThrow(
      /larger than 1048576 bytes/,
    );
  });

  it('a redirect loop is named as one, not only "fetch failed"', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: '/openapi.json' });
      res.end();
    });
    await expect(fetchSpecText(url, { timeoutMs: 30_000 })).rejects.toThrow(
      /openapi\.json: the server redirected \(302\) too many times in a row \(a redirect loop\?\)/,
    );
  });
});
