/**
 * A release may publish no `servers`. generate goes on with a warning (lint's no-empty-servers is
 * a warning, not an error), for a whole document and for pages cut from it; the client's default
 * base URL stays what the package shipped; the drift report warns that the server is gone and
 * names the default it affected.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generate } from '../../../scripts/pipeline/generate.ts';
import { NO_SERVERS_WARNING } from '../../../scripts/pipeline/pipeline.ts';
import { DEFAULT_BASE_URL } from '../../../common/base-url.ts';
import type { Dict } from '../../../src/drift/document.ts';
import { diffDocuments } from '../../../src/drift/index.ts';
import { seedTree } from '../../helpers/seed.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

const withoutServers = <T extends Record<string, unknown>>(doc: T): T => {
  const { servers: _servers, ...rest } = doc;
  return rest as T;
};

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function treeWith(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), 'feather-no-servers-'));
  await cp(path.join(REPO_ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  await mkdir(path.join(root, 'spec'));
  for (const [name, text] of Object.entries(files))
    await writeFile(path.join(root, 'spec', name), text);
  return root;
}

const paths = (dir: string) => ({
  root: dir,
  specDir: 'spec',
  outDir: 'generated',
  configFile: 'redocly.yaml',
});

describe('generate with no servers', () => {
  it('passes on a whole document without servers, with a warning naming the default', async () => {
    const whole = JSON.parse((await seedTree()).openapiText) as Dict;
    expect(whole.servers).toBeDefined();
    const dir = await treeWith({
      'openapi.json': JSON.stringify(withoutServers(whole), null, 2),
    });
    const result = await generate(paths(dir), true);
    const warnings = result.build!.warnings.join('\n');
    expect(warnings).toContain('no-empty-servers');
    expect(warnings).toContain(NO_SERVERS_WARNING);
    const joined = JSON.parse(await readFile(path.join(dir, 'generated', 'openapi.json'), 'utf8'));
    expect(joined.servers).toBeUndefined();
  });

  it('passes on pages cut from it, none with servers', async () => {
    const { specDir } = await seedTree();
    const files: Record<string, string> = {};
    for (const name of await readdir(specDir)) {
      const doc = parse(await readFile(path.join(specDir, name), 'utf8')) as Dict;
      expect(doc.servers).toBeDefined();
      files[name] = stringify(withoutServers(doc));
    }
    const dir = await treeWith(files);
    const result = await generate(paths(dir), true);
    expect(result.build!.counts.operations).toBe(2);
    expect(result.build!.warnings).toContain(NO_SERVERS_WARNING);
  });

  it('says nothing about servers when the spec has them', async () => {
    const dir = await treeWith({ 'openapi.json': (await seedTree()).openapiText });
    const result = await generate(paths(dir), true);
    expect(result.build!.warnings).not.toContain(NO_SERVERS_WARNING);
  });
});

describe('drift when upstream publishes no servers', () => {
  it('warns for each server gone and names the default base URL the first one gave', async () => {
    const pinned = JSON.parse((await seedTree()).openapiText) as Dict;
    const report = diffDocuments(
      { doc: pinned, name: 'spec/' },
      { doc: withoutServers(pinned), name: 'upstream' },
    );
    const removed = report.changes.filter((c) => c.id === 'server-removed');
    expect(removed.map((c) => c.level)).toEqual(['warning', 'warning']);
    const first = (pinned.servers as { url: string }[])[0]!.url;
    expect(removed.find((c) => c.message.startsWith(`server ${first} removed`))?.message).toBe(
      `server ${first} removed: the client's default base URL (DEFAULT_BASE_URL, ${DEFAULT_BASE_URL}) was taken from this first server and stays as shipped; upstream now publishes no servers: change the default by hand if the API moved`,
    );
    expect(removed.find((c) => !c.message.startsWith(`server ${first}`))?.message).toMatch(
      /^server \S+ removed$/,
    );
  });
});
