import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callSites,
  consumerSource,
  formatComparison,
  manyCallsSource,
  medianFigures,
  parseDiagnostics,
  parseTypesBenchArgs,
} from '../../../scripts/bench/types.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';

/** The lines of `tsc --extendedDiagnostics` the bench reads, as tsc 5.9 prints them. */
const DIAGNOSTICS = `Files:                          64
Identifiers:                  208417
Types:                         17899
Instantiations:                51577
Memory used:                 126912K
Assignability cache size:       4425
I/O Read time:                 0.02s
Parse time:                    0.98s
Check time:                    8.66s
Total time:                   10.12s
`;

describe('bench:types helpers', () => {
  it('reads check time, instantiations and memory from extended diagnostics', () => {
    expect(parseDiagnostics(DIAGNOSTICS)).toEqual({
      checkSeconds: 8.66,
      instantiations: 51577,
      memoryKb: 126912,
    });
  });

  it('names the figure it cannot find', () => {
    expect(() => parseDiagnostics('Files: 3\n')).toThrow(/no "Check time" in tsc's diagnostics/);
  });

  it('takes the median of each figure', () => {
    const figures = [
      { checkSeconds: 3, instantiations: 10, memoryKb: 100 },
      { checkSeconds: 1, instantiations: 10, memoryKb: 300 },
      { checkSeconds: 2, instantiations: 10, memoryKb: 200 },
    ];
    expect(medianFigures(figures)).toEqual({ checkSeconds: 2, instantiations: 10, memoryKb: 200 });
  });

  it('prints ratios of ours to bare, with the goal on time and memory', () => {
    const lines = formatComparison(
      { checkSeconds: 12, instantiations: 60_000, memoryKb: 140 * 1024 },
      { checkSeconds: 10, instantiations: 50_000, memoryKb: 125 * 1024 },
    );
    expect(lines[1]).toMatch(/check time\s+10\.00 s\s+12\.00 s\s+ratio\s+1\.20\s+\(goal <= 1\.2\)/);
    expect(lines[2]).toMatch(/memory used\s+125 MB\s+140 MB\s+ratio\s+1\.12/);
    expect(lines[3]).toMatch(/instantiations\s+50000\s+60000\s+ratio\s+1\.20$/);
  });

  it('gives both consumers the same calls, over their own client', () => {
    const ours = consumerSource('feather', true);
    const bare = consumerSource('bare', true);
    expect(ours).toContain("from '@featherhq/api-client'");
    expect(bare).toContain('createClient<paths>(');
    const calls = (source: string): string => source.slice(source.indexOf('export async'));
    expect(calls(ours)).toBe(calls(bare));
    expect(calls(ours).match(/client\.(GET|POST)\(/g)).toHaveLength(3);
    expect(consumerSource('feather', false)).not.toContain('client.GET');
  });

  it('gives the many-calls consumers the same sites in each style', () => {
    const doc = {
      paths: {
        '/v1/b': { get: { operationId: 'listB' } },
        '/v1/a': { get: { operationId: 'listA', parameters: [{ in: 'query', required: true }] } },
        '/v1/c/{id}': { get: { operationId: 'getC', parameters: [{ in: 'path' }] } },
      },
    };
    const names = new Map([
      ['listA', 'listA'],
      ['listB', 'listB'],
      ['getC', 'getC'],
    ]);
    const sites = callSites(doc, names, 3);
    expect(sites).toEqual([1, 2, 3].map(() => ({ path: '/v1/b', name: 'listB' })));
    expect(manyCallsSource('bare', sites).match(/client\.GET\("\/v1\/b"\)/g)).toHaveLength(3);
    expect(manyCallsSource('path', sites)).toContain("from '@featherhq/api-client'");
    const functions = manyCallsSource('functions', sites);
    expect(functions).toContain("from '@featherhq/api-client/operations'");
    expect(functions.match(/await listB\(client\)/g)).toHaveLength(3);
  });

  it('reads its options, and refuses others with exit 2', () => {
    expect(parseTypesBenchArgs(['--rounds=5', '--api=x.json', '--calls=20'])).toEqual({
      rounds: 5,
      api: path.resolve('x.json'),
      calls: 20,
    });
    expect(parseTypesBenchArgs([]).rounds).toBe(3);
    for (const bad of ['--rounds=0', '--rounds=x', '--calls=0', '--api=', '--fast']) {
      expect(() => parseTypesBenchArgs([bad])).toThrow(PipelineError);
    }
  });
});
