import { HTTP_METHODS, canonicalJson } from '../../../common/canonical.ts';
import { PipelineError } from '../../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../../lib/spec-files.ts';
import { isDict } from '../../../common/json.ts';
import { own, type JoinContext, type Seen } from './context.ts';

/**
 * Path items field by field: an operation (path + method) may come from one document only; other
 * path-item fields (`parameters`, `summary`, ...) must agree. Counts operations and refuses a
 * repeated operationId.
 */
export function collectPaths(context: JoinContext, { file, doc }: SpecSource): void {
  const paths = own(doc, 'paths');
  for (const [route, item] of Object.entries(isDict(paths) ? paths : {})) {
    if (!isDict(item)) continue;
    const joinedItem = context.paths.get(route) ?? new Map<string, unknown>();
    context.paths.set(route, joinedItem);
    const fields = context.pathFields.get(route) ?? new Map<string, Seen>();
    context.pathFields.set(route, fields);
    if (!context.origins.has(pointerFrom(['paths', route])))
      context.origins.set(pointerFrom(['paths', route]), file);
    for (const [key, value] of Object.entries(item)) {
      const pointer = pointerFrom(['paths', route, key]);
      const isOperation = (HTTP_METHODS as readonly string[]).includes(key);
      const seen = fields.get(key);
      const canonical = canonicalJson(value);
      if (seen && (isOperation || seen.canonical !== canonical)) {
        const what = isOperation
          ? `operation ${key.toUpperCase()} ${route} is defined in two documents`
          : `path item '${route}' has a different '${key}' in two documents`;
        context.errors.push(
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
      context.origins.set(pointer, file);
      if (isOperation && isDict(value)) collectOperation(context, file, route, key, value);
    }
  }
}

function collectOperation(
  context: JoinContext,
  file: string,
  route: string,
  method: string,
  operation: Record<string, unknown>,
): void {
  context.operationCount++;
  const id = own(operation, 'operationId');
  if (typeof id !== 'string') return;
  const idPointer = pointerFrom(['paths', route, method, 'operationId']);
  const previous = context.operationIds.get(id);
  if (previous) {
    context.errors.push(
      new PipelineError(`operationId '${id}' is used twice`, [
        { file: previous.file, pointer: previous.pointer },
        { file, pointer: idPointer },
      ]),
    );
  } else {
    context.operationIds.set(id, { file, pointer: idPointer });
  }
}
