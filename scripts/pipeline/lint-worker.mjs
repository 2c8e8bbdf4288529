// The Redocly lint of the joined document, in a worker thread that scripts/pipeline/lint.ts
// starts when a build begins: Redocly and redocly.yaml load while the main thread reads and joins
// spec/, and the lint runs while it generates the types. Plain JavaScript: a worker is started
// from a file, and Node runs no TypeScript (the npm commands run from a bundle, tests in vitest).
import { parentPort, workerData } from 'node:worker_threads';
import { BaseResolver, Source, lintDocument, loadConfig } from '@redocly/openapi-core';

/** @type {{ configPath: string }} */
const { configPath } = workerData;
const loading = loadConfig({ configPath });
loading.catch(() => undefined);

/** Lints the joined document's JSON text; resolves to the problems as the main thread wants them. */
async function lint(text) {
  const config = await loading;
  const document = {
    source: new Source('generated/openapi.json', text, 'application/json'),
    parsed: JSON.parse(text),
  };
  const problems = await lintDocument({
    document,
    config,
    externalRefResolver: new BaseResolver(),
  });
  return problems
    .filter((problem) => !problem.ignored)
    .map((problem) => ({
      severity: problem.severity,
      ruleId: problem.ruleId,
      message: problem.message,
      pointer: problem.location[0]?.pointer ?? '#/',
    }));
}

parentPort.once('message', (text) => {
  lint(text).then(
    (problems) => parentPort.postMessage({ problems }),
    (error) =>
      parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
