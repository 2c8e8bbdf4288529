/**
 * `drift --consumers` in a real npm workspace layout: the package as packages/api-client, its
 * spec/ the seed pages (test/helpers/seed.ts, not the checkout's spec/) plus three pages of 1.21.0 (cut from ../shared/feather-api at test time,
 * never committed) and generated from them; packages/app calls the three operations: one removed
 * in 1.87.0, one whose response property the app reads is removed, one unchanged; packages/web
 * calls only the unchanged one. Against 1.87.0 the report must name exactly the app's two broken
 * places, with their causes. The workspace's node_modules is this repository's (linked: the
 * check resolves the package itself to each copy's sources).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpCommand } from '../../../scripts/commands/bump.ts';
import { generate } from '../../../scripts/pipeline/generate.ts';
import type { ConsumersReport } from '../../../scripts/consumers/check.ts';
import { splitDocument } from '../../../scripts/lib/split-document.ts';
import { runDrift } from '../../helpers/drift-command.ts';
import { wholeApiFile, wholeApiMissing } from '../../helpers/feather-api.ts';
import { seedTree } from '../../helpers/seed.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const missing = wholeApiMissing();
const PACKAGE_NAME = '@featherhq/api-client';
/** The three operations the app calls, as 1.21.0 has them. */
const REMOVED = 'GET /v1/agents/{agent_id}';
const PROPERTY_REMOVED = 'GET /v1/identity/org';
const UNCHANGED = 'GET /v1/identity/org/bridge-numbers';
/** Not sources: left out of the copy. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp', 'docs']);

const APP_CALLS = `import { createFeatherClient } from '${PACKAGE_NAME}';

const feather = createFeatherClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });

export async function agent(id: string) {
  const { data } = await feather.GET('/v1/agents/{agent_id}', {
    params: { path: { agent_id: id } },
  });
  return data;
}

export async function plan(): Promise<unknown> {
  const { data: org } = await feather.GET('/v1/identity/org');
  return org?.plan;
}

export async function bridgeNumbers() {
  const { data } = await feather.GET('/v1/identity/org/bridge-numbers');
  return data;
}
`;
const WEB_CALLS = `import { createFeatherClient } from '${PACKAGE_NAME}';

const feather = createFeatherClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });

export async function bridgeNumbers() {
  const { data } = await feather.GET('/v1/identity/org/bridge-numbers');
  return data;
}
`;
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    types: [],
    noEmit: true,
  },
  include: ['src'],
};

/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((line) => line.includes(needle)) + 1;

async function member(dir: string, name: string, calls: string, dependsOnPackage = true) {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  const manifest = {
    name,
    private: true,
    type: 'module',
    dependencies: dependsOnPackage ? { [PACKAGE_NAME]: '*' } : {},
  };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  await writeFile(path.join(dir, 'src', 'calls.ts'), calls);
}

describe.skipIf(missing)(
  `drift --consumers in a workspace, 1.21.0 pages pinned -> 1.87.0${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let root: string;
    let pkg: string;
    let json: { code: number; out: string; err: string };
    let consumers: ConsumersReport;
    let markdown: string;
    let seconds: number;

    beforeAll(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'feather-consumers-workspace-'));
      pkg = path.join(root, 'packages', 'api-client');
      await cp(REPO_ROOT, pkg, {
        recursive: true,
        filter: (source) =>
          !NOT_COPIED.has(path.relative(REPO_ROOT, source).split(path.sep)[0] ?? '') &&
          !source.endsWith('.tgz'),
      });
      // The seed package, whatever the checkout's spec/ holds (a user may have grown it).
      const seed = await seedTree();
      for (const dir of ['spec', 'generated'] as const) {
        await rm(path.join(pkg, dir), { recursive: true, force: true });
        await cp(path.join(seed.root, dir), path.join(pkg, dir), { recursive: true });
      }
      const whole = JSON.parse(await readFile(wholeApiFile('1.21.0'), 'utf8')) as Record<
        string,
        unknown
      >;
      const wanted = new Set([REMOVED, PROPERTY_REMOVED, UNCHANGED]);
      for (const page of splitDocument(whole))
        if (wanted.has(`${page.method.toUpperCase()} ${page.path}`))
          await writeFile(
            path.join(pkg, 'spec', `${page.operationId}.json`),
            `${JSON.stringify(page.doc, null, 2)}\n`,
          );
      await generate({
        root: pkg,
        specDir: 'spec',
        outDir: 'generated',
        configFile: 'redocly.yaml',
      });
      await member(path.join(root, 'packages', 'app'), 'feather-app', APP_CALLS);
      await member(path.join(root, 'packages', 'web'), 'feather-web', WEB_CALLS);
      await member(path.join(root, 'packages', 'docs'), 'feather-docs', 'export {};\n', false);
      const rootManifest = { name: 'feather-workspace', private: true, workspaces: ['packages/*'] };
      await writeFile(path.join(root, 'package.json'), `${JSON.stringify(rootManifest)}\n`);
      await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');

      const started = performance.now();
      json = await runDrift(pkg, ['--against', wholeApiFile('1.87.0'), '--format', 'json']);
      seconds = (performance.now() - started) / 1000;
      consumers = (JSON.parse(json.out) as { consumers: ConsumersReport }).consumers;
      markdown = (
        await runDrift(pkg, ['--against', wholeApiFile('1.87.0'), '--format', 'markdown'])
      ).out;
      console.log(
        `drift --consumers (json): ${seconds.toFixed(1)} s\n${markdown.split('\n## API drift report')[0]}`,
      );
    }, 600_000);

    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('checks, by default inside a workspace, each member that depends on the package', () => {
      expect(json.err).toBe('');
      expect(consumers.dependents.map((d) => [d.dir, d.checked])).toEqual([
        ['packages/app', true],
        ['packages/web', true],
      ]);
    });

    it('names exactly the two broken places of the app, with their causes, and nothing else', () => {
      const [app, web] = consumers.dependents;
      expect(web!.breaks).toEqual([]);
      expect(app!.breaks.map((b) => [b.file, b.line, b.operation])).toEqual([
        ['packages/app/src/calls.ts', lineOf(APP_CALLS, "'/v1/agents/{agent_id}'"), REMOVED],
        ['packages/app/src/calls.ts', lineOf(APP_CALLS, 'org?.plan'), PROPERTY_REMOVED],
      ]);
      const [removed, property] = app!.breaks;
      expect(removed!.summary).toBe(
        `${REMOVED}: removed upstream; probable successor GET /v1/assistants/{agent_id} (getAssistant)`,
      );
      expect(property!.summary).toBe(
        `${PROPERTY_REMOVED}: response 200 (application/json).plan removed`,
      );
      const report = JSON.parse(json.out) as { causes: { key: string; id: string }[] };
      const idOf = (key: string) => report.causes.find((c) => c.key === key)?.id;
      expect(removed!.causes.map(idOf)).toEqual(['operation-removed']);
      expect(property!.causes.map(idOf)).toEqual(['response-property-removed']);
    });

    it('heads the markdown report with a "What breaks here" section listing those two', () => {
      expect(markdown.startsWith('## What breaks here\n')).toBe(true);
      const section = markdown.slice(0, markdown.indexOf('## API drift report'));
      const listed = section.split('\n').filter((line) => line.startsWith('packages/'));
      expect(listed).toEqual([
        `packages/app/src/calls.ts:${lineOf(APP_CALLS, "'/v1/agents/{agent_id}'")}:${APP_CALLS.split('\n')[lineOf(APP_CALLS, "'/v1/agents/{agent_id}'") - 1]!.indexOf("'") + 1}  ${REMOVED}: removed upstream; probable successor GET /v1/assistants/{agent_id} (getAssistant)`,
        `packages/app/src/calls.ts:${lineOf(APP_CALLS, 'org?.plan')}:${APP_CALLS.split('\n')[lineOf(APP_CALLS, 'org?.plan') - 1]!.indexOf('plan') + 1}  ${PROPERTY_REMOVED}: response 200 (application/json).plan removed`,
      ]);
      expect(markdown).toContain('## API drift report');
    });

    it('--fail-on consumers fails when a member breaks and passes when none does', async () => {
      const against = ['--against', wholeApiFile('1.87.0'), '--format', 'json'];
      expect((await runDrift(pkg, [...against, '--fail-on', 'consumers'])).code).toBe(1);
      const app = path.join(root, 'packages', 'app', 'package.json');
      const manifest = await readFile(app, 'utf8');
      await writeFile(app, manifest.replace(`"${PACKAGE_NAME}": "*"`, ''));
      try {
        const passed = await runDrift(pkg, [...against, '--fail-on', 'consumers']);
        expect(passed.code, passed.err).toBe(0);
        expect(JSON.parse(passed.out).consumers.breaks).toBe(0);
        expect((await runDrift(pkg, [...against, '--fail-on', 'breaking'])).code).toBe(1);
      } finally {
        await writeFile(app, manifest);
      }
    }, 600_000);

    it('bumps the version major and prepends a changelog entry naming both broken places', async () => {
      const report = path.join(root, 'drift.json');
      await writeFile(report, json.out);
      let out = '';
      const code = await bumpCommand(['--report', report], { root: pkg, out: (t) => (out += t) });
      expect(code, out).toBe(0);
      expect(out).toContain('bump: major, 0.1.0 -> 1.0.0');
      const manifest = JSON.parse(await readFile(path.join(pkg, 'package.json'), 'utf8'));
      expect(manifest.version).toBe('1.0.0');
      const changelog = await readFile(path.join(pkg, 'CHANGELOG.md'), 'utf8');
      expect(
        changelog.startsWith(
          '# Changelog\n\n## 1.0.0\n\nRegenerated from the Feather API 1.87.0 (was 1.21.0); major',
        ),
      ).toBe(true);
      const section = changelog.slice(
        changelog.indexOf('### What breaks in this workspace'),
        changelog.indexOf('### Breaking'),
      );
      const named = section.split('\n').filter((line) => line.startsWith('- '));
      expect(named).toEqual([
        expect.stringMatching(
          /^- `packages\/app\/src\/calls\.ts:6:\d+` GET \/v1\/agents\/\{agent_id\}: removed upstream/,
        ),
        expect.stringMatching(
          /^- `packages\/app\/src\/calls\.ts:14:\d+` GET \/v1\/identity\/org: response 200 \(application\/json\)\.plan removed$/,
        ),
      ]);
    });

    it('writes a changeset instead, leaving the version, where the workspace uses Changesets', async () => {
      const report = path.join(root, 'drift.json');
      await writeFile(report, json.out);
      const before = await readFile(path.join(pkg, 'package.json'), 'utf8');
      await mkdir(path.join(root, '.changeset'), { recursive: true });
      await writeFile(path.join(root, '.changeset', 'config.json'), '{}\n');
      try {
        const code = await bumpCommand(['--report', report], { root: pkg, out: () => {} });
        expect(code).toBe(0);
        const changeset = await readFile(
          path.join(root, '.changeset', 'feather-api-1-87-0.md'),
          'utf8',
        );
        expect(
          changeset.startsWith(
            `---\n"${PACKAGE_NAME}": major\n---\n\nRegenerated from the Feather API 1.87.0`,
          ),
        ).toBe(true);
        expect(changeset).toContain('GET /v1/agents/{agent_id}: removed upstream');
        expect(changeset).toContain(
          'GET /v1/identity/org: response 200 (application/json).plan removed',
        );
        expect(await readFile(path.join(pkg, 'package.json'), 'utf8')).toBe(before);
      } finally {
        await rm(path.join(root, '.changeset'), { recursive: true, force: true });
      }
      expect(existsSync(path.join(root, '.changeset'))).toBe(false);
    });
  },
);
