/**
 * The client's types at the size of the whole published API: a small app
 * (test/fixtures/whole-api-consumer/) is type-checked, in one tsc run, against the client's
 * sources beside a generated/ made from the whole API. Each test reads that run's diagnostics
 * for one of the app's files. test/client/types.test-d.ts covers the same ground on the seed spec.
 */
import { cp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../../scripts/lib/child.ts';
import { packageBin } from '../../scripts/lib/packages.ts';
import { makeWholeApiTree, wholeApiMissing, type WholeApiTree } from '../helpers/feather-api.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/workspace.ts';

const missing = wholeApiMissing();

/** tsc's diagnostics (`--pretty false`: one `file(line,col): error ...` line each) by file. */
function diagnosticsOf(output: string, file: string): string[] {
  return output.split('\n').filter((line) => line.startsWith(`consumer/${file}(`));
}

describe.skipIf(missing)(
  `the client's types on the whole published API${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let tree: WholeApiTree;
    let tsc: { code: number | null; output: string };

    beforeAll(async () => {
      tree = await makeWholeApiTree('1.87.0');
      for (const entry of ['common', 'src'])
        await cp(path.join(REPO_ROOT, entry), path.join(tree.root, entry), { recursive: true });
      await cp(path.join(FIXTURES, 'whole-api-consumer'), path.join(tree.root, 'consumer'), {
        recursive: true,
      });
      await writeFile(path.join(tree.root, 'package.json'), '{ "type": "module" }\n');
      await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(tree.root, 'node_modules'));
      tsc = await runNode(
        [packageBin('typescript', 'tsc'), '-p', 'consumer/tsconfig.json', '--pretty', 'false'],
        { cwd: tree.root },
      );
    }, 600_000);
    afterAll(() => tree?.remove());

    it('the client is assignable to Client<paths>, and wrapAsPathBasedClient infers paths', () => {
      expect(diagnosticsOf(tsc.output, 'client-is-client.ts')).toEqual([]);
    });

    it('openapi-react-query infers paths and response types from the client', () => {
      expect(diagnosticsOf(tsc.output, 'react-query.ts')).toEqual([]);
    });

    it('per-request options are typed and wrong ones are errors', () => {
      expect(diagnosticsOf(tsc.output, 'per-request-options.ts')).toEqual([]);
    });

    it('nothing else fails: the sources and the generated types check at this size', () => {
      expect(tsc.output.trim()).toBe('');
      expect(tsc.code).toBe(0);
    });
  },
);
