/**
 * Drift on a hostile other side: every document it cannot read ends in a DriftInputError (exit 2)
 * that names the place, never a raw RangeError, and never an answer read through
 * Object.prototype. The pinned side is a one-operation spec/ in a temp directory.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_REF_CHAIN as PIPELINE_MAX_REF_CHAIN,
  MAX_SPEC_FILE_BYTES,
} from '../../scripts/lib/spec-limits.ts';
import { MAX_REF_CHAIN } from '../../src/drift/document.ts';
import { MAX_REPORTED_CHANGES } from '../../src/drift/compare.ts';
import { DriftInputError, SpecDriftError, checkSpecDrift } from '../../src/drift/index.ts';
import { runDrift } from '../helpers/drift-command.ts';
import { startLoopbackServer } from '../helpers/loopback-server.ts';
import { oneOperationDoc } from '../helpers/one-operation.ts';
import { FIXTURES } from '../helpers/workspace.ts';

type Dict = Record<string, unknown>;
const run = promisify(execFile);

/** One operation, GET /x, whose 200 body is `schema`, with `schemas` as components. */
function doc(schema: unknown, schemas?: Dict): Dict {
  return oneOperationDoc({
    title: 'Hostile drift',
    schema,
    ...(schemas ? { extra: { components: { schemas } } } : {}),
  });
}

/** `S0 -> S1 -> ... -> S<length>` where each is only a `$ref` to the next, the last a string. */
function refChain(length: number): Dict {
  const schemas: Dict = {};
  for (let i = 0; i < length; i++) schemas[`S${i}`] = { $ref: `#/components/schemas/S${i + 1}` };
  schemas[`S${length}`] = { type: 'string' };
  return doc({ $ref: '#/components/schemas/S0' }, schemas);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'feather-hostile-drift-'));
  await mkdir(path.join(root, 'spec'));
  await writeFile(path.join(root, 'spec', 'x.json'), JSON.stringify(doc({ type: 'string' })));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function driftAgainst(other: Dict): Promise<{ code: number; out: string; err: string }> {
  const file = path.join(root, 'other.json');
  await writeFile(file, JSON.stringify(other));
  return runDrift(root, ['--against', file]);
}

describe('drift reads $refs through own properties only, and names what it cannot read', () => {
  it("a $ref to #/components/schemas/constructor does not resolve (exit 2), it is not Object's", async () => {
    const result = await driftAgainst(doc({ $ref: '#/components/schemas/constructor' }, {}));
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      "other.json (#/paths/~1x/get/responses/200/content/application~1json/schema/$ref): $ref '#/components/schemas/constructor' does not resolve",
    );
  });

  it('a path item key __proto__ upstream is no operation: the report names no operation or exported name from it', async () => {
    const file = path.join(root, 'other.json');
    const phantom = {
      post: { operationId: 'phantomPost', responses: { '200': { description: 'ok' } } },
    };
    // As text: JSON.parse makes `__proto__` an own key, as a fetched spec does.
    const text = JSON.stringify(doc({ type: 'string' })).replace(
      '"/x":{',
      `"/x":{"__proto__":${JSON.stringify(phantom)},`,
    );
    await writeFile(file, text);
    const result = await runDrift(root, ['--against', file, '--format', 'json']);
    expect(result.out).not.toContain('phantom');
    expect(result).toMatchObject({ code: 0, err: '' });
  });

  it(`a chain of 66 $refs is named a chain longer than MAX_REF_CHAIN (${MAX_REF_CHAIN}), not a cycle`, async () => {
    const result = await driftAgainst(refChain(66));
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `a chain of more than ${MAX_REF_CHAIN} $refs (MAX_REF_CHAIN: #/components/schemas/S0 -> ... -> #/components/schemas/S${MAX_REF_CHAIN}) before a schema`,
    );
    expect(result.err).not.toContain('cycle');
  });

  it('a chain of exactly MAX_REF_CHAIN $refs is read: generate and drift accept the same', async () => {
    expect(MAX_REF_CHAIN).toBe(PIPELINE_MAX_REF_CHAIN);
    const result = await driftAgainst(refChain(MAX_REF_CHAIN - 1));
    expect(result.err).toBe('');
    // The same type through 32 $refs: only the names the new schemas would export differ.
    expect(result.out).toContain('0 breaking, 0 warnings, 1 info');
  });

  it('a circular chain of $refs is named as circular, with its links', async () => {
    const result = await driftAgainst(
      doc(
        { $ref: '#/components/schemas/A' },
        { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } },
      ),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'a circular chain of $refs (#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A) that never reaches a schema',
    );
  });

  it('R: { allOf: [{ $ref: R }] } ends in exit 2 naming the place, not a bare RangeError', async () => {
    const result = await driftAgainst(
      doc(
        { $ref: '#/components/schemas/R' },
        { R: { allOf: [{ $ref: '#/components/schemas/R' }] } },
      ),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'the schema at #/components/schemas/R is made of itself (through allOf, anyOf or oneOf, with no object or array between)',
    );
  });
});

