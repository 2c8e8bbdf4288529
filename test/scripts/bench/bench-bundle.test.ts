import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Metafile } from 'esbuild';
import {
  benchBundleCommand,
  callChunks,
  entrySource,
  parseBundleBenchArgs,
} from '../../../scripts/bench/bundle.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';
import { REPO_ROOT } from '../../helpers/workspace.ts';

describe('bench:bundle', () => {
  it('gives each style the same one call, over its own client', () => {
    expect(entrySource('bare', '/r')).toContain("from 'openapi-fetch'");
    expect(entrySource('path', '/r')).toContain(
      "client.GET('/v1/analytics/integrations/dashboard'",
    );
    expect(entrySource('function', '/r')).toContain('getIntegrationDashboard(client,');
    expect(entrySource('function', '/r')).toContain(JSON.stringify('/r/src/operations.ts'));
  });

  it('counts the entry, its static imports and the chunks the call loads, not the others', () => {
    const chunk = (
      inputs: string[],
      imports: [string, 'import-statement' | 'dynamic-import'][],
    ) => ({
      bytes: 1,
      inputs: Object.fromEntries(inputs.map((input) => [input, { bytesInOutput: 1 }])),
      imports: imports.map(([path, kind]) => ({ path, kind })),
      exports: [],
      entryPoint: inputs[0],
    });
    const metafile = {
      inputs: {},
      outputs: {
        'out/e.js': chunk(
          ['e.ts'],
          [
            ['out/shared.js', 'import-statement'],
            ['out/03.js', 'dynamic-import'],
            ['out/04.js', 'dynamic-import'],
            ['out/schemas.js', 'dynamic-import'],
          ],
        ),
        // A chunk of an `import()` whose code was shaken out: nothing imports it.
        'out/orphan.js': chunk(['shard-03.ts'], []),
        'out/shared.js': chunk(['errors.ts'], []),
        'out/03.js': chunk(['shard-03.ts'], [['out/shared.js', 'import-statement']]),
        'out/04.js': chunk(['shard-04.ts'], []),
        'out/schemas.js': chunk(
          ['schemas.ts'],
          [
            ['out/validator.js', 'import-statement'],
            ['out/schema-data.js', 'dynamic-import'],
          ],
        ),
        'out/validator.js': chunk(['validator.ts'], []),
        'out/schema-data.js': chunk(['schemas.ts#data'], []),
      },
    } as unknown as Metafile;
    const kindOf = (inputs: string[]) =>
      inputs.includes('shard-03.ts')
        ? 'call'
        : inputs.some((input) => input.startsWith('schemas.ts'))
          ? 'validation'
          : 'other';
    const chunks = callChunks(metafile, 'e.ts', kindOf);
    expect(chunks.call.map((download) => download.sort())).toEqual([
      ['out/e.js', 'out/shared.js'],
      ['out/03.js'],
    ]);
    expect(chunks.validation.map((download) => download.sort())).toEqual([
      ['out/schemas.js', 'out/validator.js'],
      ['out/schema-data.js'],
    ]);
  });

  it('refuses an unknown argument', () => {
    expect(() => parseBundleBenchArgs(['--fast'])).toThrow(PipelineError);
  });

  it('bundles every style on a small API and prints the ratios', async () => {
    const lines: string[] = [];
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((line: string) => void lines.push(line));
    try {
      const api = path.join(REPO_ROOT, 'generated', 'openapi.json');
      expect(await benchBundleCommand([`--api=${api}`])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    for (const build of ['seed', 'whole'])
      for (const style of ['bare', 'path', 'function'])
        expect(text).toMatch(
          new RegExp(`${build}\\s+${style}\\s+[\\d.]+ KB\\s+[\\d.]+ KB\\s+[\\d.]+`),
        );
    expect(text).toMatch(/whole \/ seed, function style \(gzip\): \d\.\d{3}/);
    expect(text).toMatch(/whole \/ seed, path style \(gzip\): \d\.\d{3}/);
    // Response validation is off by default: its chunks are a line of their own, not counted.
    expect(text).toMatch(/[\d.]+ KB\s+[\d.]+ KB\s+loaded only with validateResponses/);
    // The failure path, fetched after the first success (transport/failure-path.ts): its own line.
    expect(text).toMatch(
      /[\d.]+ KB\s+[\d.]+ KB\s+the failure path, fetched after the first success/,
    );
  }, 120_000);
});
