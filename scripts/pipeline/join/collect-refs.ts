import { PipelineError } from '../../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../../lib/spec-files.ts';
import { MAX_REF_CHAIN } from '../../lib/spec-limits.ts';
import { isDict, type Dict, type JoinContext } from './context.ts';

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

/** Where a chain of `$ref`s (nodes that are only a `$ref` to the next) leads from one node. */
type ChainEnd =
  /** `refs` more `$ref`s to a node that is not one; `end` is that node's pointer. */
  | { kind: 'ends'; refs: number; end: string }
  /** Into a loop of `$ref`s (reported once, from the walk that found it). */
  | { kind: 'loop' };

/**
 * Follows `$ref` chains with a memo per pointer, so that every chain in a document costs time
 * linear in its length however many of its links are reached (a chain of 20,000 is 20,000
 * steps, not 20,000^2). Calls `onLoop` with a loop's pointers (A -> B -> A) when first met:
 * such a chain never reaches a schema, and Redocly's resolver overflows the stack on it. A
 * recursive schema (a `$ref` inside a schema's properties back to it) is not a chain and is fine.
 */
function chainFollower(
  doc: Dict,
  onLoop: (loop: string[]) => void,
): (segments: string[]) => ChainEnd {
  const memo = new Map<string, ChainEnd>();
  return (start) => {
    const walk: string[] = [];
    const inWalk = new Map<string, number>();
    let segments: string[] | undefined = start;
    let end: ChainEnd | undefined;
    while (segments) {
      const pointer = pointerFrom(segments);
      end = memo.get(pointer);
      if (end) break;
      const at = inWalk.get(pointer);
      if (at !== undefined) {
        onLoop([...walk.slice(at), pointer]);
        end = { kind: 'loop' };
        break;
      }
      inWalk.set(pointer, walk.push(pointer) - 1);
      const found = target(doc, segments);
      const next = found && isDict(found.node) ? found.node.$ref : undefined;
      segments = typeof next === 'string' ? refSegments(next) : undefined;
      if (!segments) end = { kind: 'ends', refs: -1, end: pointer };
    }
    // Back along the walk: each node is one `$ref` further from the end than the next.
    for (let i = walk.length - 1; i >= 0; i--) {
      if (end!.kind === 'ends') end = { ...end!, refs: end!.refs + 1 };
      memo.set(walk[i]!, end!);
    }
    return end!;
  };
}

/**
 * Every `$ref` in `doc` must be local, resolve inside `doc` itself (own properties only:
 * `#/components/schemas/constructor` does not find Object.prototype's), not be a loop of
 * `$ref`s, nor start a chain of more than MAX_REF_CHAIN of them (reported once per chain, at
 * its first link). Returns the broken ones; walks iteratively, so depth cannot overflow the stack.
 */
export function brokenLocalRefs(doc: Dict): BrokenRef[] {
  const broken: BrokenRef[] = [];
  const loopsReported = new Set<string>();
  const follow = chainFollower(doc, (loop) => {
    const key = [...loop.slice(1)].sort().join(' ');
    if (loopsReported.has(key)) return;
    loopsReported.add(key);
    broken.push({
      pointer: `${loop[0]}/$ref`,
      ref: (target(doc, refSegments(loop[0]!)!)!.node as Dict).$ref as string,
      reason: `is a circular chain of $refs (${loop.join(' -> ')}) that never reaches a schema`,
    });
  });
  /** The longest chain leading to each end, as its first `$ref` and length. */
  const longChains = new Map<string, { pointer: string; ref: string; refs: number }>();
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
        const end = follow(segments);
        const refs = end.kind === 'ends' ? end.refs + 1 : 0;
        if (end.kind === 'ends' && refs > MAX_REF_CHAIN) {
          const longest = longChains.get(end.end);
          if (!longest || longest.refs < refs) longChains.set(end.end, { pointer: at, ref, refs });
        }
      }
    }
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, value] = entries[i]!;
      if (key !== '$ref') stack.push({ node: value, path: [...path, key] });
    }
  }
  for (const [end, chain] of longChains)
    broken.push({
      pointer: chain.pointer,
      ref: chain.ref,
      reason: `starts a chain of ${chain.refs} $refs, each to a node that is only the next $ref, before the schema at ${end}: more than MAX_REF_CHAIN (${MAX_REF_CHAIN}); point it at ${end} directly`,
    });
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