/** ESC (an ANSI colour and a window title), BEL, CR, LF, NEL, CSI, U+2028 and U+202E (RLO). */
const HOSTILE = '\u001b[31m\u001b]0;pwned\u0007\r\n\u0085\u009b\u2028\u202e';
/** What a terminal or a rendered pull-request body must not receive raw from the other side. */
const RAW =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('control and bidi characters upstream reach the report escaped', () => {
  /** Upstream text the report quotes: a version, an enum value, a path, an operationId. */
  function hostileOther(): Dict {
    const other = doc({ type: 'string', enum: [`k${HOSTILE}`] });
    (other.info as Dict).version = `2${HOSTILE}`;
    (other.paths as Dict)[`/evil${HOSTILE}`] = {
      get: { operationId: `evil${HOSTILE}`, responses: { '200': { description: 'ok' } } },
    };
    return other;
  }

  for (const format of ['text', 'markdown']) {
    it(`--format ${format}: no raw control, line-break or bidi character, and no line forged`, async () => {
      const file = path.join(root, 'other.json');
      await writeFile(file, JSON.stringify(hostileOther()));
      const result = await runDrift(root, ['--against', file, '--format', format]);
      expect(result.code).toBe(1);
      expect(result.out).not.toMatch(RAW);
      // Each escaped where it stood: the version, the path and the operationId (a table cell
      // keeps to one line: its CR LF is a space).
      const lineBreak = format === 'text' ? '\\u000d\\u000a' : ' ';
      const escaped = `\\u001b[31m\\u001b]0;pwned\\u0007${lineBreak}\\u0085\\u009b\\u2028\\u202e`;
      expect(result.out).toContain(`2${escaped}`);
      expect(result.out).toContain(`/evil${escaped}`);
      expect(result.out).toContain(`evil${escaped}`);
      // The LF in the names starts no line of its own.
      expect(result.out.split('\n').filter((line) => line.startsWith('[31m'))).toEqual([]);
    });
  }

  it('--format markdown: upstream HTML, links and images show as text in the pull-request body', async () => {
    const other = doc({ type: 'string' });
    const html = '<img src="https://evil.test/p.png"><a href="https://evil.test">ok</a>';
    const link = '[Approve](https://evil.test/a)![x](https://evil.test/i.png)';
    (other.info as Dict).version = `2${html}`;
    (other.paths as Dict)[`/evil${html}${link}`] = {
      get: { operationId: 'evil', responses: { '200': { description: 'ok' } } },
    };
    const file = path.join(root, 'other.json');
    await writeFile(file, JSON.stringify(other));
    const result = await runDrift(root, ['--against', file, '--format', 'markdown']);
    expect(result.code).toBe(1);
    // Tags open with an entity and links are broken: rendered, they read as the text upstream sent.
    expect(result.out).not.toMatch(/<img|<a |[^\\]\]\(/);
    expect(result.out).toContain('2&lt;img src="https://evil.test/p.png">&lt;a href=');
    expect(result.out).toContain('[Approve\\](https://evil.test/a)![x\\](https://evil.test/i.png)');
  });

  it("checkSpecDrift's SpecDriftError quotes upstream text escaped", async () => {
    const pinned = doc({ type: 'string' });
    const moved = doc({ type: 'string' });
    const paths = moved.paths as Dict;
    paths[`/y${HOSTILE}`] = paths['/x'];
    delete paths['/x'];
    const server = await startLoopbackServer([{ status: 200, body: moved }]);
    try {
      const error = await checkSpecDrift({
        baseUrl: server.url,
        pinned,
        failOnBreaking: true,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpecDriftError);
      expect((error as Error).message).toContain('GET /x moved to GET /y\\u001b[31m');
      expect((error as Error).message).not.toMatch(RAW);
    } finally {
      await server.close();
    }
  });

  it("checkSpecDrift's DriftInputError quotes upstream text escaped", async () => {
    const served = doc({ $ref: `#/components/schemas/X${HOSTILE}` }, {});
    const server = await startLoopbackServer([{ status: 200, body: served }]);
    try {
      const error = await checkSpecDrift({
        baseUrl: server.url,
        pinned: doc({ type: 'string' }),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriftInputError);
      expect((error as Error).message).toContain('X\\u001b[31m');
      expect((error as Error).message).not.toMatch(RAW);
    } finally {
      await server.close();
    }
  });

  it('an error quoting upstream text (an unresolved $ref) reaches stderr escaped', async () => {
    const result = await driftAgainst(doc({ $ref: `#/components/schemas/X${HOSTILE}` }, {}));
    expect(result.code).toBe(2);
    expect(result.err).toContain('does not resolve');
    expect(result.err).not.toMatch(RAW);
    expect(result.err).toContain('X\\u001b[31m');
  });
});

describe('drift --against a local file reads a bounded amount of a regular file only', () => {
  it(`a file over MAX_SPEC_FILE_BYTES (${MAX_SPEC_FILE_BYTES}) is refused by size (exit 2), not read and parsed`, async () => {
    const file = path.join(root, 'huge.json');
    // Sparse: 16 MiB and a byte of zeros on disk costs nothing.
    await writeFile(file, '');
    await truncate(file, MAX_SPEC_FILE_BYTES + 1);
    const result = await runDrift(root, ['--against', file]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`over the limit of ${MAX_SPEC_FILE_BYTES} (MAX_SPEC_FILE_BYTES)`);
  });

  it('a FIFO (it would block the read forever) and /dev/zero (endless) are refused: not regular files', async () => {
    const fifo = path.join(root, 'spec.fifo');
    await run('mkfifo', [fifo]);
    for (const source of [fifo, '/dev/zero']) {
      const result = await runDrift(root, ['--against', source]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`${source}: not a regular file`);
    }
  });
});

describe('drift --against a local file that is not UTF-8', () => {
  it('is refused naming the file, line and byte (exit 2), not read with U+FFFD in its place', async () => {
    const file = path.join(root, 'latin1.yaml');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('openapi: 3.1.0\ninfo:\n  title: Caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n  version: 1.0.0\npaths: {}\n'),
      ]),
    );
    const result = await runDrift(root, ['--against', file]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `${file}:3:13: not UTF-8: byte 0xe9 at byte offset 33 is not valid UTF-8`,
    );
  });
});

