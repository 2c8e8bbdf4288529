/**
 * Response header rules. The generated types list a response's documented headers under
 * `responses[status].headers`, a `required` one as `T` and the others as `T | undefined`, so
 * they are judged like anything else we receive; their schemas go through the response rules.
 */
import { placedPair, type Compare, type Position } from './compare.ts';
import { isDict } from '../../common/json.ts';
import { follow, type Dict, type Located } from './document.ts';
import { parameterSchema } from './request.ts';
import { compareSchema, DOC_RULES, same } from './schema.ts';

interface HeaderEntry {
  name: string;
  node: Dict;
  /** Where the header (after `$ref`) is defined. */
  at: string[];
}

/** A response's headers by lower-cased name (HTTP header names are case-insensitive). */
function headersOf(side: Compare['base'], response: Located): Map<string, HeaderEntry> {
  const result = new Map<string, HeaderEntry>();
  const headers =
    isDict(response.node) && isDict(response.node.headers) ? response.node.headers : {};
  for (const [name, raw] of Object.entries(headers)) {
    const located = follow(side.doc, raw, [...response.at, 'headers', name], side.name);
    if (isDict(located.node))
      result.set(name.toLowerCase(), { name, node: located.node, at: located.at });
  }
  return result;
}

/** Compares the headers of one response (`status`) on both sides. */
export function compareResponseHeaders(
  compare: Compare,
  status: string,
  before: Located,
  after: Located,
  logical: string[],
): void {
  const bHeaders = headersOf(compare.base, before);
  const rHeaders = headersOf(compare.revision, after);
  for (const [key, old] of bHeaders) {
    const label = `response ${status}: header ${old.name}`;
    const now = rHeaders.get(key);
    const at = [...logical, 'headers', now?.name ?? old.name];
    if (!now) {
      compare.report(
        'response-header-removed',
        { logical: at, base: old.at, revision: after.at },
        `${label} removed`,
        'base',
      );
      continue;
    }
    const position: Position = { logical: at, base: old.at, revision: now.at };
    const wasRequired = old.node.required === true;
    const isRequired = now.node.required === true;
    if (wasRequired && !isRequired)
      compare.report('response-header-became-optional', position, `${label} became optional`);
    if (!wasRequired && isRequired)
      compare.report('response-header-became-required', position, `${label} became required`);
    for (const keyword of ['description', 'example', 'examples', 'deprecated'])
      if (!same(old.node[keyword], now.node[keyword]))
        compare.report(DOC_RULES[keyword]!, position, `${label}: ${keyword} changed`);
    compareSchema({
      compare,
      direction: 'response',
      ...placedPair(
        [...at, 'schema'],
        parameterSchema(old.node, old.at),
        parameterSchema(now.node, now.at),
      ),
      what: label,
    });
  }
  for (const [key, now] of rHeaders) {
    if (bHeaders.has(key)) continue;
    const required = now.node.required === true;
    compare.report(
      'response-header-added',
      { logical: [...logical, 'headers', now.name], base: before.at, revision: now.at },
      `response ${status}: header ${now.name} added${required ? ' (required)' : ''}`,
    );
  }
}
