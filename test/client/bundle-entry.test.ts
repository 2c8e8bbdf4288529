/**
 * What a browser app's entry chunk holds for one operation-function call (esbuild, code-split as
 * `npm run bench:bundle` builds it): code that only an unusual response or call needs is left to
 * chunks imported then (docs/performance.md, "One-call browser bundle").
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBuild, entrySource } from '../../scripts/bench/bundle.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The code the entry chunk and the chunks it imports statically hold (what the page loads first). */
async function entryCode(work: string): Promise<string> {
  const entry = path.join(work, 'function.ts');
  await writeFile(entry, entrySource('function', ROOT));
  const result = await build(browserBuild(entry, path.join(work, 'out')));
  const outputs = result.metafile.outputs;
  const text = new Map(
    result.outputFiles.map((file) => [path.relative(work, file.path), file.text]),
  );
  const start = Object.keys(outputs).find((chunk) => outputs[chunk]!.entryPoint === 'function.ts')!;
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const chunk = queue.pop()!;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    for (const { path: next, kind } of outputs[chunk]!.imports) {
      if (kind === 'import-statement') queue.push(next);
    }
  }
  return [...seen].map((chunk) => text.get(chunk)!).join('\n');
}

describe('the operation functions’ entry chunk', () => {
  let work: string;
  let code: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'feather-bundle-entry-'));
    code = await entryCode(work);
  }, 60_000);
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('makes and sends the call', () => {
    expect(code).toContain('/v1/analytics/integrations/dashboard');
  });

  it('leaves out the scrubbed copy of a response whose URL quotes a secret', () => {
    // scrubUrl's origin pattern (policy/response-secrets.ts)
    expect(code).not.toContain(String.raw`[a-z][a-z\d+.-]*:\/\/[^/?#]*`);
  });

  it('leaves out the path-style lookup of parameter rules (an operation function brings its own)', () => {
    // FNV-1a's offset basis: common/parameter-shard.ts, which only the shard lookup calls
    expect(code).not.toContain('2166136261');
  });
});
