/**
 * Path-typed TypeScript from the joined document, with openapi-typescript's API, in this process,
 * from the already parsed and linted object.
 */
import {
  astToString,
  resolveRef,
  scanDiscriminators,
  transformSchema,
  tsLiteral,
  tsUnion,
  type OpenAPITSOptions,
  type SchemaObject,
} from 'openapi-typescript';
import ts from 'typescript';
import { patternLiterals } from '../../common/pattern-literals.ts';
import { SENT_WITH_DEFAULT, markRequestDefaults } from './request-defaults.ts';

/** A property marked by markRequestDefaults gets its `?` back: the server fills it in. */
function optionalWhenMarked(
  property: ts.PropertySignature,
  schema: unknown,
): ts.PropertySignature | undefined {
  if (property.questionToken || !(schema as Record<string, unknown>)?.[SENT_WITH_DEFAULT])
    return undefined;
  return ts.factory.updatePropertySignature(
    property,
    property.modifiers,
    property.name,
    ts.factory.createToken(ts.SyntaxKind.QuestionToken),
    property.type,
  );
}

/**
 * A string whose `pattern` lists its values (`^(minute|hour|day|week)$`, FastAPI's `Literal`) is
 * the union of those values, as an `enum` would be: completion offers them and a typo fails to
 * compile (the client checks the pattern at run time either way). Any other pattern: `string`.
 */
function literalsOfPattern(schema: SchemaObject): ts.TypeNode | undefined {
  if (schema.type !== 'string' || 'enum' in schema || 'const' in schema) return undefined;
  const literals = patternLiterals((schema as { pattern?: unknown }).pattern);
  return literals && tsUnion(literals.map((literal) => tsLiteral(literal)));
}

/**
 * The options we generate with: openapi-typescript's defaults, plus request-side defaults
 * optional and enum-like patterns as unions.
 */
export const OPTIONS = {
  silent: true,
  transform: literalsOfPattern,
  transformProperty: optionalWhenMarked,
} satisfies OpenAPITSOptions;

/**
 * openapi-typescript's output (`paths`, `components`, `operations`, ...) for `doc`.
 *
 * `openapiTS()` first lints and bundles the document again with its own copy of Redocly 1.x:
 * at 500 operations that second pass cost 1.7 s of a 5.1 s run, for nothing, since the document
 * is already joined, linted and has only local `$ref`s. So this calls the transform that
 * `openapiTS()` calls after that pass, with the context it would build from OPTIONS (7.13.0's
 * defaults plus our `transform` and `transformProperty`), on the document marked by markRequestDefaults.
 * test/scripts/pipeline/typegen.test.ts holds the two outputs equal
 * (test/helpers/typegen-reference.ts) (also on a document with request bodies), so an upgrade that
 * changes the context fails there rather than in users' types.
 */
export function pathTypes(doc: Record<string, unknown>): string {
  const schema = markRequestDefaults(doc).doc as never;
  const ctx = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: scanDiscriminators(schema, OPTIONS),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    redoc: undefined,
    silent: true,
    inject: undefined,
    transform: OPTIONS.transform,
    transformProperty: OPTIONS.transformProperty,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve($ref: string) {
      return resolveRef(schema, $ref, { silent: true });
    },
  };
  return astToString(transformSchema(schema, ctx as never));
}
