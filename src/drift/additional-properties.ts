/**
 * `additionalProperties`, as the generated type and the server see it. openapi-typescript 7
 * (with our `additionalProperties: false` option, its default) gives an object an index
 * signature only when the schema has `additionalProperties: true`, `{}` or a schema; `false`
 * and absent both give none, but `false` also makes the server reject extra keys.
 */
import type { Comparison } from './compare.ts';
import type { ExtraKeys, Shape } from './shape.ts';

/** From fewest extra keys accepted to most, as a typed consumer meets them. */
const RANK: Record<ExtraKeys, number> = { closed: 0, unlisted: 1, typed: 2, any: 3 };

const SPELLING: Record<ExtraKeys, string> = {
  closed: 'false',
  unlisted: 'absent',
  typed: 'a schema',
  any: 'true',
};

/**
 * Compares the extra keys two object schemas allow (both `typed`: the caller compares the two
 * schemas). Request: fewer accepted is breaking (keys we send now fail at the server or no
 * longer compile). Response: more is a warning (new unknown keys may arrive; it compiles), an
 * index signature gone is breaking (code reading extra keys stops compiling), less is info.
 */
export function compareExtraKeys(part: Comparison<Shape>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
  const before = RANK[b.extraKeys];
  const after = RANK[r.extraKeys];
  if (before === after) return;
  const change = `${what}: additionalProperties ${SPELLING[b.extraKeys]} -> ${SPELLING[r.extraKeys]}`;
  if (request) {
    compare.report(
      after < before
        ? 'request-additional-properties-narrowed'
        : 'request-additional-properties-widened',
      at,
      change,
    );
  } else if (after > before) {
    compare.report('response-additional-properties-widened', at, change);
  } else {
    const indexSignatureGone = before >= RANK.typed && after < RANK.typed;
    compare.report(
      indexSignatureGone
        ? 'response-index-signature-removed'
        : 'response-additional-properties-narrowed',
      at,
      change,
    );
  }
}
