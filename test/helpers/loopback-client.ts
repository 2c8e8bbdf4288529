/**
 * The client tests' set-up: a loopback server per test (test/helpers/loopback-server.ts), closed
 * after it, and a client over it. Nothing is mocked: the client talks to the server over TCP.
 */
import { afterEach } from 'vitest';
import {
  createFeatherClient,
  type FeatherClient,
  type FeatherClientOptions,
} from '../../src/index.ts';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.ts';

type Replies = Parameters<typeof startLoopbackServer>[0];

export interface LoopbackClients {
  /** The running test's server (from its last `serve` or `clientFor`); throws before one. */
  readonly server: LoopbackServer;
  /** Starts the running test's server, answering with `replies`. */
  serve(replies: Replies): Promise<LoopbackServer>;
  /** Starts the running test's server and makes a client over it: `defaults`, its URL, `options`. */
  clientFor(replies: Replies, options?: FeatherClientOptions): Promise<FeatherClient>;
}

/**
 * Registers the `afterEach` that closes the running test's server; call it once at a test
 * file's top level. `make` makes the client (createFeatherClient unless given).
 */
export function loopbackClients(
  defaults: FeatherClientOptions,
  make: (options: FeatherClientOptions) => FeatherClient = createFeatherClient,
): LoopbackClients {
  let current: LoopbackServer | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const serve = async (replies: Replies): Promise<LoopbackServer> =>
    (current = await startLoopbackServer(replies));
  return {
    get server(): LoopbackServer {
      if (current === undefined) throw new Error('no loopback server: call serve or clientFor');
      return current;
    },
    serve,
    clientFor: async (replies, options = {}) => {
      const { url } = await serve(replies);
      return make({ ...defaults, baseUrl: url, ...options });
    },
  };
}
