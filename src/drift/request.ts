/**
 * Request rules: parameters (the path item's and the operation's) and the request body.
 */
import type { Json } from '../../common/json.ts';
import { placedPair, type Compare, type DriftSide, type Position } from './compare.ts';
import { compareContent } from './content.ts';
import { isDict } from '../../common/json.ts';
import { follow, type Dict, type OperationEntry } from './document.ts';
import { compareSchema, DOC_RULES, same } from './schema.ts';

interface ParameterEntry {
  node: Dict;
  /** Where the parameter (after `$ref`) is defined. */
  at: string[];
  /** Where it is listed: the operation's or the path item's `parameters`. */
  listed: string[];
}

/** The parameters in effect: the path item's, overridden by the operation's (same name and in). */
function effectiveParameters(side: DriftSide, entry: OperationEntry): Map<string, ParameterEntry> {
  const result = new Map<string, ParameterEntry>();
  const lists: [Json | undefined, string[]][] = [
    [entry.pathItem.parameters, ['paths', entry.path, 'parameters']],
    [entry.operation.parameters, ['paths', entry.path, entry.method, 'parameters']],
  ];
  for (const [list, listAt] of lists) {
    (Array.isArray(list) ? list : []).forEach((raw, index) => {
      const listed = [...listAt, String(index)];
      const located = follow(side.doc, raw, listed, side.name);
      if (!isDict(located.node)) return;
      const where = String(located.node.in);
      const name = String(located.node.name);
      const key = `${where}:${where === 'header' ? name.toLowerCase() : name}`;
      result.set(key, { node: located.node, at: located.at, listed });
    });
  }
  return result;
}

function serialization(parameter: Dict): string {
  const style =
    typeof parameter.style === 'string'
      ? parameter.style
      : parameter.in === 'query' || parameter.in === 'cookie'
        ? 'form'
        : 'simple';
  const explode = typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form';
  return `style ${style}, explode ${explode}`;
}

/** The schema of a parameter or a header (both carry `schema` or a one-entry `content`). */
export function parameterSchema(
  parameter: Dict,
  at: string[],
): { node: Json | undefined; at: string[] } {
  if (parameter.schema !== undefined) return { node: parameter.schema, at: [...at, 'schema'] };
  const content = isDict(parameter.content) ? parameter.content : {};
  const [media] = Object.keys(content);
  const entry = media ? content[media] : undefined;
  return {
    node: isDict(entry) ? entry.schema : undefined,
    at: [...at, 'content', media ?? '', 'schema'],
  };
}

const labelOf = (parameter: Dict): string =>
  `${String(parameter.in)} parameter '${String(parameter.name)}'`;

/** The `{name}`s of a path template, in order. */
const templateNames = (path: string): string[] =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);

/**
 * Pairs each pinned parameter that has no same-key counterpart with the one it became: the same
 * name in another location (`in`), or, for a path parameter, the one at the same place in the
 * path template (`/things/{id}` -> `/things/{thingId}`). What stays unpaired was really removed
 * or added.
 */
function pairMoved(
  before: Map<string, ParameterEntry>,
  after: Map<string, ParameterEntry>,
  b: OperationEntry,
  r: OperationEntry,
): Map<string, string> {
  const moved = new Map<string, string>();
  const free = (key: string): boolean => !before.has(key) && ![...moved.values()].includes(key);
  const sameName = (x: Dict, y: Dict): boolean =>
    x.in === 'header' || y.in === 'header'
      ? String(x.name).toLowerCase() === String(y.name).toLowerCase()
      : x.name === y.name;
  const bNames = templateNames(b.path);
  const rNames = templateNames(r.path);
  for (const [key, old] of before) {
    if (after.has(key)) continue;
    const candidates = [...after].filter(([otherKey]) => free(otherKey));
    const relocated = candidates.find(([, now]) => sameName(old.node, now.node));
    const renamed =
      old.node.in === 'path' && bNames.length === rNames.length
        ? candidates.find(
            ([, now]) =>
              now.node.in === 'path' &&
              now.node.name === rNames[bNames.indexOf(String(old.node.name))],
          )
        : undefined;
    const found = relocated ?? renamed;
    if (found) moved.set(key, found[0]);
  }
  return moved;
}

