/**
 * Closes `npm test` with what a newcomer needs after vitest's own summary: one line per skipped
 * group (describe blocks that cannot run here name the reason in their title, as
 * `... (skipped: no Chromium at /usr/bin/chromium ...)`), then one count line.
 */
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/** `skipped: <file> > <group>` for each skipped describe, file or lone test, outermost only. */
export function skippedLines(modules: readonly TestModule[]): string[] {
  const lines: string[] = [];
  const visit = (file: string, entries: Iterable<TestSuite | TestCase>): void => {
    for (const entry of entries) {
      if (entry.type === 'suite') {
        if (entry.state() === 'skipped') lines.push(`skipped: ${file} > ${entry.fullName}`);
        else visit(file, entry.children);
      } else {
        const result = entry.result();
        if (result.state !== 'skipped') continue;
        const note = result.note;
        lines.push(`skipped: ${file} > ${entry.fullName}${note ? ` (${note})` : ''}`);
      }
    }
  };
  for (const module of modules) {
    const before = lines.length;
    visit(module.relativeModuleId, module.children);
    if (module.state() === 'skipped' && lines.length === before)
      lines.push(`skipped: ${module.relativeModuleId}`);
  }
  return lines;
}

/**
 * `tests: N passed, N failed, N skipped`, alone on its line as CI's reader expects a closing
 * count (the number of files goes on the line before).
 */
export function countLine(modules: readonly TestModule[]): string {
  const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
  for (const module of modules)
    for (const test of module.children.allTests()) counts[test.result().state] += 1;
  return (
    `test files: ${modules.length}\n` +
    `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped + counts.pending} skipped`
  );
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const lines = [...skippedLines(modules), countLine(modules)];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
