import { SHARED_TOP_LEVEL_FIELDS, canonicalJson } from '../../../common/canonical.ts';
import { PipelineError } from '../../lib/errors.ts';
import type { SpecSource } from '../../lib/spec-files.ts';
import type { JoinContext } from './context.ts';

/** Shared top-level fields (`info`, `servers`, ...): every document repeats them identically. */
export function collectSharedFields(context: JoinContext, { file, doc }: SpecSource): void {
  for (const key of SHARED_TOP_LEVEL_FIELDS) {
    if (!Object.hasOwn(doc, key)) continue;
    const canonical = canonicalJson(doc[key]);
    const seen = context.shared.get(key);
    if (!seen) context.shared.set(key, { value: doc[key], canonical, file });
    else if (seen.canonical !== canonical) {
      context.errors.push(
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
}
