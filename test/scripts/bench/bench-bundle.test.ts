import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  benchBundleCommand,
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
  }, 120_000);
});
