import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../../../scripts/commands/generate.ts';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { buildGenerated } from '../../../scripts/pipeline/pipeline.ts';
import { checkGenerated } from '../../../scripts/commands/check.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import {
  FIXTURES,
  REPO_ROOT,
  expectedCounts,
  makeWorkspace,
  snapshotDir,
  type Workspace,
} from '../../helpers/workspace.ts';
import { parameterShardOf } from '../../../common/parameter-shard.ts';

const TIMEOUTS = '/v1/analytics/tools/reliability/timeout-analysis';

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.remove();
  workspace = undefined;
});

/** Runs generate on a fixture and returns the error it threw (failing the test if none). */
async function generateFails(fixture: string): Promise<{
  error: PipelineError;
  before: Record<string, string>;
  after: Record<string, string>;
}> {
  workspace = await makeWorkspace(path.join(FIXTURES, 'pipeline', fixture, 'spec'));
  const generatedDir = path.join(workspace.root, 'generated');
  const before = await snapshotDir(generatedDir);
  const error = await generate(workspace.paths, true).then(
    () => {
      throw new Error(`generate succeeded on fixture ${fixture}`);
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PipelineError);
  return { error: error as PipelineError, before, after: await snapshotDir(generatedDir) };
}

describe('generate: bad input gives a clear error, a non-zero exit code and an untouched generated/', () => {
  const cases: [string, { file: RegExp; message: RegExp; exitCode: number }][] = [
    ['invalid-yaml', { file: /spec\/broken\.yaml:12:\d+/, message: /invalid YAML/, exitCode: 2 }],
    [
      'broken-ref',
      {
        file: /spec\/things\.yaml:\d+:\d+ \(#\/paths\/~1v1~1things\/get\/responses\/200\/content\/application~1json\/schema\/\$ref\)/,
        message: /'#\/components\/schemas\/Thing' does not resolve/,
        exitCode: 2,
      },
    ],
    [
      'duplicate-operation-id',
      {
        file: /spec\/a\.yaml.* and spec\/b\.yaml/,
        message: /operationId 'getToolReliabilityTimeoutAnalysis' is used twice/,
        exitCode: 2,
      },
    ],
    [
      'duplicate-operation',
      {
        file: /spec\/a\.yaml.* and spec\/b\.yaml/,
        message:
          /operation GET \/v1\/analytics\/tools\/reliability\/timeout-analysis is defined in two documents/,
        exitCode: 2,
      },
    ],
    [
      'conflicting-component',
      {
        file: /spec\/getIntegrationDashboard\.yaml.*#\/components\/schemas\/ErrorResponse.* and spec\/getToolReliabilityTimeoutAnalysis\.yaml/,
        message: /component 'schemas\/ErrorResponse' is defined differently/,
        exitCode: 2,
      },
    ],
    [
      'swagger-2',
      {
        file: /spec\/legacy\.yaml/,
        message: /Swagger 2\.0 is not supported: convert the document to OpenAPI 3\.x/,
        exitCode: 2,
      },
    ],
    [
      'not-openapi-json',
      {
        file: /spec\/package\.json/,
        message: /not an OpenAPI 3\.x document \(no `openapi` field\)/,
        exitCode: 2,
      },
    ],
    ['empty-spec', { file: /spec\//, message: /no OpenAPI documents found/, exitCode: 2 }],
    [
      'lint-missing-success-schema',
      {
        file: /spec\/getToolReliabilityTimeoutAnalysis\.yaml:\d+:\d+/,
        message: /lint found 1 error.*\n.*rule\/success-response-has-schema/,
        exitCode: 1,
      },
    ],
  ];
  it.each(cases)('%s', async (fixture, want) => {
    const { error, before, after } = await generateFails(fixture);
    expect(error.message).toMatch(want.file);
    expect(error.message).toMatch(want.message);
    expect(error.exitCode).toBe(want.exitCode);
    expect(after).toEqual(before);
  });

  it('points a lint error at the line of the offending response in spec/', async () => {
    const { error } = await generateFails('lint-missing-success-schema');
    const line = Number(/getToolReliabilityTimeoutAnalysis\.yaml:(\d+):/.exec(error.message)?.[1]);
    const text = await readFile(
      path.join(
        FIXTURES,
        'pipeline',
        'lint-missing-success-schema',
        'spec',
        'getToolReliabilityTimeoutAnalysis.yaml',
      ),
      'utf8',
    );
    expect(text.split('\n')[line - 1]).toMatch(/application\/json:/);
  });

  it('reports every broken document of a run, not only the first', async () => {
    workspace = await makeWorkspace(path.join(FIXTURES, 'pipeline', 'swagger-2', 'spec'));
    await writeFile(path.join(workspace.root, 'spec', 'other.json'), '{ "openapi": ');
    const error = (await generate(workspace.paths, true).then(
      () => new Error('generate succeeded'),
      (thrown: unknown) => thrown,
    )) as Error;
    expect(error.message).toMatch(/spec\/legacy\.yaml.*Swagger 2\.0/);
    expect(error.message).toMatch(/spec\/other\.json:1:\d+: invalid JSON/);
  });
});

describe('generate: the real spec', () => {
  it('writes the same bytes as the committed generated/ (deterministic)', async () => {
    workspace = await makeWorkspace();
    const build = await buildGenerated(workspace.paths);
    const committed = await snapshotDir(path.join(REPO_ROOT, 'generated'));
    for (const [name, text] of build.files) expect(text, name).toBe(committed[name]);
    expect(build.counts).toEqual(await expectedCounts(workspace.root));
  });

  it('accepts nested folders and JSON documents, giving the same joined spec', async () => {
    const joined = async (specDir: string): Promise<string> => {
      workspace = await makeWorkspace(specDir);
      const build = await buildGenerated(workspace.paths);
      await workspace.remove();
      return build.files.get('openapi.json')!;
    };
    // The same two documents, flat and in YAML: the seed pages as spec/ first held them.
    const flat = await mkdtemp(path.join(tmpdir(), 'feather-flat-spec-'));
    for (const file of [
      'getIntegrationDashboard.yaml',
      'analytics/tools/getToolReliabilityTimeoutAnalysis.yaml',
    ])
      await cp(
        path.join(FIXTURES, 'pipeline', 'nested', 'spec', file),
        path.join(flat, path.basename(file)),
      );
    const reference = await joined(flat);
    await rm(flat, { recursive: true, force: true });
    expect(JSON.parse(reference).paths).not.toEqual({});
    expect(await joined(path.join(FIXTURES, 'pipeline', 'nested', 'spec'))).toBe(reference);
    expect(await joined(path.join(FIXTURES, 'pipeline', 'valid-json', 'spec'))).toBe(reference);
  });

  it('skips an unchanged re-run, and rebuilds but writes nothing after a change that does not alter the output', async () => {
    workspace = await makeWorkspace();
    const first = await generate(workspace.paths, true);
    expect(first.skipped).toBe(false);
    const second = await generate(workspace.paths);
    expect(second).toEqual({ skipped: true, changed: [] });

    const specFile = path.join(workspace.root, 'spec', 'getIntegrationDashboard.yaml');
    await writeFile(
      specFile,
      `# a comment changes the bytes, not the API\n${await readFile(specFile, 'utf8')}`,
    );
    const third = await generate(workspace.paths);
    expect(third.skipped).toBe(false);
    expect(third.changed).toEqual(['generated/.stamp.json']);
  });

  it('regenerates when a generated file was edited by hand', async () => {
    workspace = await makeWorkspace();
    await generate(workspace.paths, true);
    const aliases = path.join(workspace.root, 'generated', 'aliases.ts');
    const original = await readFile(aliases, 'utf8');
    await writeFile(aliases, `${original}export type Oops = 1;\n`);
    const result = await generate(workspace.paths);
    expect(result.changed).toEqual(['generated/aliases.ts']);
    expect(await readFile(aliases, 'utf8')).toBe(original);
  });
});

describe('check', () => {
  it('passes on a current tree', async () => {
    workspace = await makeWorkspace();
    await generate(workspace.paths, true);
    expect((await checkGenerated(workspace.paths)).stale).toEqual([]);
  });

  it('names the files a spec edit made stale', async () => {
    workspace = await makeWorkspace();
    await generate(workspace.paths, true);
    const specFile = path.join(workspace.root, 'spec', 'getToolReliabilityTimeoutAnalysis.yaml');
    const text = await readFile(specFile, 'utf8');
    await writeFile(specFile, text.replace('maximum: 100', 'maximum: 50'));
    const { stale } = await checkGenerated(workspace.paths);
    expect(stale).toEqual([
      'generated/.stamp.json',
      'generated/fingerprint.json',
      'generated/fingerprint.ts',
      'generated/functions.ts',
      'generated/openapi.json',
      // The edited rule's shard: the other 63 are as they were.
      `generated/parameter-shards/${String(parameterShardOf(`GET ${TIMEOUTS}`)).padStart(2, '0')}.ts`,
      'generated/parameters.ts',
    ]);
  });

  it('names a file that should not be in generated/', async () => {
    workspace = await makeWorkspace();
    await generate(workspace.paths, true);
    await writeFile(path.join(workspace.root, 'generated', 'notes.txt'), 'hand-written');
    expect((await checkGenerated(workspace.paths)).stale).toEqual(['generated/notes.txt']);
  });
});

describe('generate: the name lock', () => {
  it('refuses to drop a locked name whose target is gone, and drops it when asked by name', async () => {
    workspace = await makeWorkspace();
    const lockFile = path.join(workspace.root, 'generated', 'names.lock.json');
    const lock = JSON.parse(await readFile(lockFile, 'utf8'));
    lock.names.RetiredThing = 'schema:RetiredThing';
    await writeFile(lockFile, JSON.stringify(lock));
    const refused = await generate(workspace.paths).catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(PipelineError);
    expect((refused as PipelineError).exitCode).toBe(1);
    expect((refused as Error).message).toMatch(
      /generated\/names\.lock\.json: 1 published alias name.*\n {2}RetiredThing \(named schema:RetiredThing\)[\s\S]*--remove-name RetiredThing/,
    );
    expect((await checkGenerated(workspace.paths).catch((e: Error) => e)) as Error).toBeInstanceOf(
      PipelineError,
    );
    const removed = await generate(workspace.paths, false, { removeNames: ['RetiredThing'] });
    expect(removed.build?.warnings).toContain(
      'removed the published name RetiredThing (it named schema:RetiredThing, gone from spec/)',
    );
    expect(await readFile(lockFile, 'utf8')).toBe(
      await readFile(path.join(REPO_ROOT, 'generated', 'names.lock.json'), 'utf8'),
    );
  });
});

describe('parseGenerateArgs', () => {
  const table: [string[], unknown][] = [
    [[], { force: false, options: {} }],
    [['--', '--force'], { force: true, options: {} }],
    [
      ['--remove-name', 'A', '--remove-name=B'],
      { force: false, options: { removeNames: ['A', 'B'] } },
    ],
    [['--remove-gone-names'], { force: false, options: { removeNames: 'all-gone' } }],
  ];
  it.each(table)('%j', (argv, want) => expect(parseGenerateArgs(argv)).toEqual(want));

  it.each<[string[], RegExp]>([
    [['--remove-name'], /--remove-name <value>' argument missing[\s\S]*usage: npm run generate/],
    [['--frce'], /Unknown option '--frce'[\s\S]*usage: npm run generate/],
  ])('refuses %j with exit 2 and the usage', (argv, message) => {
    expect(() => parseGenerateArgs(argv)).toThrow(message);
    expect(() => parseGenerateArgs(argv)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
