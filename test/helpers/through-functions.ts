/**
 * `../src/index.ts` for `npm run test:functions` (vitest.functions.config.ts): the same names,
 * but a client from `createFeatherClient` sends each call of a generated operation through an
 * operation function (`operationFunction` with the operation's rules and idempotency, as
 * generated/functions.ts declares it), so the path-style tests run against the functions'
 * direct path. Calls of operations the client's tables do not hold stay path-style.
 */
import { createFeatherClient as createPathClient, type FeatherClient } from '../../src/index.ts';
import type { FeatherClientOptions } from '../../src/client/options.ts';
import { operationFunction } from '../../src/client/operation.ts';
import { PACKAGE_TABLES } from '../../src/client/transport/call-context.ts';

export * from '../../src/index.ts';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;
type Send = (path: string, init?: unknown) => Promise<unknown>;

export function createFeatherClient(options?: FeatherClientOptions): FeatherClient {
  const client = createPathClient(options);
  const tables = options?.generated ?? PACKAGE_TABLES;
  const functions = new Map<string, (client: FeatherClient, init?: unknown) => Promise<unknown>>();
  const methods = client as unknown as Record<string, Send>;
  for (const method of METHODS) {
    const byPath = methods[method]!;
    methods[method] = (path, init) => {
      const operation = `${method} ${path}`;
      const rules = tables.PARAMETER_RULES[operation];
      if (rules === undefined) return byPath(path, init);
      let fn = functions.get(operation);
      if (fn === undefined) {
        const keyed = tables.IDEMPOTENCY_KEY_BODY_OPERATIONS.includes(operation);
        fn = operationFunction(method as 'GET', path as never, rules, keyed) as never;
        functions.set(operation, fn!);
      }
      return fn!(client, init);
    };
  }
  return client;
}
