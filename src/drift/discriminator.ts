/**
 * Discriminators. openapi-typescript types each mapped schema's tag property as the literal(s)
 * that select it (`kind: "cat"`), so the tag values are a literal union a `switch` runs over.
 */
import type { Comparison } from './compare.ts';
import type { Shape } from './shape.ts';

const list = (values: string[]): string => values.map((v) => `'${v}'`).join(', ');

/** Compares the discriminators of a `oneOf`/`anyOf` on both sides. */
export function compareDiscriminators(part: Comparison<Shape['discriminator']>): void {
  const { compare, direction, base: b, revision: r, at, what } = part;
  const request = direction === 'request';
  if (b === null && r === null) return;
  if (b?.propertyName !== r?.propertyName) {
    compare.report(
      'discriminator-property-changed',
      at,
      `${what}: discriminator ${b?.propertyName ?? 'none'} -> ${r?.propertyName ?? 'none'}`,
    );
    return;
  }
  const removed = b!.values.filter((value) => !r!.values.includes(value));
  const added = r!.values.filter((value) => !b!.values.includes(value));
  if (removed.length > 0)
    compare.report(
      request ? 'request-discriminator-value-removed' : 'response-discriminator-value-removed',
      at,
      `${what}: ${b!.propertyName} value${removed.length > 1 ? 's' : ''} ${list(removed)} removed`,
    );
  if (added.length > 0)
    compare.report(
      request ? 'request-discriminator-value-added' : 'response-discriminator-value-added',
      at,
      `${what}: ${b!.propertyName} value${added.length > 1 ? 's' : ''} ${list(added)} added`,
    );
}
