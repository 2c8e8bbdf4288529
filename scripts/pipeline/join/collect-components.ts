import { canonicalJson } from '../../../common/canonical.ts';
import { PipelineError } from '../../lib/errors.ts';
import { pointerFrom, type SpecSource } from '../../lib/spec-files.ts';
import { isDict } from '../../../common/json.ts';
import { own, type JoinContext } from './context.ts';

/** Components by section and name: identical ones merge, different ones with one name clash. */
export function collectComponents(context: JoinContext, { file, doc }: SpecSource): void {
  const components = own(doc, 'components');
  for (const [section, entries] of Object.entries(isDict(components) ? components : {})) {
    if (!isDict(entries)) continue;
    const merged = context.components.get(section) ?? new Map<string, unknown>();
    context.components.set(section, merged);
    for (const [name, value] of Object.entries(entries)) {
      const pointer = pointerFrom(['components', section, name]);
      const canonical = canonicalJson(value);
      const seen = context.componentSeen.get(pointer);
      if (!seen) {
        context.componentSeen.set(pointer, { canonical, file });
        merged.set(name, value);
        context.origins.set(pointer, file);
      } else if (seen.canonical !== canonical) {
        context.errors.push(
          new PipelineError(
            `component '${section}/${name}' is defined differently in two documents`,
            [
              { file: seen.file, pointer },
              { file, pointer },
            ],
          ),
        );
      }
    }
  }
}