describe('drift against a server whose spec is not UTF-8', () => {
  it('checkSpecDrift rejects with a DriftInputError naming the URL (no query) and the byte offset', async () => {
    const latin1 = createServer((_request, response) => {
      response.end(Buffer.from('{"openapi":"3.1.0","info":{"title":"Caf\xe9"}}', 'latin1'));
    });
    await new Promise<void>((resolve) => latin1.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = latin1.address() as { port: number };
      const error = await checkSpecDrift({
        baseUrl: `http://127.0.0.1:${port}`,
        path: '/openapi.json?token=tok_QUERYSECRET',
        pinned: doc({ type: 'object' }),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriftInputError);
      expect((error as Error).message).toBe(
        `http://127.0.0.1:${port}/openapi.json: the body is not UTF-8: the bytes at byte offset 39 are not valid UTF-8; is this the right URL?`,
      );
    } finally {
      await new Promise((resolve) => latin1.close(resolve));
    }
  });
});

describe('drift --against a YAML alias bomb', () => {
  it.each(['alias-bomb-extension', 'alias-bomb-example'])(
    '%s (9 levels of 9 aliases): exit 2 naming the file, as generate refuses it, before anything expands it',
    async (fixture) => {
      const result = await runDrift(root, [
        '--against',
        path.join(FIXTURES, 'hostile', fixture, 'spec', 'lol.yaml'),
      ]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`${fixture}/spec/lol.yaml`);
      expect(result.err).toMatch(/YAML aliases would copy more than/);
    },
  );
});

describe('checkSpecDrift on a schema 100,000 deep', () => {
  async function check(served: string, pinned: Dict = doc({ type: 'object' })): Promise<unknown> {
    const server = await startLoopbackServer([{ status: 200, body: served }]);
    try {
      return await checkSpecDrift({ baseUrl: server.url, pinned }).catch((e: unknown) => e);
    } finally {
      await server.close();
    }
  }

  it('nested inline: a DriftInputError naming the place, not a RangeError', async () => {
    const depth = 100_000;
    const text = JSON.stringify(doc({ 'x-deep': 0 })).replace(
      '"x-deep":0',
      `"type":"object","properties":${'{"a":{"type":"object","properties":'.repeat(depth)}{}${'}}'.repeat(depth)}`,
    );
    const error = await check(text);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(
      /\/openapi\.json \(#\/paths\/~1x\/get\/responses\/200\/content\/application~1json\/schema\/\.\.\.\): nested more than 128 levels deep \(MAX_DOCUMENT_DEPTH\)/,
    );
  });

  it(`a $ref bomb (8 levels of 8 properties, each a $ref to the next level: 16,777,216 paths to a changed leaf) ends at MAX_REPORTED_CHANGES (${MAX_REPORTED_CHANGES}), not in gigabytes of changes`, async () => {
    const bomb = (leaf: string): Dict => {
      const schemas: Dict = {};
      for (let level = 0; level < 8; level++)
        schemas[`S${level}`] = {
          type: 'object',
          properties: Object.fromEntries(
            Array.from({ length: 8 }, (_, i) => [
              `p${i}`,
              { $ref: `#/components/schemas/S${level + 1}` },
            ]),
          ),
        };
      schemas.S8 = { type: leaf };
      return doc({ $ref: '#/components/schemas/S0' }, schemas);
    };
    const error = await check(JSON.stringify(bomb('integer')), bomb('string'));
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `openapi\\.json: the comparison found more than ${MAX_REPORTED_CHANGES} changes \\(MAX_REPORTED_CHANGES\\)`,
      ),
    );
  });

  it('100,000 schemas, each a property of the one before: a DriftInputError naming the place', async () => {
    const chain = (last: string): Dict => {
      const schemas: Dict = {};
      for (let i = 0; i < 100_000; i++)
        schemas[`S${i}`] = {
          type: 'object',
          properties: { a: { $ref: `#/components/schemas/S${i + 1}` } },
        };
      schemas.S100000 = { type: last };
      return doc({ $ref: '#/components/schemas/S0' }, schemas);
    };
    const error = await check(JSON.stringify(chain('integer')), chain('string'));
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(
      /\(#\/components\/schemas\/S\d+\/properties\/a\): schemas nest more than 512 pointer segments deep through \$refs \(MAX_COMPARE_SEGMENTS\), from #\/paths\/~1x\/get\/responses\/200\/content\/\.\.\./,
    );
  }, 60_000);
});
