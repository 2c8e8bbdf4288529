/**
 * The drift diff: compares the pinned API (base) with another version of it (revision),
 * operation by operation, and classifies every change with the rules in `rules.ts`.
 */
import { canonicalJson, type Json } from '../canonical.ts';
import {
  Compare,
  sortChanges,
  type DriftReport,
  type DriftSide,
  type Position,
} from './compare.ts';
import { follow, isDict, listOperations, type Dict, type OperationEntry } from './document.ts';
import { compareSchema, DOC_RULES } from './schema.ts';

export interface DiffOptions {
  /**
   * Compare only these operations (`GET /path`); others on either side are out of scope, not
   * added or removed. Used when the other side is one documentation page.
   * @default every operation of either side
   */
  only?: Iterable<string>;
}

const same = (a: Json | undefined, b: Json | undefined): boolean =>
  canonicalJson(a) === canonicalJson(b);

function versionOf(doc: Dict): string {
  return isDict(doc.info) && typeof doc.info.version === 'string' ? doc.info.version : '';
}

/** Compares two OpenAPI 3.x documents. Throws DriftInputError on an unresolvable `$ref`. */
export function diffDocuments(
  base: DriftSide,
  revision: DriftSide,
  options: DiffOptions = {},
): DriftReport {
  const compare = new Compare(base, revision);
  const only = options.only ? new Set(options.only) : null;
  const inScope = (key: string): boolean => only === null || only.has(key);
  const before = [...listOperations(base.doc).values()].filter((op) => inScope(op.key));
  const after = listOperations(revision.doc);

  compareDocumentLevel(compare);
  let removed = 0;
  let added = 0;
  let changed = 0;
  for (const entry of before) {
    compare.operation = entry.key;
    const counted = compare.changes.length;
    const other = after.get(entry.key);
    const at = ['paths', entry.path, entry.method];
    if (!other) {
      removed++;
      compare.report(
        'operation-removed',
        { logical: at, base: at, revision: at },
        `${entry.key} is gone`,
        'base',
      );
      continue;
    }
    compareOperation(compare, entry, other);
    if (compare.changes.length > counted) changed++;
  }
  const pinned = new Set(before.map((op) => op.key));
  for (const entry of after.values()) {
    if (pinned.has(entry.key) || !inScope(entry.key)) continue;
    added++;
    compare.operation = entry.key;
    const at = ['paths', entry.path, entry.method];
    const id =
      typeof entry.operation.operationId === 'string' ? ` (${entry.operation.operationId})` : '';
    compare.report(
      'operation-added',
      { logical: at, base: at, revision: at },
      `${entry.key}${id} added`,
    );
  }

  const changes = sortChanges(compare.changes);
  const count = (level: string): number => changes.filter((c) => c.level === level).length;
  return {
    changes,
    summary: {
      total: changes.length,
      breaking: count('breaking'),
      warning: count('warning'),
      info: count('info'),
      operations: { compared: before.length - removed, added, removed, changed },
      versions: { base: versionOf(base.doc), revision: versionOf(revision.doc) },
    },
  };
}

function compareDocumentLevel(compare: Compare): void {
  const b = compare.base.doc;
  const r = compare.revision.doc;
  const at = (logical: string[]): Position => ({ logical, base: logical, revision: logical });
  const version = { base: versionOf(b), revision: versionOf(r) };
  if (version.base !== version.revision)
    compare.report(
      'info-version-changed',
      at(['info', 'version']),
      `info.version ${version.base} -> ${version.revision}`,
    );
  const bInfo = isDict(b.info) ? b.info : {};
  const rInfo = isDict(r.info) ? r.info : {};
  if (!same(bInfo.description, rInfo.description))
    compare.report('description-changed', at(['info', 'description']), 'API description changed');
  const urls = (doc: Dict): string[] =>
    (Array.isArray(doc.servers) ? doc.servers : []).flatMap((s) =>
      isDict(s) && typeof s.url === 'string' ? [s.url] : [],
    );
  const bUrls = urls(b);
  const rUrls = urls(r);
  for (const url of bUrls.filter((u) => !rUrls.includes(u)))
    compare.report('server-removed', at(['servers']), `server ${url} removed`, 'base');
  for (const url of rUrls.filter((u) => !bUrls.includes(u)))
    compare.report('server-added', at(['servers']), `server ${url} added`);
}

