/**
 * `npm run bench:pipeline`: a realistic large spec/ (500 one-operation documents derived from the
 * two real ones, each with its own schemas plus the shared ones, as the whole API would be), then
 * the wall time of `generate` (full, and unchanged re-run) against the bare openapi-typescript
 * CLI on the same, already joined document, all measured in this run. Prints ratios of medians.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { packageBin } from '../lib/packages.ts';
import { EXIT_OK } from '../lib/errors.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = packageBin('tsx', 'tsx');
const OPENAPI_TS = packageBin('openapi-typescript', 'openapi-typescript');

/** Components every page repeats unchanged. */
const SHARED = new Set(['ErrorResponse', 'HTTPValidationError', 'ValidationError']);

/**
 * Document `index` of a synthetic API: a real page with its path, operationId and own schemas
 * renamed, so that the joined result has `count` operations and distinct schemas per operation.
 */
export function syntheticDocument(template: string, index: number): string {
  const schemasSection = template.slice(
    template.indexOf('\n  schemas:\n'),
    template.indexOf('\n  securitySchemes:'),
  );
  const names = [...schemasSection.matchAll(/^ {4}([A-Za-z0-9_]+):$/gm)]
    .map((m) => m[1]!)
    .filter((n) => !SHARED.has(n));
  let text = template
    .replace(/^( {2}\/v1\/[^:]+):$/m, `$1/v${index}:`)
    .replace(/operationId: (\w+)/, `operationId: $1V${index}`);
  for (const name of names) {
    text = text
      .replace(new RegExp(`\\b${name}\\b(?!:\\s*$)`, 'g'), `${name}V${index}`)
      .replace(new RegExp(`^( {4})${name}:$`, 'm'), `$1${name}V${index}:`);
  }
  return text.replace(/^ {4}([A-Za-z0-9_]+)V\d+V\d+:/gm, '    $1:');
}

async function timeMs(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  try {
    await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new Error(
      `${path.basename(args[0] ?? command)} failed:\n${stderr.split('\n').slice(0, 8).join('\n')}`,
    );
  }
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function benchPipelineCommand(argv: string[]): Promise<number> {
  const count = Number(argv.find((a) => a.startsWith('--documents='))?.split('=')[1] ?? 500);
  const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);
  const root = await mkdtemp(path.join(tmpdir(), 'feather-bench-'));
  try {
    const templates = await Promise.all(
      ['getIntegrationDashboard.yaml', 'getToolReliabilityTimeoutAnalysis.yaml'].map((f) =>
        readFile(path.join(ROOT, 'spec', f), 'utf8'),
      ),
    );
    await mkdir(path.join(root, 'spec'));
    for (let i = 0; i < count; i++) {
      await writeFile(
        path.join(root, 'spec', `op${String(i).padStart(4, '0')}.yaml`),
        syntheticDocument(templates[i % 2]!, i),
      );
    }
    await cp(path.join(ROOT, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
    const generateArgs = [TSX, path.join(ROOT, 'scripts', 'commands', 'generate.ts')];
    console.log(
      `bench:pipeline: ${count} documents, ${rounds} rounds each, medians of wall time (separate processes)`,
    );
    await timeMs(process.execPath, [...generateArgs, '--force'], root); // warm the file cache and produce the joined document
    const joined = path.join(root, 'generated', 'openapi.json');
    const stats = JSON.parse(await readFile(joined, 'utf8')) as {
      paths: object;
      components: { schemas: object };
    };
    console.log(
      `  joined: ${Object.keys(stats.paths).length} paths, ${Object.keys(stats.components.schemas).length} schemas`,
    );

    const baseline: number[] = [];
    const full: number[] = [];
    const unchanged: number[] = [];
    for (let round = 0; round < rounds; round++) {
      baseline.push(
        await timeMs(
          process.execPath,
          [OPENAPI_TS, joined, '-o', path.join(root, 'bare.ts')],
          root,
        ),
      );
      full.push(await timeMs(process.execPath, [...generateArgs, '--force'], root));
      unchanged.push(await timeMs(process.execPath, generateArgs, root));
    }
    const b = median(baseline);
    const row = (name: string, values: number[], goal: string): string =>
      `  ${name.padEnd(34)}${`${Math.round(median(values))} ms`.padStart(9)}   ratio ${(median(values) / b).toFixed(2).padStart(5)}   (goal ${goal})`;
    console.log(
      `  ${'openapi-typescript CLI (baseline)'.padEnd(34)}${`${Math.round(b)} ms`.padStart(9)}   ratio  1.00`,
    );
    console.log(row('generate, full run (--force)', full, '<= 1.5'));
    console.log(row('generate, unchanged re-run', unchanged, '<= 0.2'));
    return EXIT_OK;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await runCommand(benchPipelineCommand);
