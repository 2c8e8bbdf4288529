/**
 * Security rules: the requirements an operation accepts and the schemes it uses.
 */
import type { Compare, Position } from './compare.ts';
import { isDict } from '../../common/json.ts';
import { follow, own, type Dict, type OperationEntry } from './document.ts';

/** The security requirement alternatives in effect, each as sorted scheme names joined by '+'. */
function requirementKeys(doc: Dict, operation: Dict): string[] {
  const requirements = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  return requirements
    .filter((requirement) => isDict(requirement))
    .map((requirement) => Object.keys(requirement).sort().join('+'));
}

export function compareSecurity(
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
    const old = follow(compare.base.doc, own(bSchemes, name), schemeAt, compare.base.name).node;
    const place: Position = { logical: schemeAt, base: schemeAt, revision: schemeAt };
    const revised = own(rSchemes, name);
    if (revised === undefined) {
      compare.report('security-scheme-removed', place, `security scheme ${name} removed`, 'base');
      continue;
    }
    const now = follow(compare.revision.doc, revised, schemeAt, compare.revision.name).node;
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
