/**
 * Path completion in an editor at the size of the whole published API: the real tsserver, over
 * its stdio protocol, completes `feather.GET('/v1/` (and each other method) in an app that
 * type-checks against the client's sources beside a generated/ made from the whole API. Each
 * method must list every path the spec declares for it, no more; inside an operation function's
 * init, `params.query` lists that operation's query parameters.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickOperation } from '../../scripts/bench/editor.ts';
import { addClientSources, consumerTsconfig } from '../../scripts/lib/consumer-project.ts';
import { TsServer } from '../../scripts/lib/tsserver.ts';
import { makeWholeApiTree, wholeApiMissing, type WholeApiTree } from '../helpers/feather-api.ts';

const missing = wholeApiMissing();
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

describe.skipIf(missing)(
  `path completion on the whole published API${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let tree: WholeApiTree;
    let server: TsServer;
    let spec: { paths: Record<string, Record<string, unknown>> };
    const consumer = (method: string): string => path.join(tree.root, 'app', `${method}.ts`);
    const functionConsumer = (): string => path.join(tree.root, 'app', 'function.ts');
    let picked: { route: string; name: string };

    beforeAll(async () => {
      tree = await makeWholeApiTree('1.87.0');
      await addClientSources(tree.root);
      await mkdir(path.join(tree.root, 'app'));
      await writeFile(
        path.join(tree.root, 'app', 'tsconfig.json'),
        consumerTsconfig({ include: ['*.ts'] }, { sources: true }),
      );
      for (const method of METHODS) {
        await writeFile(
          consumer(method),
          [
            "import { createFeatherClient } from '../src/index.ts';",
            "const feather = createFeatherClient({ apiKey: 'sk_completion_test' });",
            `void feather.${method}('/v1/`,
            '',
          ].join('\n'),
        );
      }
      spec = JSON.parse(await readFile(path.join(tree.root, 'generated', 'openapi.json'), 'utf8'));
      const lock = JSON.parse(
        await readFile(path.join(tree.root, 'generated', 'names.lock.json'), 'utf8'),
      ) as { names: Record<string, string> };
      const functionNames = new Map(
        Object.entries(lock.names)
          .filter(([, key]) => key.endsWith(':function'))
          .map(([name, key]) => [key.slice('operation:'.length, -':function'.length), name]),
      );
      picked = pickOperation(spec, functionNames);
      await writeFile(
        functionConsumer(),
        [
          `import { createOperationClient, ${picked.name} } from '../src/operations.ts';`,
          "const client = createOperationClient({ apiKey: 'sk_completion_test' });",
          `void ${picked.name}(client, { params: { query: {  } } });`,
          '',
        ].join('\n'),
      );
      server = new TsServer(tree.root);
      for (const method of METHODS) await server.open(consumer(method));
      await server.open(functionConsumer());
    }, 600_000);
    afterAll(async () => {
      server?.close();
      await tree?.remove();
    });

    it.each(METHODS)('%s lists every path the spec declares that method on', async (method) => {
      const expected = Object.keys(spec.paths)
        .filter((p) => method.toLowerCase() in spec.paths[p]!)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const { names } = await server.completionsAfter(consumer(method), `feather.${method}('/v1/`);
      expect(names?.slice().sort()).toEqual(expected);
    });

    it("lists an operation function's query parameters inside its init", async () => {
      const item = spec.paths[picked.route] as {
        parameters?: { in: string; name: string }[];
        get: { parameters?: { in: string; name: string }[] };
      };
      const expected = [...(item.parameters ?? []), ...(item.get.parameters ?? [])]
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const { names } = await server.completionsAfter(functionConsumer(), 'query: { ');
      expect(names?.slice().sort()).toEqual(expected);
    });
  },
);
