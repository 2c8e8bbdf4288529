/**
 * Request rules: parameters (the path item's and the operation's) and the request body.
 */
import type { Json } from '../canonical.ts';
import type { Compare, DriftSide, Position } from './compare.ts';
import { compareContent } from './content.ts';
import { follow, isDict, type Dict, type OperationEntry } from './document.ts';
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

export function compareParameters(compare: Compare, b: OperationEntry, r: OperationEntry): void {
  const before = effectiveParameters(compare.base, b);
  const after = effectiveParameters(compare.revision, r);
  for (const [key, old] of before) {
    const label = `${String(old.node.in)} parameter '${String(old.node.name)}'`;
    const now = after.get(key);
    if (!now) {
      compare.report(
        'request-parameter-removed',
        { logical: old.listed, base: old.at, revision: old.at },
        `${label} removed`,
        'base',
      );
      continue;
    }
    const position: Position = { logical: now.listed, base: old.at, revision: now.at };
    const wasRequired = old.node.required === true || old.node.in === 'path';
    const isRequired = now.node.required === true || now.node.in === 'path';
    if (!wasRequired && isRequired)
      compare.report('request-parameter-became-required', position, `${label} became required`);
    if (wasRequired && !isRequired)
      compare.report('request-parameter-became-optional', position, `${label} became optional`);
    if (serialization(old.node) !== serialization(now.node))
      compare.report(
        'request-parameter-serialization-changed',
        position,
        `${label}: ${serialization(old.node)} -> ${serialization(now.node)}`,
      );
    for (const keyword of ['description', 'example', 'examples', 'deprecated'])
      if (!same(old.node[keyword], now.node[keyword]))
        compare.report(DOC_RULES[keyword]!, position, `${label}: ${keyword} changed`);
    compareSchema(
      compare,
      'request',
      parameterSchema(old.node, old.at),
      parameterSchema(now.node, now.at),
      [...now.listed, 'schema'],
      label,
    );
  }
  for (const [key, now] of after) {
    if (before.has(key)) continue;
    const label = `${String(now.node.in)} parameter '${String(now.node.name)}'`;
    const required = now.node.required === true || now.node.in === 'path';
    compare.report(
      required ? 'request-parameter-required-added' : 'request-parameter-added',
      { logical: now.listed, base: now.listed, revision: now.at },
      `${label} added${required ? ' (required)' : ''}`,
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
  compareContent(compare, 'request', bBody, rBody, logical, 'request body', false);
}
