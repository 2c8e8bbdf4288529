/**
 * Response rules: status codes, and each response's headers and content.
 */
import { placedPair, type Compare, type Position } from './compare.ts';
import { compareContent } from './content.ts';
import { isDict } from '../../common/json.ts';
import { follow, own, type OperationEntry } from './document.ts';
import { compareResponseHeaders } from './headers.ts';
import { same } from './schema.ts';

const isSuccess = (status: string): boolean => /^2(\d\d|XX)$/i.test(status);

export function compareResponses(
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
    const revised = own(rResponses, status);
    if (revised === undefined) {
      compare.report(
        isSuccess(status) ? 'response-success-status-removed' : 'response-status-removed',
        { logical, base: before.at, revision: logical },
        `response ${status} removed`,
        'base',
      );
      continue;
    }
    const after = follow(compare.revision.doc, revised, logical, compare.revision.name);
    const position: Position = { logical, base: before.at, revision: after.at };
    const bNode = isDict(before.node) ? before.node : {};
    const rNode = isDict(after.node) ? after.node : {};
    if (!same(bNode.description, rNode.description))
      compare.report('description-changed', position, `response ${status}: description changed`);
    compareResponseHeaders(compare, status, before, after, logical);
    compareContent({
      compare,
      direction: 'response',
      ...placedPair(logical, before, after),
      what: `response ${status}`,
      success: isSuccess(status),
    });
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
