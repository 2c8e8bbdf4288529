import { PipelineError } from '../../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../../lib/spec-files.ts';
import { isDict, type Dict } from '../../../common/json.ts';
import { MAX_REF_CHAIN } from '../../lib/spec-limits.ts';
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

/** The keywords whose schemas a schema is made of: a type alias unions or intersects them. */
const COMPOSING = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * Schemas made of themselves: `R: { allOf: [{ $ref: R }] }`, or a longer loop through `$ref`s
 * and allOf/anyOf/oneOf branches with no object property or array item between. No TypeScript
 * type can be written for one (openapi-typescript's output fails with TS2502). Recursion
 * through properties, items or additionalProperties is fine and not reported. One depth-first
 * walk from each component schema, iterative and linear in the schemas.
 */
export function selfMadeSchemas(doc: Dict): BrokenRef[] {
  const components = isDict(doc.components) ? doc.components : {};
  const schemas = isDict(components.schemas) ? components.schemas : {};
  const done = new Set<object>();
  const broken: BrokenRef[] = [];
  interface Frame {
    node: Dict;
    pointer: string;
    /** Where each part sits, and the `$ref` that leads to it when it is one. */
    parts: { node: Dict; pointer: string; via?: { at: string; ref: string } }[];
    next: number;
  }
  const frameOf = (node: Dict, pointer: string): Frame => {
    const parts: Frame['parts'] = [];
    const ref = Object.hasOwn(node, '$ref') ? node.$ref : undefined;
    const segments = typeof ref === 'string' ? refSegments(ref) : undefined;
    const found = segments && target(doc, segments);
    if (found && isDict(found.node))
      parts.push({
        node: found.node,
        pointer: pointerFrom(segments),
        via: { at: `${pointer}/$ref`, ref: ref as string },
      });
    for (const keyword of COMPOSING) {
      const branches = Object.hasOwn(node, keyword) ? node[keyword] : undefined;
      if (!Array.isArray(branches)) continue;
      branches.forEach((branch, index) => {
        if (isDict(branch)) parts.push({ node: branch, pointer: `${pointer}/${keyword}/${index}` });
      });
    }
    return { node, pointer, parts, next: 0 };
  };
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isDict(schema) || done.has(schema)) continue;
    const stack: Frame[] = [frameOf(schema, pointerFrom(['components', 'schemas', name]))];
    const open = new Map<object, number>([[schema, 0]]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next === top.parts.length) {
        stack.pop();
        open.delete(top.node);
        done.add(top.node);
        continue;
      }
      const part = top.parts[top.next++]!;
      const at = open.get(part.node);
      if (at !== undefined && part.via) {
        const loop = [...stack.slice(at).map((frame) => frame.pointer), part.pointer];
        broken.push({
          pointer: part.via.at,
          ref: part.via.ref,
          reason: `makes the schema at ${part.pointer} part of itself (${loop.join(' -> ')}), through allOf, anyOf or oneOf with no object property or array item between: no type can be written for it`,
        });
        continue;
      }
      if (at !== undefined || done.has(part.node)) continue;
      open.set(part.node, stack.length);
      stack.push(frameOf(part.node, part.pointer));
    }
  }
  return broken;
}

/** Broken `$ref`s of one document become errors naming the file and the `$ref`. */
export function collectRefProblems(context: JoinContext, { file, doc }: SpecSource): void {
  const broken = brokenLocalRefs(doc);
  // A loop of bare `$ref`s is reported above; the walk for self-made schemas needs none left.
  for (const problem of broken.length > 0 ? broken : selfMadeSchemas(doc)) {
    context.errors.push(
      new PipelineError(`$ref '${problem.ref}' ${problem.reason}`, [
        { file, pointer: problem.pointer },
      ]),
    );
  }
}
