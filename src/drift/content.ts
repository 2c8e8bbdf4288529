/**
 * The `content` map of a request body or a response: media types removed or added, and each
 * shared media type's schema compared in the right direction.
 */
import type { Json } from '../../common/json.ts';
import type { Comparison, Position } from './compare.ts';
import { isDict } from '../../common/json.ts';
import { compareSchema, same } from './schema.ts';

/**
 * Compares the `content` maps of two request bodies or responses (`base` and `revision` are the
 * bodies or responses); `success` for a 2XX response.
 */
export function compareContent(part: Comparison<Json | undefined> & { success: boolean }): void {
  const { compare, direction, base: b, revision: r, at: reached, what, success } = part;
  const bContent = isDict(b) && isDict(b.content) ? b.content : {};
  const rContent = isDict(r) && isDict(r.content) ? r.content : {};
  for (const [media, bMedia] of Object.entries(bContent)) {
    const rMedia = rContent[media];
    const at = [...reached.logical, 'content', media];
    const position: Position = {
      logical: at,
      base: [...reached.base, 'content', media],
      revision: [...reached.revision, 'content', media],
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
    compareSchema({
      compare,
      direction,
      base: bNode.schema,
      revision: rNode.schema,
      at: {
        logical: [...at, 'schema'],
        base: [...position.base, 'schema'],
        revision: [...position.revision, 'schema'],
      },
      what: `${what} (${media})`,
    });
  }
  for (const media of Object.keys(rContent)) {
    if (media in bContent) continue;
    const at = [...reached.logical, 'content', media];
    compare.report(
      direction === 'request' ? 'request-media-type-added' : 'response-media-type-added',
      { logical: at, base: reached.base, revision: [...reached.revision, 'content', media] },
      `${what}: media type ${media} added`,
    );
  }
}
