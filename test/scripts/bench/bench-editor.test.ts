import { describe, expect, it } from 'vitest';
import {
  editorSource,
  formatEditor,
  parseEditorBenchArgs,
  pickOperation,
} from '../../../scripts/bench/editor.ts';
import { PipelineError } from '../../../scripts/lib/errors.ts';

describe('bench:editor helpers', () => {
  it('picks the first GET with an optional query and no path parameter', () => {
    const doc = {
      paths: {
        '/v1/c': { get: { operationId: 'c', parameters: [{ in: 'query' }] } },
        '/v1/a/{id}': { get: { operationId: 'a', parameters: [{ in: 'query' }] } },
        '/v1/b': { get: { operationId: 'b', parameters: [{ in: 'query', required: true }] } },
      },
    };
    const names = new Map([
      ['a', 'getA'],
      ['b', 'getB'],
      ['c', 'getC'],
    ]);
    expect(pickOperation(doc, names)).toEqual({ route: '/v1/c', name: 'getC' });
    expect(() => pickOperation({ paths: {} }, names)).toThrow(PipelineError);
  });

  it('picks the first GET with a required query and no path parameter for the incomplete init', () => {
    const doc = {
      paths: {
        '/v1/c': { get: { operationId: 'c', parameters: [{ in: 'query', required: true }] } },
        '/v1/a/{id}': { get: { operationId: 'a', parameters: [{ in: 'query', required: true }] } },
        '/v1/b': { get: { operationId: 'b', parameters: [{ in: 'query' }] } },
        '/v1/d': { get: { operationId: 'd', parameters: [{ in: 'header', required: true }] } },
      },
    };
    const names = new Map([
      ['a', 'getA'],
      ['b', 'getB'],
      ['c', 'getC'],
      ['d', 'getD'],
    ]);
    expect(pickOperation(doc, names, true)).toEqual({ route: '/v1/c', name: 'getC' });
    expect(() => pickOperation({ paths: { '/v1/b': doc.paths['/v1/b'] } }, names, true)).toThrow(
      PipelineError,
    );
  });

  it('opens the query object in the same place in every style', () => {
    for (const style of ['bare', 'path', 'function'] as const)
      expect(editorSource(style, '/v1/c', 'getC')).toContain('{ params: { query: { } } }');
    expect(editorSource('function', '/v1/c', 'getC')).toContain('void getC(client,');
    expect(editorSource('path', '/v1/c', 'getC')).toContain('client.GET("/v1/c",');
  });

  it('loads the project from a file with the same client and no call', () => {
    for (const style of ['bare', 'path', 'function'] as const) {
      const load = editorSource(style, '/v1/c', 'getC', false);
      expect(load).not.toContain('query:');
      expect(load).toContain('export const client = ');
    }
  });

  it('prints medians and ratios to bare', () => {
    const lines = formatEditor({
      bare: { load: [3000, 1000, 2000], first: [100, 300, 200], again: [10, 10, 10] },
      path: { load: [3000], first: [100], again: [5] },
      function: { load: [1000], first: [40], again: [1] },
    });
    expect(lines[0]).toMatch(/bare\s+load\s+2000\.0 ms \(x1\.00\)/);
    expect(lines[1]).toMatch(/path\s+load\s+3000\.0 ms \(x1\.50\)/);
    expect(lines[3]).toMatch(/bare\s+first\s+200\.0 ms \(x1\.00\)\s+again\s+10\.0 ms \(x1\.00\)/);
    expect(lines[4]).toMatch(/path\s+first\s+100\.0 ms \(x0\.50\)\s+again\s+5\.0 ms \(x0\.50\)/);
    expect(lines[5]).toContain('(goal first <= 50 ms, again <= 5 ms)');
  });

  it('refuses an unknown argument', () => {
    expect(() => parseEditorBenchArgs(['--fast'])).toThrow(PipelineError);
    expect(parseEditorBenchArgs(['--rounds=2']).rounds).toBe(2);
    expect(parseEditorBenchArgs(['--counts-only']).countsOnly).toBe(true);
  });
});