/** Compares one parameter that exists on both sides (possibly moved or renamed). */
function compareParameter(compare: Compare, old: ParameterEntry, now: ParameterEntry): void {
  const position: Position = { logical: now.listed, base: old.at, revision: now.at };
  const label = labelOf(now.node);
  const wasRequired = old.node.required === true || old.node.in === 'path';
  const isRequired = now.node.required === true || now.node.in === 'path';
  if (!wasRequired && isRequired)
    compare.report('request-parameter-became-required', position, `${label} became required`);
  if (wasRequired && !isRequired)
    compare.report('request-parameter-became-optional', position, `${label} became optional`);
  // A location change already changes how the value is sent (and the default style with it).
  if (old.node.in === now.node.in && serialization(old.node) !== serialization(now.node))
    compare.report(
      'request-parameter-serialization-changed',
      position,
      `${label}: ${serialization(old.node)} -> ${serialization(now.node)}`,
    );
  for (const keyword of ['description', 'example', 'examples', 'deprecated'])
    if (!same(old.node[keyword], now.node[keyword]))
      compare.report(DOC_RULES[keyword]!, position, `${label}: ${keyword} changed`);
  compareSchema({
    compare,
    direction: 'request',
    ...placedPair(
      [...now.listed, 'schema'],
      parameterSchema(old.node, old.at),
      parameterSchema(now.node, now.at),
    ),
    what: label,
  });
}

export function compareParameters(compare: Compare, b: OperationEntry, r: OperationEntry): void {
  const before = effectiveParameters(compare.base, b);
  const after = effectiveParameters(compare.revision, r);
  const moved = pairMoved(before, after, b, r);
  for (const [key, old] of before) {
    const now = after.get(key) ?? after.get(moved.get(key) ?? '');
    if (!now) {
      compare.report(
        'request-parameter-removed',
        { logical: old.listed, base: old.at, revision: old.at },
        `${labelOf(old.node)} removed`,
        'base',
      );
      continue;
    }
    const position: Position = { logical: now.listed, base: old.at, revision: now.at };
    if (old.node.in !== now.node.in)
      compare.report(
        'request-parameter-location-changed',
        position,
        `parameter '${String(old.node.name)}' moved from ${String(old.node.in)} to ${String(now.node.in)}`,
      );
    else if (old.node.name !== now.node.name)
      compare.report(
        'request-path-parameter-renamed',
        position,
        `path parameter '${String(old.node.name)}' renamed to '${String(now.node.name)}'`,
      );
    compareParameter(compare, old, now);
  }
  const pairedKeys = new Set(moved.values());
  for (const [key, now] of after) {
    if (before.has(key) || pairedKeys.has(key)) continue;
    const required = now.node.required === true || now.node.in === 'path';
    compare.report(
      required ? 'request-parameter-required-added' : 'request-parameter-added',
      { logical: now.listed, base: now.listed, revision: now.at },
      `${labelOf(now.node)} added${required ? ' (required)' : ''}`,
    );
  }
}

export function compareRequestBody(
  compare: Compare,
  b: OperationEntry,
  r: OperationEntry,
  at: string[],
): void {
  const logical = [...at, 'requestBody'];
  const bBody = follow(
    compare.base.doc,
    b.operation.requestBody,
    ['paths', b.path, b.method, 'requestBody'],
    compare.base.name,
  );
  const rBody = follow(
    compare.revision.doc,
    r.operation.requestBody,
    logical,
    compare.revision.name,
  );
  const position: Position = { logical, base: bBody.at, revision: rBody.at };
  if (!isDict(bBody.node) && !isDict(rBody.node)) return;
  if (!isDict(rBody.node)) {
    compare.report('request-body-removed', position, 'request body removed', 'base');
    return;
  }
  const required = rBody.node.required === true;
  if (!isDict(bBody.node)) {
    compare.report(
      required ? 'request-body-required-added' : 'request-body-added',
      position,
      `request body added${required ? ' (required)' : ''}`,
    );
    return;
  }
  const wasRequired = bBody.node.required === true;
  if (!wasRequired && required)
    compare.report('request-body-became-required', position, 'request body became required');
  if (wasRequired && !required)
    compare.report('request-body-became-optional', position, 'request body became optional');
  if (!same(bBody.node.description, rBody.node.description))
    compare.report('description-changed', position, 'request body: description changed');
  compareContent({
    compare,
    direction: 'request',
    ...placedPair(logical, bBody, rBody),
    what: 'request body',
    success: false,
  });
}
