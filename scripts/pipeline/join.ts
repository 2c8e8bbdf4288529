/**
 * Joins the one-operation documents of `spec/` into one OpenAPI document. Pure: takes parsed
 * sources, returns the joined document and where each part came from.
 */
import { HTTP_METHODS, SHARED_TOP_LEVEL_FIELDS, canonicalJson } from '../../src/canonical.ts';
import { PipelineError, PipelineErrors, type SourcePlace } from '../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../lib/spec-files.ts';

export interface JoinResult {
  doc: Record<string, unknown>;
  /** Which source file a pointer prefix came from (`#/paths/~1a/get` -> `spec/a.yaml`). */
  origins: Map<string, string>;
  operationCount: number;
  schemaCount: number;
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sortedDict(entries: Map<string, unknown>): Dict {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every local `$ref` in `node` must resolve inside `doc` itself; returns the broken ones. */
export function brokenLocalRefs(doc: Dict): { pointer: string; ref: string; reason: string }[] {
  const broken: { pointer: string; ref: string; reason: string }[] = [];
  const resolves = (ref: string): boolean => {
    let node: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isDict(node) && !Array.isArray(node)) return false;
      if (!(segment in (node as Dict))) return false;
      node = (node as Dict)[segment];
    }
    return true;
  };
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, index]));
      return;
    }
    if (!isDict(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const at = pointerFrom([...path, '$ref']);
      if (!ref.startsWith('#')) {
        broken.push({
          pointer: at,
          ref,
          reason: 'external references are not supported; inline it or move it to components',
        });
      } else if (ref !== '#' && !resolves(ref)) {
        broken.push({ pointer: at, ref, reason: 'does not resolve inside this document' });
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$ref') walk(value, [...path, key]);
    }
  };
  walk(doc, []);
  return broken;
}

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
  const errors: PipelineError[] = [];
  const origins = new Map<string, string>();
  const top = new Map<string, { value: unknown; canonical: string; file: string }>();
  const paths = new Map<string, Map<string, unknown>>();
  const pathFields = new Map<string, Map<string, { canonical: string; file: string }>>();
  const components = new Map<string, Map<string, unknown>>();
  const componentSeen = new Map<string, { canonical: string; file: string }>();
  const tags = new Map<string, { value: Dict; canonical: string; file: string }>();
  const operationIds = new Map<string, { file: string; pointer: string }>();
  let operationCount = 0;

  for (const { file, doc } of sources) {
    for (const broken of brokenLocalRefs(doc)) {
      errors.push(
        new PipelineError(`$ref '${broken.ref}' ${broken.reason}`, [
          { file, pointer: broken.pointer },
        ]),
      );
    }
    for (const key of SHARED_TOP_LEVEL_FIELDS) {
      if (!(key in doc)) continue;
      const canonical = canonicalJson(doc[key]);
      const seen = top.get(key);
      if (!seen) top.set(key, { value: doc[key], canonical, file });
      else if (seen.canonical !== canonical) {
        errors.push(
          new PipelineError(
            `documents disagree on '${key}': every document must repeat it identically`,
            [
              { file: seen.file, pointer: `#/${key}` },
              { file, pointer: `#/${key}` },
            ],
          ),
        );
      }
    }
    for (const tag of Array.isArray(doc.tags) ? doc.tags : []) {
      if (!isDict(tag) || typeof tag.name !== 'string') continue;
      const canonical = canonicalJson(tag);
      const seen = tags.get(tag.name);
      if (!seen) tags.set(tag.name, { value: tag, canonical, file });
      else if (seen.canonical !== canonical) {
        errors.push(
          new PipelineError(`tag '${tag.name}' is declared differently`, [
            { file: seen.file, pointer: '#/tags' },
            { file, pointer: '#/tags' },
          ]),
        );
      }
    }
    for (const [section, entries] of Object.entries(isDict(doc.components) ? doc.components : {})) {
      if (!isDict(entries)) continue;
      const merged = components.get(section) ?? new Map<string, unknown>();
      components.set(section, merged);
      for (const [name, value] of Object.entries(entries)) {
        const pointer = pointerFrom(['components', section, name]);
        const canonical = canonicalJson(value);
        const seen = componentSeen.get(pointer);
        if (!seen) {
          componentSeen.set(pointer, { canonical, file });
          merged.set(name, value);
          origins.set(pointer, file);
        } else if (seen.canonical !== canonical) {
          errors.push(
            new PipelineError(
              `component '${section}/${name}' is defined differently in two documents`,
              [
                { file: seen.file, pointer },
                { file, pointer },
              ],
            ),
          );
        }
      }
    }
    for (const [route, item] of Object.entries(isDict(doc.paths) ? doc.paths : {})) {
      if (!isDict(item)) continue;
      const joinedItem = paths.get(route) ?? new Map<string, unknown>();
      paths.set(route, joinedItem);
      const fields =
        pathFields.get(route) ?? new Map<string, { canonical: string; file: string }>();
      pathFields.set(route, fields);
      if (!origins.has(pointerFrom(['paths', route])))
        origins.set(pointerFrom(['paths', route]), file);
      for (const [key, value] of Object.entries(item)) {
        const pointer = pointerFrom(['paths', route, key]);
        const isOperation = (HTTP_METHODS as readonly string[]).includes(key);
        const seen = fields.get(key);
        const canonical = canonicalJson(value);
        if (seen && (isOperation || seen.canonical !== canonical)) {
          const what = isOperation
            ? `operation ${key.toUpperCase()} ${route} is defined in two documents`
            : `path item '${route}' has a different '${key}' in two documents`;
          errors.push(
            new PipelineError(what, [
              { file: seen.file, pointer },
              { file, pointer },
            ]),
          );
          continue;
        }
        if (seen) continue;
        fields.set(key, { canonical, file });
        joinedItem.set(key, value);
        origins.set(pointer, file);
        if (!isOperation || !isDict(value)) continue;
        operationCount++;
        const id = value.operationId;
        if (typeof id !== 'string') continue;
        const idPointer = pointerFrom(['paths', route, key, 'operationId']);
        const previous = operationIds.get(id);
        if (previous) {
          errors.push(
            new PipelineError(`operationId '${id}' is used twice`, [
              { file: previous.file, pointer: previous.pointer },
              { file, pointer: idPointer },
            ]),
          );
        } else {
          operationIds.set(id, { file, pointer: idPointer });
        }
      }
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new PipelineErrors(errors);

  const doc: Dict = {};
  for (const key of SHARED_TOP_LEVEL_FIELDS) {
    const seen = top.get(key);
    if (seen) doc[key] = seen.value;
  }
  if (tags.size > 0)
    doc.tags = [...tags.values()]
      .map((tag) => tag.value)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  doc.paths = sortedDict(
    new Map([...paths].map(([route, item]) => [route, Object.fromEntries(item)])),
  );
  if (components.size > 0) {
    doc.components = sortedDict(
      new Map([...components].map(([section, entries]) => [section, sortedDict(entries)])),
    );
  }
  const schemaCount = components.get('schemas')?.size ?? 0;
  return { doc, origins, operationCount, schemaCount };
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

export type { SourcePlace };
