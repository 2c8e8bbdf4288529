/**
 * The `content` map of a request body or a response: media types removed or added, and each
 * shared media type's schema compared in the right direction.
 */
import type { Json } from '../../common/json.ts';
import type { Compare, Direction, Position } from './compare.ts';
import { isDict } from '../../common/json.ts';
import { compareSchema, same } from './schema.ts';

/** Compares the `content` maps of two request bodies or responses. */
export function compareContent(
  compare: Compare,
  direction: Direction,
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
