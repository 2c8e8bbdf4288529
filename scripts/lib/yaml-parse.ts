/**
 * YAML parsing exactly as Redocly parses it (`parseYaml` of @redocly/openapi-core: js-yaml's
 * core schema with merge, binary, omap, pairs and set, without timestamps), without loading the
 * rest of Redocly: importing @redocly/openapi-core costs 2-4 s of startup, and every command
 * that reads spec/ (drift, generate's fast path) would pay it. js-yaml is our own declared dev
 * dependency, pinned to the version Redocly depends on (npm dedupes the two to one copy), so
 * both parse with the same code. Not the `yaml` package: on the whole API written as YAML it
 * parsed about 4x slower than js-yaml, and spec/ is YAML as ingested.
 */
import { createRequire } from 'node:module';

type JsYaml = typeof import('js-yaml');

let loaded: { jsYaml: JsYaml; schema: JsYaml['CORE_SCHEMA'] } | undefined;

/** js-yaml and Redocly's schema, loaded on the first YAML parse: a JSON-only run never pays. */
function redoclyYaml(): { jsYaml: JsYaml; schema: JsYaml['CORE_SCHEMA'] } {
  if (loaded) return loaded;
  const jsYaml = createRequire(import.meta.url)('js-yaml') as JsYaml;
  const schema = jsYaml.CORE_SCHEMA.withTags(
    jsYaml.mergeTag,
    jsYaml.binaryTag,
    jsYaml.omapTag,
    jsYaml.pairsTag,
    jsYaml.setTag,
  );
  return (loaded = { jsYaml, schema });
}

/** Parses one YAML document; throws js-yaml's YAMLException (with `mark` and `reason`). */
export function parseYaml(text: string): unknown {
  const { jsYaml, schema } = redoclyYaml();
  const documents = jsYaml.loadAll(text, { schema });
  if (documents.length === 0) return text.trim() === '' ? undefined : null;
  if (documents.length > 1)
    throw new jsYaml.YAMLException('expected a single document in the stream, but found more');
  return documents[0];
}
