/**
 * Probable successors of removed operations. An API that renames a resource
 * (`/v1/agents/{agent_id}` -> `/v1/assistants/{agent_id}`) and its operationIds at once leaves
 * nothing to match by: the operation shows as removed, its successor as added. Beside the
 * removal the report names the added operation that has the same method, the same path but for
 * one renamed segment, and the same shape (success statuses, body or not, parameters, response
 * properties). A guess, so it never replaces the removal: it tells the reader where to look.
 */
import type { Json } from '../../common/json.ts';
import { isDict } from '../../common/json.ts';
import { follow, type Dict, type OperationEntry } from './document.ts';
import { readShape } from './shape.ts';

/** What is cheap to tell from an operation: where it is, its success statuses, body or not. */
interface Outline {
  /** The path's segments, parameters as `{}`. */
  segments: string[];
  successStatuses: string;
  hasBody: boolean;
}

/** What takes reading schemas: read only for operations whose outlines could match. */
interface Contents {
  parameters: Set<string>;
  responseProperties: Set<string>;
  /** The properties of each object property of the response (a successor may wrap the old). */
  wrapped: Set<string>[];
}

const successStatuses = (entry: OperationEntry): string[] =>
  Object.keys(isDict(entry.operation.responses) ? entry.operation.responses : {})
    .filter((status) => /^2/.test(status))
    .sort();

function outlineOf(entry: OperationEntry): Outline {
  return {
    segments: entry.path.split('/').map((s) => (/^\{.*\}$/.test(s) ? '{}' : s)),
    successStatuses: successStatuses(entry).join(','),
    hasBody: entry.operation.requestBody !== undefined,
  };
}

function contentsOf(doc: Dict, entry: OperationEntry, name: string): Contents {
  const responses = isDict(entry.operation.responses) ? entry.operation.responses : {};
  const success = successStatuses(entry);
  const parameters = new Set<string>();
  for (const list of [entry.pathItem.parameters, entry.operation.parameters])
    for (const raw of Array.isArray(list) ? list : []) {
      const node = follow(doc, raw, [], name).node;
      if (isDict(node) && node.in !== 'path')
        parameters.add(`${String(node.in)}:${String(node.name)}`);
    }
  const responseProperties = new Set<string>();
  const wrapped: Set<string>[] = [];
  const responsesAt = ['paths', entry.path, entry.method, 'responses'];
  const first =
    success[0] === undefined
      ? undefined
      : follow(doc, responses[success[0]], [...responsesAt, success[0]], name);
  const content = isDict(first?.node) && isDict(first.node.content) ? first.node.content : {};
  const [mediaType, media] = (Object.entries(content)[0] ?? []) as [string?, Json?];
  if (first && mediaType && isDict(media) && media.schema !== undefined) {
    const shape = readShape(doc, media.schema, [...first.at, 'content', mediaType, 'schema'], name);
    const target = shape.items ? readShape(doc, shape.items.node, shape.items.at, name) : shape;
    for (const [property, { node, at }] of target.properties) {
      responseProperties.add(property);
      const inner = readShape(doc, node, at, name);
      if (inner.properties.size > 0) wrapped.push(new Set(inner.properties.keys()));
    }
  }
  return { parameters, responseProperties, wrapped };
}

/** Literal segments that differ, or -1 when the paths cannot be one renamed into the other. */
function renamedSegments(a: string[], b: string[]): number {
  if (a.length !== b.length) return -1;
  let differ = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === '{}' || b[i] === '{}') return -1;
    differ++;
  }
  return differ;
}

/** The share of `before` still in `after` (1 when both are empty). */
function kept(before: Set<string>, after: Set<string>): number {
  if (before.size === 0) return after.size === 0 ? 1 : 0;
  let common = 0;
  for (const item of before) if (after.has(item)) common++;
  return common / before.size;
}

/**
 * How much of the old response the new one keeps: its properties, at the top or wrapped one
 * level down (`AgentResponse` -> `{ agent: AgentResponse, revisions }`, counted a little less).
 */
function responseKept(before: Contents, after: Contents): number {
  return Math.max(
    kept(before.responseProperties, after.responseProperties),
    ...after.wrapped.map((inner) => kept(before.responseProperties, inner) * 0.9),
  );
}

/** Below this share of the old response's properties kept, it is not the same operation. */
const MIN_RESPONSE_KEPT = 0.5;

/**
 * For each removed operation, the added operation that most probably replaced it, when exactly
 * one fits best. Each added operation succeeds at most one removed operation.
 */
export function probableSuccessors(
  removed: readonly OperationEntry[],
  added: readonly OperationEntry[],
  base: { doc: Dict; name: string },
  revision: { doc: Dict; name: string },
): Map<string, OperationEntry> {
  const result = new Map<string, OperationEntry>();
  if (removed.length === 0 || added.length === 0) return result;
  const candidates = added.map((entry) => ({ entry, outline: outlineOf(entry) }));
  const contents = new Map<string, Contents>();
  const contentsOfAdded = (entry: OperationEntry): Contents => {
    let found = contents.get(entry.key);
    if (!found) contents.set(entry.key, (found = contentsOf(revision.doc, entry, revision.name)));
    return found;
  };
  const claimed = new Set<string>();
  for (const gone of removed) {
    const mine = outlineOf(gone);
    const fitting = candidates.filter(
      ({ entry, outline }) =>
        entry.method === gone.method &&
        !claimed.has(entry.key) &&
        renamedSegments(mine.segments, outline.segments) >= 0 &&
        renamedSegments(mine.segments, outline.segments) <= 1 &&
        outline.successStatuses === mine.successStatuses &&
        outline.hasBody === mine.hasBody,
    );
    if (fitting.length === 0) continue;
    const myContents = contentsOf(base.doc, gone, base.name);
    const scored = fitting
      .map(({ entry }) => ({
        entry,
        properties: responseKept(myContents, contentsOfAdded(entry)),
        parameters: kept(myContents.parameters, contentsOfAdded(entry).parameters),
      }))
      .filter((c) => c.properties >= MIN_RESPONSE_KEPT)
      .map((c) => ({ ...c, score: c.properties + c.parameters / 10 }))
      .sort((a, b) => b.score - a.score);
    const [best, next] = scored;
    if (!best || (next && next.score === best.score)) continue;
    result.set(gone.key, best.entry);
    claimed.add(best.entry.key);
  }
  return result;
}
