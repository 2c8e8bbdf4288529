/** The drift check's public surface: the pure diff engine, its reports, and the runtime check. */
export { DRIFT_RULES, ruleLevel, type ChangeLevel, type DriftRuleId } from './rules.ts';
export type { DriftChange } from './change.ts';
export type { DriftReport, DriftSide, DriftSummary } from './compare.ts';
export { diffDocuments, type DiffOptions } from './diff.ts';
export {
  DriftInputError,
  isDict,
  listOperations,
  restrictToOperations,
  type Dict,
} from './document.ts';
export { pairOperations } from './operations.ts';
export { asOpenApi3, parseOpenApiText } from './parse.ts';
export { causeOf, groupByCause, type DriftCause } from './causes.ts';
export {
  ALIASES_FILE,
  NAME_LOCK_PATH,
  type ExportedName,
  type ExportedNames,
  type ExportedNamesOf,
} from './exported-names.ts';
export {
  formatJson,
  formatMarkdown,
  formatReport,
  formatText,
  PULL_REQUEST_BODY_MAX_CHARS,
  STEP_SUMMARY_MAX_CHARS,
  type MarkdownOptions,
  type ReportContext,
  type ReportFormat,
} from './report.ts';
export {
  checkSpecDrift,
  DEFAULT_SPEC_PATH,
  DEFAULT_SPEC_TIMEOUT_MS,
  fetchSpecText,
  SpecDriftError,
  type CheckSpecDriftOptions,
  type SpecDriftResult,
} from './runtime.ts';
