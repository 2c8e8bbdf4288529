/**
 * The drift check's surface: what src/index.ts publishes (checkSpecDrift and its errors and
 * report types) and what scripts/ may use (the diff, the reports, reading documents). scripts/
 * imports src/drift/ only through this file (`npm run check:imports`).
 */
export { DRIFT_RULES, type DriftRuleId } from './rules.ts';
export type { DriftChange } from './change.ts';
export type { DriftReport } from './compare.ts';
export { diffDocuments } from './diff.ts';
export { DriftInputError, listOperations, restrictToOperations, type Dict } from './document.ts';
export { pairOperations } from './operations.ts';
export { asOpenApi3 } from './parse.ts';
export type { DriftCause } from './causes.ts';
export type { ExportedNamesOf } from './exported-names.ts';
export {
  formatJson,
  formatMarkdown,
  formatReport,
  formatText,
  PULL_REQUEST_BODY_MAX_CHARS,
  STEP_SUMMARY_MAX_CHARS,
  UPSTREAM_ONLY_SHOWN,
  type MarkdownOptions,
  type ReportContext,
  type ReportFormat,
} from './report.ts';
export {
  checkSpecDrift,
  fetchSpecText,
  SpecDriftError,
  type CheckSpecDriftOptions,
  type SpecDriftResult,
} from './runtime.ts';
