/**
 * Joins the one-operation documents of `spec/` into one OpenAPI document. Pure: takes parsed
 * sources, returns the joined document and where each part came from.
 */
import { PipelineError, PipelineErrors, type SourcePlace } from '../lib/errors.ts';
import type { SpecSource } from '../lib/spec-files.ts';
import { collectComponents } from './join/collect-components.ts';
import { collectPaths } from './join/collect-paths.ts';
import { collectRefProblems } from './join/collect-refs.ts';
import { collectSharedFields } from './join/collect-shared-fields.ts';
import { collectTags } from './join/collect-tags.ts';
import { createJoinContext, joinedDocument } from './join/context.ts';

export interface JoinResult {
  doc: Record<string, unknown>;
  /** Which source file a pointer prefix came from (`#/paths/~1a/get` -> `spec/a.yaml`). */
  origins: Map<string, string>;
  operationCount: number;
  schemaCount: number;
}

/** The collectors, in order; each reads one part of a document into the shared context. */
const COLLECTORS = [
  collectRefProblems,
  collectSharedFields,
  collectTags,
  collectComponents,
  collectPaths,
] as const;

/**
 * Joins documents. Identical shared parts merge; the same component name with different
 * content, the same path+method twice, or a repeated operationId is an error naming both files.
 * All problems found are reported together.
 */
export function joinDocuments(sources: readonly SpecSource[]): JoinResult {
  if (sources.length === 0) {
    throw new PipelineError('no OpenAPI documents found: add at least one .yaml/.yml/.json file', [
      { file: 'spec/' },
    ]);
  }
  const context = createJoinContext();
  for (const source of sources) for (const collect of COLLECTORS) collect(context, source);
  if (context.errors.length === 1) throw context.errors[0];
  if (context.errors.length > 1) throw new PipelineErrors(context.errors);
  return {
    doc: joinedDocument(context),
    origins: context.origins,
    operationCount: context.operationCount,
    schemaCount: context.components.get('schemas')?.size ?? 0,
  };
}

/** The source file a pointer in the joined document came from: its longest known prefix. */
export function originOf(
  origins: ReadonlyMap<string, string>,
  pointer: string,
  fallback: string,
): string {
  let best: string | undefined;
  let bestLength = -1;
  for (const [prefix, file] of origins) {
    if ((pointer === prefix || pointer.startsWith(`${prefix}/`)) && prefix.length > bestLength) {
      best = file;
      bestLength = prefix.length;
    }
  }
  return best ?? fallback;
}
