/**
 * The drift report `bump` reads (`npm run drift -- --format json --output FILE`), checked once at
 * the edge: every field the bump and the changelog read has the type src/drift's DriftReport (and
 * the consumers' ConsumersReport) gives it, or the report is refused naming the file and the
 * place (`causes[3].message: expected a string`) before anything is written.
 */
import { PipelineError } from '../lib/errors.ts';
import type { ReportForChangelog } from './changelog.ts';

type Check = (value: unknown, at: string) => void;

function expected(file: string, at: string, what: string): PipelineError {
  return new PipelineError(
    `not a drift report: ${at}: expected ${what}; write the report with \`npm run drift -- --format json --output FILE\``,
    [{ file }],
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Throws unless `parsed` is a drift report as far as bump and the changelog read it. */
export function checkReportShape(file: string, parsed: unknown): ReportForChangelog {
  const string: Check = (value, at) => {
    if (typeof value !== 'string') throw expected(file, at, 'a string');
  };
  const number: Check = (value, at) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw expected(file, at, 'a number');
  };
  const optional =
    (check: Check): Check =>
    (value, at) => {
      if (value !== undefined) check(value, at);
    };
  const object =
    (fields: Record<string, Check>): Check =>
    (value, at) => {
      if (!isObject(value)) throw expected(file, at || 'the report', 'an object');
      for (const [key, check] of Object.entries(fields))
        check(value[key], at ? `${at}.${key}` : key);
    };
  const list =
    (check: Check): Check =>
    (value, at) => {
      if (!Array.isArray(value)) throw expected(file, at, 'a list');
      value.forEach((item, index) => check(item, `${at}[${index}]`));
    };
  const cause = object({
    id: string,
    breaking: (value, at) => {
      if (typeof value !== 'boolean') throw expected(file, at, 'true or false');
    },
    message: string,
    operations: list(string),
    successor: optional(string),
  });
  const breakSite = object({ file: string, line: number, column: number, summary: string });
  const report = object({
    changes: list(() => {}),
    causes: list(cause),
    summary: object({ versions: object({ base: optional(string), revision: optional(string) }) }),
    consumers: optional(object({ dependents: list(object({ breaks: list(breakSite) })) })),
  });
  report(parsed, '');
  return parsed as ReportForChangelog;
}
