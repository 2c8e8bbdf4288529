// The Redocly lint of the joined document, in a worker thread that scripts/pipeline/lint.ts
// starts, so that it runs beside the type generation. Plain JavaScript: a worker is started from
// a file, and Node runs no TypeScript (the npm commands run from a bundle, tests under vitest).
import { parentPort, workerData } from 'node:worker_threads';
import { BaseResolver, Source, lintDocument, loadConfig } from '@redocly/openapi-core';

/** @type {{ text: string, configPath: string }} */
const { text, configPath } = workerData;
try {
  const config = await loadConfig({ configPath });
  const document = {
    source: new Source('generated/openapi.json', text, 'application/json'),
    parsed: JSON.parse(text),
  };
  const problems = await lintDocument({
    document,
    config,
    externalRefResolver: new BaseResolver(),
  });
  parentPort.postMessage({
    problems: problems
      .filter((problem) => !problem.ignored)
      .map((problem) => ({
        severity: problem.severity,
        ruleId: problem.ruleId,
        message: problem.message,
        pointer: problem.location[0]?.pointer ?? '#/',
      })),
  });
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
