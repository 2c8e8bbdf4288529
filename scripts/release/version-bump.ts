/**
 * The version bump a regeneration calls for, from the drift report: major when a change breaks
 * code compiled against the pinned types (a removed operation, property or exported name, a
 * narrowed type), minor when it only adds (a property, an exported name, a status), patch for
 * any other change, none when nothing the client pins changed. Operations upstream that the
 * client does not pin change nothing in it and are not counted.
 */
import type { DriftCause } from '../../src/drift/index.ts';

export type Bump = 'major' | 'minor' | 'patch' | 'none';

/** The causes that change the client: all but the operations upstream that it does not pin. */
export function countedCauses(causes: readonly DriftCause[]): DriftCause[] {
  return causes.filter((cause) => cause.id !== 'operation-added');
}

export function bumpOf(causes: readonly DriftCause[]): Bump {
  const counted = countedCauses(causes);
  if (counted.length === 0) return 'none';
  if (counted.some((cause) => cause.breaking)) return 'major';
  if (counted.some((cause) => cause.id.endsWith('-added'))) return 'minor';
  return 'patch';
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * `version` bumped (`1.2.3` + minor -> `1.3.0`; a prerelease or build suffix is dropped). Throws
 * on a version that is not `MAJOR.MINOR.PATCH`.
 */
export function bumpVersion(version: string, bump: Exclude<Bump, 'none'>): string {
  const match = SEMVER.exec(version);
  if (!match) throw new Error(`version "${version}" is not MAJOR.MINOR.PATCH`);
  const [major, minor, patch] = match.slice(1, 4).map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