function compareOperation(compare: Compare, b: OperationEntry, r: OperationEntry): void {
  const at = ['paths', r.path, r.method];
  const position: Position = { logical: at, base: ['paths', b.path, b.method], revision: at };
  const bOp = b.operation;
  const rOp = r.operation;
  if (!same(bOp.operationId, rOp.operationId))
    compare.report(
      'operation-id-changed',
      { ...position, logical: [...at, 'operationId'] },
      `operationId ${String(bOp.operationId)} -> ${String(rOp.operationId)}`,
    );
  for (const keyword of ['summary', 'description', 'deprecated'])
    if (!same(bOp[keyword], rOp[keyword]))
      compare.report(
        DOC_RULES[keyword]!,
        { ...position, logical: [...at, keyword] },
        `operation ${keyword} changed`,
      );
  compareParameters(compare, b, r);
  compareRequestBody(compare, b, r, at);
  compareResponses(compare, b, r, at);
  compareSecurity(compare, b, r, at);
}

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

function parameterSchema(parameter: Dict, at: string[]): { node: Json | undefined; at: string[] } {
  if (parameter.schema !== undefined) return { node: parameter.schema, at: [...at, 'schema'] };
  const content = isDict(parameter.content) ? parameter.content : {};
  const [media] = Object.keys(content);
  const entry = media ? content[media] : undefined;
  return {
    node: isDict(entry) ? entry.schema : undefined,
    at: [...at, 'content', media ?? '', 'schema'],
  };
}

