import { canonicalJson } from '../../../common/canonical.ts';
import { PipelineError } from '../../lib/errors.ts';
import type { SpecSource } from '../../lib/spec-files.ts';
import { isDict } from '../../../common/json.ts';
import { own, type JoinContext } from './context.ts';

/** Tags by name: a tag declared in several documents must be declared identically. */
export function collectTags(context: JoinContext, { file, doc }: SpecSource): void {
  const tags = own(doc, 'tags');
  for (const tag of Array.isArray(tags) ? tags : []) {
    if (!isDict(tag) || typeof tag.name !== 'string') continue;
    const canonical = canonicalJson(tag);
    const seen = context.tags.get(tag.name);
    if (!seen) context.tags.set(tag.name, { value: tag, canonical, file });
    else if (seen.canonical !== canonical) {
      context.errors.push(
        new PipelineError(`tag '${tag.name}' is declared differently`, [
          { file: seen.file, pointer: '#/tags' },
          { file, pointer: '#/tags' },
        ]),
      );
    }
  }
}
