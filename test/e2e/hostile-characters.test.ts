/**
 * Control, line-separator and bidirectional characters in spec text ("Trojan Source") never reach
 * generated/ raw: generate from a temp spec that puts them in every kind of text, then scan every
 * output file. The values stay the same (escapes in strings and JSON mean the same characters).
 */
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGenerated, type BuildResult } from '../../scripts/pipeline/pipeline.ts';
import { FIXTURES } from '../helpers/workspace.ts';

/** NUL, BEL, ESC, CR, DEL, NEL, CSI, U+200B, U+200E, U+2028, U+2029, U+202E, U+2066, U+FEFF. */
const HOSTILE = '\u0000\u0007\u001b\r\u007f\u0085\u009b\u200b\u200e\u2028\u2029\u202e\u2066\ufeff';
/** What a scan of generated/ must not find: every character above, and the rest of their kind. */
const RAW =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** Text as a Trojan Source attack writes it: a comment that an editor shows reordered. */
const text = (where: string): string => `${where} ${HOSTILE} /* } if (isAdmin) { */ end`;

function hostileSpec(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: text('info title'), description: text('info'), version: '1.0.0' },
    servers: [{ url: 'https://api.example.test' }],
    security: [],
    tags: [{ name: 'things', description: text('tag') }],
    paths: {
      '/things/{thing_id}': {
        get: {
          tags: ['things'],
          summary: text('summary'),
          description: text('operation'),
          operationId: 'getThing',
          parameters: [
            {
              name: 'thing_id',
              in: 'path',
              required: true,
              description: text('parameter'),
              schema: { type: 'string', title: text('parameter title') },
            },
          ],
          responses: {
            '200': {
              description: text('response'),
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Thing' } },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: 'object',
          title: text('schema title'),
          description: text('schema'),
          required: ['kind'],
          properties: {
            kind: { type: 'string', enum: [`a${HOSTILE}b`, 'plain'], description: text('enum') },
            [`odd${HOSTILE}name`]: { type: 'string', description: text('property') },
          },
        },
      },
    },
  };
}

describe('generate escapes control, separator and bidi characters in every file it writes', () => {
  let root: string;
  let build: BuildResult;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-hostile-characters-'));
    await mkdir(path.join(root, 'spec'));
    await writeFile(path.join(root, 'spec', 'thing.json'), JSON.stringify(hostileSpec()));
    // The inert fixture's lint config lets odd names through, so the generator itself is tested.
    await cp(
      path.join(FIXTURES, 'hostile', 'inert', 'redocly.yaml'),
      path.join(root, 'redocly.yaml'),
    );
    build = await buildGenerated({
      root,
      specDir: 'spec',
      outDir: 'generated',
      configFile: 'redocly.yaml',
    });
  }, 60_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('no generated file holds one raw', () => {
    const found = [...build.files].flatMap(([name, content]) =>
      content.split('\n').flatMap((line, index) => {
        const match = RAW.exec(line);
        return match
          ? [`${name}:${index + 1}: U+${match[0].charCodeAt(0).toString(16).padStart(4, '0')}`]
          : [];
      }),
    );
    expect(build.files.size).toBeGreaterThan(5);
    expect(found).toEqual([]);
  });

  it('the escaped text still says the same: openapi.json parses to the very strings', () => {
    const joined = JSON.parse(build.files.get('openapi.json')!);
    expect(joined.info.description).toBe(text('info'));
    expect(Object.keys(joined.components.schemas.Thing.properties)).toContain(`odd${HOSTILE}name`);
  });

  it('the TypeScript modules parse, and the enum value is the same string', () => {
    for (const [name, content] of build.files) {
      if (!name.endsWith('.ts')) continue;
      const file = ts.createSourceFile(name, content, ts.ScriptTarget.ES2022, true);
      const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] })
        .parseDiagnostics;
      expect(diagnostics.map((d) => `${name}: ${String(d.messageText)}`)).toEqual([]);
    }
    const schema = build.files.get('schema.ts')!;
    const literal = /kind: "a([^"]*)b" \| "plain"/.exec(schema);
    expect(literal).not.toBeNull();
    expect(JSON.parse(`"${literal![1]}"`)).toBe(HOSTILE);
  });
});