function compareParameters(compare: Compare, b: OperationEntry, r: OperationEntry): void {
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

function compareRequestBody(
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

/** Compares the `content` maps of two request bodies or responses. */
function compareContent(
  compare: Compare,
  direction: 'request' | 'response',
  b: { node: Json | undefined; at: string[] },
  r: { node: Json | undefined; at: string[] },
  logical: string[],
  what: string,
  success: boolean,
): void {
  const bContent = isDict(b.node) && isDict(b.node.content) ? b.node.content : {};
  const rContent = isDict(r.node) && isDict(r.node.content) ? r.node.content : {};
  for (const [media, bMedia] of Object.entries(bContent)) {
    const rMedia = rContent[media];
    const at = [...logical, 'content', media];
    const position: Position = {
      logical: at,
      base: [...b.at, 'content', media],
      revision: [...r.at, 'content', media],
    };
    if (rMedia === undefined) {
      const rule =
        direction === 'request'
          ? 'request-media-type-removed'
          : success
            ? 'response-success-media-type-removed'
            : 'response-media-type-removed';
      compare.report(rule, position, `${what}: media type ${media} removed`, 'base');
      continue;
    }
    const bNode = isDict(bMedia) ? bMedia : {};
    const rNode = isDict(rMedia) ? rMedia : {};
    for (const keyword of ['example', 'examples'])
      if (!same(bNode[keyword], rNode[keyword]))
        compare.report('example-changed', position, `${what} (${media}): ${keyword} changed`);
    compareSchema(
      compare,
      direction,
      { node: bNode.schema, at: [...position.base, 'schema'] },
      { node: rNode.schema, at: [...position.revision, 'schema'] },
      [...at, 'schema'],
      `${what} (${media})`,
    );
  }
  for (const media of Object.keys(rContent)) {
    if (media in bContent) continue;
    const at = [...logical, 'content', media];
    compare.report(
      direction === 'request' ? 'request-media-type-added' : 'response-media-type-added',
      { logical: at, base: b.at, revision: [...r.at, 'content', media] },
      `${what}: media type ${media} added`,
    );
  }
}

const isSuccess = (status: string): boolean => /^2(\d\d|XX)$/i.test(status);

function compareResponses(
  compare: Compare,
  b: OperationEntry,
  r: OperationEntry,
  at: string[],
): void {
  const bResponses = isDict(b.operation.responses) ? b.operation.responses : {};
  const rResponses = isDict(r.operation.responses) ? r.operation.responses : {};
  const bAt = ['paths', b.path, b.method, 'responses'];
  for (const [status, raw] of Object.entries(bResponses)) {
    const logical = [...at, 'responses', status];
    const before = follow(compare.base.doc, raw, [...bAt, status], compare.base.name);
    if (rResponses[status] === undefined) {
      compare.report(
        isSuccess(status) ? 'response-success-status-removed' : 'response-status-removed',
        { logical, base: before.at, revision: logical },
        `response ${status} removed`,
        'base',
      );
      continue;
    }
    const after = follow(compare.revision.doc, rResponses[status], logical, compare.revision.name);
    const position: Position = { logical, base: before.at, revision: after.at };
    const bNode = isDict(before.node) ? before.node : {};
    const rNode = isDict(after.node) ? after.node : {};
    if (!same(bNode.description, rNode.description))
      compare.report('description-changed', position, `response ${status}: description changed`);
    if (isSuccess(status)) {
      const rHeaders = new Set(
        Object.keys(isDict(rNode.headers) ? rNode.headers : {}).map((h) => h.toLowerCase()),
      );
      for (const header of Object.keys(isDict(bNode.headers) ? bNode.headers : {}))
        if (!rHeaders.has(header.toLowerCase()))
          compare.report(
            'response-header-removed',
            { ...position, logical: [...logical, 'headers', header] },
            `response ${status}: header ${header} removed`,
            'base',
          );
    }
    compareContent(
      compare,
      'response',
      before,
      after,
      logical,
      `response ${status}`,
      isSuccess(status),
    );
  }
  for (const status of Object.keys(rResponses)) {
    if (status in bResponses) continue;
    const logical = [...at, 'responses', status];
    compare.report(
      'response-status-added',
      { logical, base: logical, revision: logical },
      `response ${status} added`,
    );
  }
}

/** The security requirement alternatives in effect, each as sorted scheme names joined by '+'. */
function requirementKeys(doc: Dict, operation: Dict): string[] {
  const requirements = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  return requirements
    .filter(isDict)
    .map((requirement) => Object.keys(requirement).sort().join('+'));
}

function compareSecurity(
  compare: Compare,
  b: OperationEntry,
  r: OperationEntry,
  at: string[],
): void {
  const before = requirementKeys(compare.base.doc, b.operation);
  const after = requirementKeys(compare.revision.doc, r.operation);
  const logical = [...at, 'security'];
  const position: Position = { logical, base: logical, revision: logical };
  const beforeOpen = before.length === 0 || before.includes('');
  const afterOpen = after.length === 0 || after.includes('');
  if (!afterOpen && beforeOpen) {
    compare.report(
      'security-requirement-added',
      position,
      `authentication now required (${after.join(' or ')})`,
    );
  } else if (!afterOpen) {
    for (const key of before.filter((k) => !after.includes(k)))
      compare.report(
        'security-requirement-removed',
        position,
        `authentication with ${key} no longer accepted`,
        'base',
      );
  }
  if (!beforeOpen)
    for (const key of after.filter((k) => k !== '' && !before.includes(k)))
      compare.report(
        'security-alternative-added',
        position,
        `authentication with ${key} now accepted`,
      );

  const schemes = (doc: Dict): Dict => {
    const components = isDict(doc.components) ? doc.components : {};
    return isDict(components.securitySchemes) ? components.securitySchemes : {};
  };
  const bSchemes = schemes(compare.base.doc);
  const rSchemes = schemes(compare.revision.doc);
  for (const name of new Set(before.flatMap((key) => key.split('+')).filter(Boolean))) {
    const schemeAt = ['components', 'securitySchemes', name];
    const old = follow(compare.base.doc, bSchemes[name], schemeAt, compare.base.name).node;
    const place: Position = { logical: schemeAt, base: schemeAt, revision: schemeAt };
    if (rSchemes[name] === undefined) {
      compare.report('security-scheme-removed', place, `security scheme ${name} removed`, 'base');
      continue;
    }
    const now = follow(compare.revision.doc, rSchemes[name], schemeAt, compare.revision.name).node;
    if (!isDict(old) || !isDict(now)) continue;
    if (
      old.type !== now.type ||
      String(old.scheme ?? '').toLowerCase() !== String(now.scheme ?? '').toLowerCase()
    )
      compare.report(
        'security-scheme-type-changed',
        place,
        `security scheme ${name}: ${String(old.type)} ${String(old.scheme ?? '')} -> ${String(now.type)} ${String(now.scheme ?? '')}`.replace(
          / +/g,
          ' ',
        ),
      );
    else if (old.type === 'apiKey') {
      if (String(old.in) !== String(now.in))
        compare.report(
          'security-api-key-location-changed',
          place,
          `security scheme ${name}: key moved from ${String(old.in)} to ${String(now.in)}`,
        );
      const caseless = old.in === 'header' && now.in === 'header';
      const oldName = caseless ? String(old.name).toLowerCase() : String(old.name);
      const newName = caseless ? String(now.name).toLowerCase() : String(now.name);
      if (oldName !== newName)
        compare.report(
          'security-api-key-name-changed',
          place,
          `security scheme ${name}: key name ${String(old.name)} -> ${String(now.name)}`,
        );
    }
  }
}
