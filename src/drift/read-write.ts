/**
 * `readOnly` and `writeOnly`, as our generator emits them: openapi-typescript 7 (scripts/
 * typegen.ts, `readWriteMarkers: false`) marks a `readOnly` property `readonly` and ignores
 * `writeOnly`; it keeps both kinds of property in request and response types alike. So a
 * change shows in the types only as the `readonly` modifier; the rest happens at run time.
 */
import type { Comparison } from './compare.ts';
import type { Shape } from './shape.ts';

const flag = (shape: Shape, keyword: 'readOnly' | 'writeOnly'): boolean =>
  shape.keywords.get(keyword) === true;

/** Compares the `readOnly`/`writeOnly` markers of a value on both sides. */
export function compareReadWrite(part: Comparison<Shape>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
  const wasReadOnly = flag(b, 'readOnly');
  const isReadOnly = flag(r, 'readOnly');
  if (!wasReadOnly && isReadOnly)
    compare.report(
      'property-became-read-only',
      at,
      request
        ? `${what} became readOnly: the server may ignore or reject what we send`
        : `${what} became readOnly (the generated type marks it readonly)`,
    );
  if (wasReadOnly && !isReadOnly)
    compare.report('property-no-longer-read-only', at, `${what} is no longer readOnly`);
  const wasWriteOnly = flag(b, 'writeOnly');
  const isWriteOnly = flag(r, 'writeOnly');
  if (wasWriteOnly === isWriteOnly) return;
  if (isWriteOnly && !request)
    compare.report(
      'response-property-became-write-only',
      at,
      `${what} became writeOnly: no longer returned, though the generated type still has it`,
    );
  else
    compare.report(
      'write-only-changed',
      at,
      `${what} ${isWriteOnly ? 'became' : 'is no longer'} writeOnly`,
    );
}
