import openapiTS, { astToString } from 'openapi-typescript';
import { OPTIONS } from '../../scripts/pipeline/typegen.ts';
import { markRequestDefaults } from '../../scripts/pipeline/request-defaults.ts';

/**
 * scripts/pipeline/typegen.ts `pathTypes` through openapi-typescript's public entry point: slower
 * (it lints and bundles again with its own Redocly), the reference the fast path must equal.
 * Here, not beside pathTypes, so that `generate` never loads that entry point and its Redocly.
 */
export async function pathTypesViaOpenapiTS(doc: Record<string, unknown>): Promise<string> {
  return astToString(await openapiTS(markRequestDefaults(doc).doc as never, OPTIONS));
}
