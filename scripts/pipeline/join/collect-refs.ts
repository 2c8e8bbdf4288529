import { PipelineError } from '../../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../../lib/spec-files.ts';
import { isDict, type Dict } from '../../../common/json.ts';
import { type JoinContext } from './context.ts';

export interface BrokenRef {
  pointer: string;
  ref: string;
  reason: string;
}

/** The segments of a local `$ref` (`#/a/b~1c` -> `['a', 'b/c']`), or undefined when malformed. */
function refSegments(ref: string): string[] | undefined {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return undefined;
  try {
    return ref
      .slice(2)
      .split('/')
      .map((raw) => decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return undefined;
  }
}

/** The node a local `$ref` points at, through own properties only, or undefined. */
function target(doc: Dict, segments: readonly string[]): { node: unknown } | undefined {
  let node: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= node.length) return undefined;
      node = node[Number(segment)];
    } else if (isDict(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return { node };
}

/**
 * Follows a chain of `$ref`s that point only at other `$ref`s. Returns the chain's pointers when
 * it comes back on itself (A -> B -> A): such a chain never reaches a schema, and Redocly's
 * resolver overflows the stack on it. A recursive schema (a `$ref` inside a schema's properties
 * back to that schema) is not a chain and is fine.
 */
function refLoop(doc: Dict, start: string[]): string[] | undefined {
  const chain: string[] = [];
  let segments: string[] | undefined = start;
  while (segments) {
    const pointer = pointerFrom(segments);
    const at = chain.indexOf(pointer);
    if (at >= 0) return [...chain.slice(at), pointer];
    chain.push(pointer);
    const found = target(doc, segments);
    const next = found && isDict(found.node) ? found.node.$ref : undefined;
    segments = typeof next === 'string' ? refSegments(next) : undefined;
  }
  return undefined;
}

/**
 * Every `$ref` in `doc` must be local, resolve inside `doc` itself (own properties only:
 * `#/components/schemas/constructor` does not find Object.prototype's) and not be a loop of
 * `$ref`s. Returns the broken ones; walks iteratively, so depth cannot overflow the stack.
 */
export function brokenLocalRefs(doc: Dict): BrokenRef[] {
  const broken: BrokenRef[] = [];
  const loopsReported = new Set<string>();
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: doc, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], path: [...path, i] });
      continue;
    }
    if (!isDict(node)) continue;
    const ref = Object.hasOwn(node, '$ref') ? node.$ref : undefined;
    if (typeof ref === 'string') {
      const at = pointerFrom([...path, '$ref']);
      const segments = refSegments(ref);
      if (!ref.startsWith('#')) {
        broken.push({
          pointer: at,
          ref,
          reason: 'external references are not supported; inline it or move it to components',
        });
      } else if (!segments || !target(doc, segments)) {
        broken.push({ pointer: at, ref, reason: 'does not resolve inside this document' });
      } else {
        const loop = refLoop(doc, segments);
        const key = loop && [...loop.slice(1)].sort().join(' ');
        if (loop && key && !loopsReported.has(key)) {
          loopsReported.add(key);
          broken.push({
            pointer: `${loop[0]}/$ref`,
            ref: (target(doc, refSegments(loop[0]!)!)!.node as Dict).$ref as string,
            reason: `is a circular chain of $refs (${loop.join(' -> ')}) that never reaches a schema`,
          });
        }
      }
    }
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, value] = entries[i]!;
      if (key !== '$ref') stack.push({ node: value, path: [...path, key] });
    }
  }
  return broken;
}

/** Broken `$ref`s of one document become errors naming the file and the `$ref`. */
export function collectRefProblems(context: JoinContext, { file, doc }: SpecSource): void {
  for (const problem of brokenLocalRefs(doc)) {
    context.errors.push(
      new PipelineError(`$ref '${problem.ref}' ${problem.reason}`, [
        { file, pointer: problem.pointer },
      ]),
    );
  }
}
