/**
 * `npm run bump -- --report <drift.json> [--dry-run]`: the version and changelog of a
 * regeneration, from the drift report (`npm run drift -- --format json --output <drift.json>`,
 * taken before `--update-spec`). The bump follows the report's verdict (scripts/release/). Where
 * the package or its workspace uses Changesets (a `.changeset/` folder) it writes a changeset and
 * leaves the version to `changeset version`; otherwise it sets package.json's version (and the
 * lockfile's record of it) and prepends the entry to CHANGELOG.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '../consumers/workspace.ts';
import { isEntryPoint, runCommand } from '../lib/cli.ts';
import { EXIT_COULD_NOT_RUN, EXIT_OK, PipelineError } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/fs-atomic.ts';
import { decodeSpecBytes, readRegularFileWithin } from '../lib/spec-limits.ts';
import {
  changelogBody,
  changesetFile,
  prependChangelog,
  type ReportForChangelog,
} from '../release/changelog.ts';
import { checkReportShape } from '../release/report-shape.ts';
import { bumpOf, bumpVersion } from '../release/version-bump.ts';

/** Largest report read: the whole API's JSON report is about 1 MB. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** Largest package.json, package-lock.json or CHANGELOG.md read (a large lockfile is ~10 MB). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const USAGE = 'usage: npm run bump -- --report <drift report .json> [--dry-run]';

/**
 * `file`'s text: a regular file of at most `maxBytes`, UTF-8 (see readRegularFileWithin). With
 * `optional`, undefined when there is no such file; any other failure is an error naming it.
 */
async function readTextWithin(
  file: string,
  maxBytes: number,
  give: string,
  optional = false,
): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFileWithin(file, {
      give,
      tooLarge: (size) => {
        if (size > maxBytes)
          throw new PipelineError(`larger than ${maxBytes} bytes: give ${give}`, [{ file }]);
      },
    });
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PipelineError(`cannot read ${give}: ${(error as Error).message}`, [{ file }]);
  }
  return decodeSpecBytes(file, bytes);
}

/** `text` parsed as JSON, or an error naming `file`. */
function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PipelineError(`not JSON (${(error as Error).message})`, [{ file }]);
  }
}

async function readReport(file: string): Promise<ReportForChangelog> {
  const text = (await readTextWithin(file, MAX_REPORT_BYTES, 'the drift report (a .json file)'))!;
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new PipelineError(
      `not JSON (${(error as Error).message}); write it with \`npm run drift -- --format json --output FILE\``,
      [{ file }],
    );
  }
  return checkReportShape(file, report);
}

/** The `.changeset/` folder of the package or of its workspace root, if there is one. */
async function changesetDir(root: string): Promise<string | undefined> {
  const own = path.join(root, '.changeset');
  if (existsSync(own)) return own;
  const workspace = await findWorkspaceRoot(root);
  const shared = workspace && path.join(workspace, '.changeset');
  return shared && existsSync(shared) ? shared : undefined;
}

/** The manifest's text with its top-level "version" set (the first "version" key, as npm writes it). */
function withVersion(text: string, file: string, version: string): string {
  const next = text.replace(/^(\s*"version"\s*:\s*")[^"]*(")/m, `$1${version}$2`);
  if ((JSON.parse(next) as { version?: string }).version !== version)
    throw new PipelineError('no top-level "version" to set', [{ file }]);
  return next;
}

interface Lockfile {
  version?: string;
  packages?: Record<string, { version?: string }>;
}

/** package-lock.json (the package's own, or its workspace's) with the package's version set. */
async function lockWithVersion(
  root: string,
  version: string,
): Promise<{ file: string; text: string } | undefined> {
  const workspace = await findWorkspaceRoot(root);
  const lockRoot = workspace ?? root;
  const file = path.join(lockRoot, 'package-lock.json');
  const text = await readTextWithin(file, MAX_MANIFEST_BYTES, 'a package-lock.json', true);
  if (text === undefined) return undefined;
  const lock = parseJson(file, text) as Lockfile;
  if (typeof lock !== 'object' || lock === null || Array.isArray(lock))
    throw new PipelineError('not a lockfile: expected a JSON object', [{ file }]);
  const key = path.relative(lockRoot, root).split(path.sep).join('/');
  const entry = lock.packages?.[key];
  if (!entry) return undefined;
  entry.version = version;
  if (key === '') lock.version = version;
  return { file, text: `${JSON.stringify(lock, null, 2)}\n` };
}

export async function bumpCommand(
  argv: string[],
  deps: { root: string; out: (text: string) => void } = {
    root: process.cwd(),
    out: (text) => process.stdout.write(text),
  },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: { report: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    }));
  } catch (error) {
    throw new PipelineError(`${(error as Error).message}\n${USAGE}`, [], EXIT_COULD_NOT_RUN);
  }
  if (values.report === undefined)
    throw new PipelineError(`no --report\n${USAGE}`, [], EXIT_COULD_NOT_RUN);
  const report = await readReport(path.resolve(deps.root, values.report));
  const manifestFile = path.join(deps.root, 'package.json');
  const manifestText = (await readTextWithin(manifestFile, MAX_MANIFEST_BYTES, 'a package.json'))!;
  const manifest = parseJson(manifestFile, manifestText) as { name?: unknown; version?: unknown };
  if (typeof manifest?.name !== 'string' || typeof manifest.version !== 'string')
    throw new PipelineError('expected a JSON object with a "name" and a "version" string', [
      { file: manifestFile },
    ]);
  const bump = bumpOf(report.causes);
  if (bump === 'none') {
    deps.out(`bump: no change the client pins; ${manifest.name} stays ${manifest.version}\n`);
    return EXIT_OK;
  }
  const body = changelogBody(report, bump);
  const dry = values['dry-run'];
  const changesets = await changesetDir(deps.root);
  if (changesets) {
    const slug = (report.summary.versions.revision || 'upstream').replace(/[^A-Za-z0-9]+/g, '-');
    const file = path.join(changesets, `feather-api-${slug}.md`);
    if (!dry) await writeFileAtomic(file, changesetFile(manifest.name, bump, body));
    deps.out(
      `bump: ${bump}; wrote the changeset ${path.relative(deps.root, file)} (Changesets sets the version)\n${dry ? body : ''}`,
    );
    return EXIT_OK;
  }
  let version: string;
  try {
    version = bumpVersion(manifest.version, bump);
  } catch (error) {
    throw new PipelineError((error as Error).message, [{ file: manifestFile }]);
  }
  const changelogFile = path.join(deps.root, 'CHANGELOG.md');
  const changelog = prependChangelog(
    await readTextWithin(changelogFile, MAX_MANIFEST_BYTES, 'a CHANGELOG.md', true),
    version,
    body,
  );
  const lock = await lockWithVersion(deps.root, version);
  if (!dry) {
    await writeFileAtomic(manifestFile, withVersion(manifestText, manifestFile, version));
    if (lock) await writeFileAtomic(lock.file, lock.text);
    await writeFileAtomic(changelogFile, changelog);
  }
  deps.out(
    `bump: ${bump}, ${manifest.version} -> ${version}; ${dry ? 'would prepend' : 'prepended'} the entry to CHANGELOG.md\n${dry ? body : ''}`,
  );
  return EXIT_OK;
}

if (isEntryPoint(import.meta.url)) await runCommand((argv) => bumpCommand(argv));
