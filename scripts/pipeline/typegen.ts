/**
 * Path-typed TypeScript from the joined document, with openapi-typescript's API, in this process,
 * from the already parsed and linted object.
 */
import openapiTS, {
  astToString,
  resolveRef,
  scanDiscriminators,
  transformSchema,
} from 'openapi-typescript';

/** The options we generate with (openapi-typescript's defaults, stated). */
const OPTIONS = { silent: true } as const;

/**
 * openapi-typescript's output (`paths`, `components`, `operations`, ...) for `doc`.
 *
 * `openapiTS()` first lints and bundles the document again with its own copy of Redocly 1.x:
 * at 500 operations that second pass cost 1.7 s of a 5.1 s run, for nothing, since the document
 * is already joined, linted and has only local `$ref`s. So this calls the transform that
 * `openapiTS()` calls after that pass, with the context it would build (7.13.0's defaults).
 * test/typegen.test.ts holds the two outputs equal, so an upgrade that changes the context fails
 * there rather than in users' types.
 */
export function pathTypes(doc: Record<string, unknown>): string {
  const schema = structuredClone(doc) as never;
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
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve($ref: string) {
      return resolveRef(schema, $ref, { silent: true });
    },
  };
  return astToString(transformSchema(schema, ctx as never));
}

/** The same through openapi-typescript's public entry point (slower; the reference in tests). */
export async function pathTypesViaOpenapiTS(doc: Record<string, unknown>): Promise<string> {
  return astToString(await openapiTS(structuredClone(doc) as never, OPTIONS));
}
