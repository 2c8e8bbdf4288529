/** The effects on spec/: reading what it holds, and carrying out a plan. */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/fs-atomic.ts';
import { readSpecFile } from '../lib/spec-files.ts';
import { listSpecFiles } from '../lib/spec-list.ts';
import { mapWithConcurrency } from '../lib/concurrency.ts';
import { operationsOf, versionOf } from './page.ts';
import type { ExistingDocument, Plan } from './plan.ts';

/** Files read or written at once. */
const FILE_CONCURRENCY = 16;

/**
 * Every document under `specDir` (relative to `root`). A file that does not parse throws.
 * `known` maps a file to text whose document is already parsed: a file holding exactly that
 * text is not parsed again (a re-run over an unchanged release parses nothing twice).
 */
export async function readSpecDocuments(
  root: string,
  specDir: string,
  known: ReadonlyMap<string, { text: string; doc: Record<string, unknown> }> = new Map(),
): Promise<ExistingDocument[]> {
  const files = await listSpecFiles(specDir, root);
  return mapWithConcurrency(files, FILE_CONCURRENCY, async (file) => {
    const hint = known.get(file);
    if (hint) {
      const text = await readFile(path.resolve(root, file), 'utf8');
      if (text === hint.text) return describe(file, hint.doc);
    }
    const { doc } = await readSpecFile(file, root);
    return describe(file, doc);
  });
}

function describe(file: string, doc: Record<string, unknown>): ExistingDocument {
  return { file, doc, operations: operationsOf(doc), version: versionOf(doc) };
}

export interface Applied {
  added: string[];
  updated: string[];
  removed: string[];
  /** Writes that failed (each names its file); the others still landed. */
  failures: PipelineError[];
}

/**
 * Writes the plan's documents (each atomically), then deletes replaced and pruned files. A
 * write that fails is named and its old file kept; the rest still land.
 */
export async function applyPlan(root: string, plan: Plan): Promise<Applied> {
  const applied: Applied = { added: [], updated: [], removed: [], failures: [] };
  await mapWithConcurrency(plan.writes, FILE_CONCURRENCY, async (write) => {
    try {
      await writeFileAtomic(path.resolve(root, write.file), write.text);
      if (write.replaces) await rm(path.resolve(root, write.replaces), { force: true });
      applied[write.kind].push(write.file);
    } catch (error) {
      applied.failures.push(
        new PipelineError(
          `could not write (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          [{ file: write.file }],
        ),
      );
    }
  });
  for (const file of plan.removals) {
    await rm(path.resolve(root, file), { force: true });
    applied.removed.push(file);
  }
  for (const list of [applied.added, applied.updated]) list.sort();
  return applied;
}
