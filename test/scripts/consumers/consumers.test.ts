/**
 * The parts of `drift --consumers` and `bump` that need no whole API: finding the workspace and
 * its dependents on disk, tying type errors to causes, the bump and the changelog text, and the
 * flags' errors. test/scripts/consumers/drift-consumers.test.ts runs it all on a real workspace
 * over 1.21.0 pages.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpCommand } from '../../../scripts/commands/bump.ts';
import { attributeSites } from '../../../scripts/consumers/attribute.ts';
import type { BreakSite } from '../../../scripts/consumers/typecheck.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import { findDependents, findWorkspaceRoot } from '../../../scripts/consumers/workspace.ts';
import { changesetFile, prependChangelog } from '../../../scripts/release/changelog.ts';
import { bumpOf, bumpVersion } from '../../../scripts/release/version-bump.ts';
import type { DriftCause } from '../../../src/drift/index.ts';
import { runDrift } from '../../helpers/drift-command.ts';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.ts';

const cause = (over: Partial<DriftCause> & Pick<DriftCause, 'id' | 'at'>): DriftCause => ({
  key: `${over.id} ${over.at}`,
  level: over.breaking ? 'breaking' : 'info',
  breaking: false,
  message: `${over.id} at ${over.at}`,
  operations: [],
  changes: 1,
  ...over,
});

const REMOVED = cause({
  id: 'operation-removed',
  at: '{operation}',
  breaking: true,
  operations: ['GET /v1/agents/{agent_id}'],
  message: 'GET /v1/agents/{agent_id} is gone',
  successor: 'GET /v1/assistants/{agent_id} (getAssistant)',
});
const PLAN_REMOVED = cause({
  id: 'response-property-removed',
  at: '#/paths/~1v1~1identity~1org/get/responses/200/content/application~1json/schema/properties/plan',
  breaking: true,
  operations: ['GET /v1/identity/org'],
  message: 'response 200 (application/json).plan removed',
});
const NAME_ADDED = cause({ id: 'exported-name-added', at: 'generated/aliases.ts#Org' });
const NAME_REMOVED = cause({
  id: 'exported-name-removed',
  at: 'generated/aliases.ts#Agent',
  breaking: true,
  message: 'exported type Agent (Agent) would be removed by a regeneration',
});
const UPSTREAM_ONLY = cause({ id: 'operation-added', at: '{operation}' });
const WARNING = cause({ id: 'response-became-nullable', at: '#/x', level: 'warning' });

const site = (over: Partial<BreakSite>): BreakSite => ({
  file: '/ws/packages/app/src/a.ts',
  line: 10,
  column: 5,
  code: 'TS2339',
  message: 'error',
  ...over,
});
const relative = (file: string): string => path.relative('/ws', file);

describe('attributeSites: each place that stops compiling, tied to its cause', () => {
  const causes = [REMOVED, PLAN_REMOVED, NAME_REMOVED, NAME_ADDED];
  it.each([
    [
      'a call of a removed operation: the removal and its successor',
      site({ operation: 'GET /v1/agents/{agent_id}', call: { line: 10, column: 30 } }),
      'GET /v1/agents/{agent_id}: removed upstream; probable successor GET /v1/assistants/{agent_id} (getAssistant)',
      [REMOVED.key],
    ],
    [
      'a read of a removed response property: that property',
      site({ operation: 'GET /v1/identity/org', property: 'plan' }),
      'GET /v1/identity/org: response 200 (application/json).plan removed',
      [PLAN_REMOVED.key],
    ],
    [
      'an import of a removed exported name: that name',
      site({ importedName: 'Agent', code: 'TS2305' }),
      'import Agent: exported type Agent (Agent) would be removed by a regeneration',
      [NAME_REMOVED.key],
    ],
    [
      'an error in no client call: said, with no cause',
      site({ message: "Cannot find name 'x'." }),
      "Cannot find name 'x'. (no client call found for it)",
      [],
    ],
  ])('%s', (_name, given, summary, keys) => {
    const [only, ...rest] = attributeSites([given], causes, relative);
    expect(rest).toEqual([]);
    expect(only!.summary).toBe(summary);
    expect(only!.causes).toEqual(keys);
    expect(only!.file).toBe('packages/app/src/a.ts');
  });

  it('puts every error a removed operation causes at its call, once', () => {
    const call = { line: 10, column: 30 };
    const op = 'GET /v1/agents/{agent_id}';
    const breaks = attributeSites(
      [
        site({ operation: op, call, line: 10, column: 30, code: 'TS2345', message: 'a' }),
        site({ operation: op, call, line: 12, column: 9, code: 'TS2339', message: 'b' }),
      ],
      causes,
      relative,
    );
    expect(breaks.map((b) => [b.line, b.column, b.errors])).toEqual([
      [10, 30, ['TS2345 a', 'TS2339 b']],
    ]);
  });
});

describe('bumpOf and bumpVersion: the version a regeneration calls for', () => {
  it.each([
    ['a breaking cause', [REMOVED, NAME_ADDED], 'major'],
    ['an exported name removed', [NAME_REMOVED], 'major'],
    ['only additions', [NAME_ADDED, WARNING], 'minor'],
    ['a warning alone', [WARNING], 'patch'],
    ['only operations upstream that we do not pin', [UPSTREAM_ONLY], 'none'],
    ['nothing', [], 'none'],
  ] as const)('%s: %s', (_name, causes, bump) => {
    expect(bumpOf(causes)).toBe(bump);
  });

  it.each([
    ['0.1.0', 'major', '1.0.0'],
    ['1.2.3', 'minor', '1.3.0'],
    ['1.2.3', 'patch', '1.2.4'],
    ['2.0.0-beta.1', 'patch', '2.0.1'],
  ] as const)('%s + %s -> %s', (version, bump, next) => {
    expect(bumpVersion(version, bump)).toBe(next);
  });

  it('refuses a version that is not MAJOR.MINOR.PATCH', () => {
    expect(() => bumpVersion('latest', 'patch')).toThrow(
      'version "latest" is not MAJOR.MINOR.PATCH',
    );
  });
});

describe('the changelog and the changeset', () => {
  it.each([
    ['no file yet', undefined, '# Changelog\n\n## 1.0.0\n\nbody\n'],
    [
      'below the title',
      '# Changelog\n\n## 0.1.0\n\nold\n',
      '# Changelog\n\n## 1.0.0\n\nbody\n\n## 0.1.0\n\nold\n',
    ],
    ['no title: first', '## 0.1.0\n\nold\n', '## 1.0.0\n\nbody\n\n## 0.1.0\n\nold\n'],
  ])('prepends the entry: %s', (_name, existing, want) => {
    expect(prependChangelog(existing, '1.0.0', 'body\n')).toBe(want);
  });

  it('writes the package and its bump in a changeset front matter', () => {
    expect(changesetFile('@featherhq/api-client', 'minor', 'body\n')).toBe(
      '---\n"@featherhq/api-client": minor\n---\n\nbody\n',
    );
  });
});

describe('findDependents: the workspace around the package and who depends on it', () => {
  let root: string;
  const manifest = (name: string, deps: Record<string, string> = {}) =>
    JSON.stringify({ name, devDependencies: deps });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-find-dependents-'));
    for (const [dir, text] of [
      ['packages/api-client', manifest('@featherhq/api-client')],
      ['packages/app', manifest('app', { '@featherhq/api-client': '*' })],
      ['packages/other', manifest('other')],
      ['apps/web/site', manifest('site', { '@featherhq/api-client': 'workspace:*' })],
      ['apps/web/skipped', manifest('skipped', { '@featherhq/api-client': '*' })],
    ] as const) {
      await mkdir(path.join(root, dir), { recursive: true });
      await writeFile(path.join(root, dir, 'package.json'), text);
    }
    await writeFile(path.join(root, 'packages', 'app', 'tsconfig.json'), '{}');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads package.json workspaces (with ** and !) and lists dependents with their tsconfig', async () => {
    await writeFile(
      path.join(root, 'package.json'),
      JSON.stringify({ workspaces: ['packages/*', 'apps/**', '!apps/web/skipped'] }),
    );
    const found = await findDependents(
      path.join(root, 'packages', 'api-client'),
      '@featherhq/api-client',
    );
    expect(found?.root).toBe(root);
    expect(
      found?.dependents.map((d) => [path.relative(root, d.dir), d.name, d.tsconfig !== undefined]),
    ).toEqual([
      ['apps/web/site', 'site', false],
      ['packages/app', 'app', true],
    ]);
  });

  it('reads pnpm-workspace.yaml, and finds no workspace that does not list the package', async () => {
    await writeFile(path.join(root, 'package.json'), '{}');
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'apps/**'\n");
    expect(await findWorkspaceRoot(path.join(root, 'packages', 'api-client'))).toBeUndefined();
    await writeFile(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n");
    expect(await findWorkspaceRoot(path.join(root, 'packages', 'api-client'))).toBe(root);
    await rm(path.join(root, 'pnpm-workspace.yaml'));
  });
});

describe('drift --consumers and bump: their errors', () => {
  let tree: Workspace;
  beforeAll(async () => {
    tree = await makeWorkspace();
    await writeFile(
      path.join(tree.root, 'package.json'),
      '{ "name": "lone", "version": "0.1.0" }\n',
    );
  });
  afterAll(() => tree?.remove());
  const against = ['--against', 'generated/openapi.json'];

  it.each([
    [['--consumers'], 'is in no workspace'],
    [['--fail-on', 'consumers'], 'is in no workspace'],
    [['--consumers', '--no-consumers'], '--consumers and --no-consumers cannot both be given'],
    [['--fail-on', 'consumers', '--no-consumers'], '--fail-on consumers needs the workspace check'],
  ])('drift %j exits 2: %s', async (flags, message) => {
    const ran = await runDrift(tree.root, [...against, ...flags]);
    expect(ran.code).toBe(2);
    expect(ran.err).toContain(message);
  });

  it('outside a workspace, drift checks no consumers unless asked and adds no section', async () => {
    const ran = await runDrift(tree.root, [...against, '--format', 'markdown']);
    expect(ran.code).toBe(0);
    expect(ran.out.startsWith('## API drift report')).toBe(true);
  });

  it('bump names the report file when it is not a drift report, and changes nothing', async () => {
    const report = path.join(tree.root, 'not-a-report.json');
    await writeFile(report, '{"changes": []}');
    const before = await readFile(path.join(tree.root, 'package.json'), 'utf8');
    await expect(
      bumpCommand(['--report', report], { root: tree.root, out: () => {} }),
    ).rejects.toThrow('not a drift report');
    expect(await readFile(path.join(tree.root, 'package.json'), 'utf8')).toBe(before);
  });

  it('bump writes a hostile report text (line breaks, bidi, ESC) escaped on one line', async () => {
    const report = path.join(tree.root, 'hostile-report.json');
    const hostile = cause({
      ...REMOVED,
      message: 'operation removed\n\n## 99.0.0\n\n- all is fine \u202e\u001b[2J',
    });
    const versions = { base: '1.0.0', revision: '2.0.0\n## 98.0.0\u202e' };
    await writeFile(
      report,
      JSON.stringify({ changes: [], causes: [hostile], summary: { versions } }),
    );
    let out = '';
    expect(
      await bumpCommand(['--report', report, '--dry-run'], {
        root: tree.root,
        out: (t) => (out += t),
      }),
    ).toBe(0);
    expect(out).toContain('operation removed\\u000a');
    expect(out).not.toMatch(/[\u202e\u001b]/);
    expect(out).not.toMatch(/^## 9/m);
  });

  /** bump with `report`, which must fail with exit 2 naming it, leaving every file as it was. */
  async function expectRefused(report: string, message: string): Promise<void> {
    const files = ['package.json', 'CHANGELOG.md'].map((name) => path.join(tree.root, name));
    await writeFile(files[1]!, '# Changelog\n\n## 0.1.0\n\nFirst.\n');
    const before = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    const error = await bumpCommand(['--report', report], { root: tree.root, out: () => {} }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`${report}:`);
    expect((error as Error).message).toContain(message);
    expect(await Promise.all(files.map((file) => readFile(file, 'utf8')))).toEqual(before);
    expect(existsSync(path.join(tree.root, '.changeset'))).toBe(false);
  }

  it('bump refuses a report that is a FIFO or a device, before reading it', async () => {
    const fifo = path.join(tree.root, 'report.fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    try {
      await expectRefused(fifo, 'not a regular file (a FIFO, socket or device)');
    } finally {
      // On a build that opened the FIFO, its open waits for a writer: give it one, then EOF.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader: nothing waits on it
      }
      await rm(fifo);
    }
    if (existsSync('/dev/zero')) await expectRefused('/dev/zero', 'not a regular file');
  }, 20_000);

  const versions = { base: '1.0.0', revision: '2.0.0' };
  const removed = { ...REMOVED, operations: ['GET /v1/agents/{agent_id}'] };
  it.each([
    [
      'a cause whose message is not a string',
      { changes: [], causes: [removed, { ...removed, message: 42 }], summary: { versions } },
      'causes[1].message: expected a string',
    ],
    ['no changes list', { causes: [removed], summary: { versions } }, 'changes: expected a list'],
    [
      'operations that are not a list',
      { changes: [], causes: [{ ...removed, operations: 'GET /v1/x' }], summary: { versions } },
      'causes[0].operations: expected a list',
    ],
    [
      'a revision that is not a string',
      { changes: [], causes: [removed], summary: { versions: { base: '1', revision: 2 } } },
      'summary.versions.revision: expected a string',
    ],
    [
      'a consumers break whose line is not a number',
      {
        changes: [],
        causes: [removed],
        summary: { versions },
        consumers: {
          dependents: [{ breaks: [{ file: 'a.ts', line: '6', column: 1, summary: 'x' }] }],
        },
      },
      'consumers.dependents[0].breaks[0].line: expected a number',
    ],
    ['a JSON list, not an object', [removed], 'the report: expected an object'],
    ['JSON null', null, 'the report: expected an object'],
  ])('bump refuses a report with %s, naming the place', async (_name, report, message) => {
    const file = path.join(tree.root, 'malformed.json');
    await writeFile(file, JSON.stringify(report));
    await expectRefused(file, message);
  });

  it('bump refuses a report that is not UTF-8, naming the byte', async () => {
    const file = path.join(tree.root, 'latin1.json');
    const text = JSON.stringify({ changes: [], causes: [removed], summary: { versions } });
    await writeFile(file, Buffer.from(text.replace('is gone', 'est parti \u00e9'), 'latin1'));
    await expectRefused(file, 'not UTF-8: byte 0xe9');
  });

  it.each([
    ['CHANGELOG.md', 'fifo', 'CHANGELOG.md: not a regular file (a FIFO, socket or device)'],
    ['package-lock.json', 'fifo', 'package-lock.json: not a regular file'],
    ['package-lock.json', '{"packages": ', 'package-lock.json: not JSON'],
    ['package.json', '{"name": "lone", "version": ', 'package.json: not JSON'],
    ['package.json', '{"name": "lone", "version": 1}', 'package.json: expected a JSON object'],
    ['package.json', '{"name": "lone", "version": "next"}', 'package.json: version "next"'],
  ])(
    'bump refuses a %s that is %j (exit 2, naming it), writing nothing',
    async (name, content, message) => {
      const pkg = await mkdtemp(path.join(tmpdir(), 'feather-bump-'));
      const fifo = path.join(pkg, name);
      try {
        await writeFile(path.join(pkg, 'package.json'), '{ "name": "lone", "version": "0.1.0" }\n');
        if (content === 'fifo') await promisify(execFile)('mkfifo', [fifo]);
        else await writeFile(path.join(pkg, name), content);
        const report = path.join(pkg, 'drift.json');
        await writeFile(
          report,
          JSON.stringify({ changes: [], causes: [removed], summary: { versions } }),
        );
        const before = await readFile(path.join(pkg, 'package.json'), 'utf8');
        const error = await bumpCommand(['--report', report], { root: pkg, out: () => {} }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(PipelineError);
        expect((error as PipelineError).exitCode).toBe(2);
        expect((error as Error).message).toContain(path.join(pkg, message));
        expect(await readFile(path.join(pkg, 'package.json'), 'utf8')).toBe(before);
        if (name !== 'CHANGELOG.md') expect(existsSync(path.join(pkg, 'CHANGELOG.md'))).toBe(false);
      } finally {
        if (content === 'fifo')
          try {
            closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
          } catch {
            // no reader: nothing waits on it
          }
        await rm(pkg, { recursive: true, force: true });
      }
    },
    20_000,
  );

  it.each(['package.json', 'pnpm-workspace.yaml'])(
    'bump refuses a workspace %s above the package that is a FIFO (exit 2, naming it)',
    async (name) => {
      const workspace = await mkdtemp(path.join(tmpdir(), 'feather-bump-ws-'));
      const pkg = path.join(workspace, 'pkg');
      const fifo = path.join(workspace, name);
      try {
        await mkdir(pkg);
        await writeFile(path.join(pkg, 'package.json'), '{ "name": "lone", "version": "0.1.0" }\n');
        await promisify(execFile)('mkfifo', [fifo]);
        const report = path.join(pkg, 'drift.json');
        await writeFile(
          report,
          JSON.stringify({ changes: [], causes: [removed], summary: { versions } }),
        );
        const error = await bumpCommand(['--report', report], { root: pkg, out: () => {} }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(PipelineError);
        expect((error as PipelineError).exitCode).toBe(2);
        expect((error as Error).message).toContain(`${fifo}: not a regular file`);
        expect(existsSync(path.join(pkg, 'CHANGELOG.md'))).toBe(false);
      } finally {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // no reader: nothing waits on it
        }
        await rm(workspace, { recursive: true, force: true });
      }
    },
    20_000,
  );

  it('bump keeps the version when nothing the client pins changed', async () => {
    const report = path.join(tree.root, 'report.json');
    await writeFile(
      report,
      JSON.stringify({ changes: [], causes: [UPSTREAM_ONLY], summary: { versions: {} } }),
    );
    let out = '';
    expect(
      await bumpCommand(['--report', report], { root: tree.root, out: (t) => (out += t) }),
    ).toBe(0);
    expect(out).toBe('bump: no change the client pins; lone stays 0.1.0\n');
  });
});
