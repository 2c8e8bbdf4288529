/**
 * `createFeatherMock`: a stand-in for the Feather API in an app's tests, answering through a
 * `fetch` for `createFeatherClient({ fetch })` or through MSW (src/testing/msw.ts). Every answer
 * is checked against the pinned spec: a body it does not allow throws an
 * `APIResponseValidationError` naming the operation, the status and the JSON pointer.
 */
import type { GeneratedTables } from '../client/transport/call-context.ts';
import { PACKAGE_TABLES } from '../client/transport/call-context.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { APIResponseValidationError } from '../client/response-validation-error.ts';
import { defaultBaseUrl, type FetchLike } from '../client/options.ts';
import { loadResponseSchemas, type ResponseSchemas } from '../client/policy/response-schema.ts';
import { exampleFromSchema } from './example.ts';
import type { HttpMethod, MockHandler, MockPath, MockRequest } from './types.ts';

export interface FeatherMockOptions {
  /**
   * Root URL the client is given; requests elsewhere are not answered.
   * @default the client's default: FEATHER_BASE_URL, else "https://api-sandbox.featherhq.com"
   */
  baseUrl?: string;
  /** Seed of the examples answered for handlers without a body. @default 1 */
  seed?: number;
  /**
   * The generated tables whose spec the answers are checked against (another generation's
   * `generated/index.ts`, as for the client's option of the same name).
   * @default the package's own generated/
   */
  generated?: GeneratedTables;
}

/** The stand-in: register handlers with `on`, then hand `fetch` (or its MSW handlers) to the app. */
export interface FeatherMock {
  readonly baseUrl: string;
  /**
   * Answers `method path` with `handler` from now on (replacing an earlier one). A handler with a
   * body is checked at once; one without a status answers the first 2xx the spec declares.
   */
  on<M extends HttpMethod, P extends MockPath<M>>(
    method: M,
    path: P,
    handler?: MockHandler<M, P>,
  ): FeatherMock;
  /**
   * The same, keyed by an operation function of `@featherhq/api-client/operations`:
   * `mock.on(getIntegrationDashboard, handler)`.
   */
  on<M extends HttpMethod, P extends MockPath<M>>(
    operation: { readonly method: M; readonly path: P },
    handler?: MockHandler<M, P>,
  ): FeatherMock;
  /** The example answered for `method path` and `status` (default: the first 2xx). */
  example<M extends HttpMethod, P extends MockPath<M>>(
    method: M,
    path: P,
    status?: number,
  ): unknown;
  /** A fetch answering from the handlers; a request no handler takes rejects with a `FeatherError`. */
  readonly fetch: FetchLike;
  /** The handlers' response to `request`, or `undefined` when none takes it (MSW passes it on). */
  handle(request: Request): Promise<Response | undefined>;
  /** Every answer the spec did not allow, in order (also thrown where it happened). */
  readonly problems: readonly APIResponseValidationError[];
  /** Forgets every handler and problem. */
  reset(): void;
}

/** An answer as the mock handles it, whatever the operation. */
interface UntypedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  fixture?: string;
}

interface Route {
  operation: string;
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler:
    UntypedAnswer | ((request: MockRequest) => UntypedAnswer | Promise<UntypedAnswer>) | undefined;
}

const PARAM = /\{([^}]+)\}/g;

function routePattern(template: string): { pattern: RegExp; names: string[] } {
  const names = [...template.matchAll(PARAM)].map((match) => match[1]!);
  const source = template
    .split(PARAM)
    .map((part, i) => (i % 2 === 1 ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return { pattern: new RegExp(`^${source}$`), names };
}

/**
 * What is wrong with a handler's answer as an answer (untyped code, a handler that forgot to
 * return), or `undefined`: a Response takes statuses 200 to 599 only.
 */
function answerShapeProblem(answer: unknown): string | undefined {
  if (answer === null || answer === undefined) return String(answer);
  if (typeof answer !== 'object') return `a ${typeof answer}`;
  const { status } = answer as { status?: unknown };
  if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599)
    return undefined;
  return `status ${typeof status === 'string' ? JSON.stringify(status) : String(status)}`;
}

function isFunction(value: unknown): value is (request: MockRequest) => unknown {
  return typeof value === 'function';
}

/** A mock of the API, its answers checked against the spec of `options.generated`. */
export async function createFeatherMock(options: FeatherMockOptions = {}): Promise<FeatherMock> {
  const base = new URL(options.baseUrl ?? defaultBaseUrl());
  const basePath = base.pathname.replace(/\/$/, '');
  const seed = options.seed ?? 1;
  const schemas: ResponseSchemas = await loadResponseSchemas(options.generated ?? PACKAGE_TABLES);
  const routes = new Map<string, Route>();
  const problems: APIResponseValidationError[] = [];

  const firstSuccess = (operation: string): number => {
    const status = schemas.statuses(operation)?.find((key) => /^2\d\d$/.test(key));
    return status === undefined ? 200 : Number(status);
  };

  const exampleFor = (operation: string, status: number): unknown => {
    const schema = schemas.schemaFor(operation, status);
    if (schema === undefined) return undefined;
    const body = exampleFromSchema(schema, schemas.components, seed);
    const found = schemas.check(operation, status, body);
    if (found && found.length > 0) {
      throw new FeatherError(
        `${operation}: cannot make an example ${status} body from the schema (at ` +
          `${found[0]!.pointer || '(body)'}: ${found[0]!.message}); give the handler a body`,
      );
    }
    return body;
  };

  /** The answer's body, checked; throws (and records) what the spec does not allow. */
  const checked = (operation: string, answer: UntypedAnswer): unknown => {
    const shapeProblem = answerShapeProblem(answer);
    if (shapeProblem !== undefined)
      throw new FeatherError(
        `${operation}: the handler answered ${shapeProblem}; answer { status, body? } with status a whole number from 200 to 599`,
      );
    const { status, fixture } = answer;
    const source = fixture === undefined ? 'the handler' : `fixture ${fixture}`;
    if (
      schemas.statuses(operation)?.length &&
      !schemas
        .statuses(operation)!
        .some(
          (key) => key === String(status) || key === `${String(status)[0]}XX` || key === 'default',
        )
    ) {
      const error = new APIResponseValidationError({
        operation,
        status,
        source,
        problems: [
          {
            pointer: '',
            message: `the spec declares no ${status} response (it declares ${schemas.statuses(operation)!.join(', ')})`,
          },
        ],
      });
      problems.push(error);
      throw error;
    }
    if (!('body' in answer) || answer.body === undefined) return exampleFor(operation, status);
    const found = schemas.check(operation, status, answer.body);
    if (found !== undefined && found.length > 0) {
      const error = new APIResponseValidationError({ operation, status, problems: found, source });
      problems.push(error);
      throw error;
    }
    return answer.body;
  };

  const answerOf = async (
    route: Route,
    request: Request,
    url: URL,
    match: RegExpExecArray,
  ): Promise<Response> => {
    const params = Object.fromEntries(
      route.names.map((name, i) => {
        const raw = match[i + 1]!;
        try {
          return [name, decodeURIComponent(raw)];
        } catch {
          // A URIError names neither the request nor the parameter.
          throw new FeatherError(
            `Feather mock: ${request.method} ${url.origin}${url.pathname}: path parameter ${name} is not valid percent-encoding ('${raw}')`,
          );
        }
      }),
    );
    const handler = route.handler;
    const answer = (
      handler === undefined
        ? { status: firstSuccess(route.operation) }
        : isFunction(handler)
          ? await handler({ request, params, url })
          : handler
    ) as UntypedAnswer;
    const body = checked(route.operation, answer);
    const { status, headers } = answer;
    const noBody =
      body === undefined || status === 204 || status === 304 || request.method === 'HEAD';
    return new Response(noBody ? null : JSON.stringify(body), {
      status,
      headers: noBody ? headers : { 'content-type': 'application/json', ...headers },
    });
  };

  const handle = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) return undefined;
    const path = url.pathname.slice(basePath.length);
    for (const route of routes.values()) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(path);
      if (match) return answerOf(route, request, url, match);
    }
    return undefined;
  };

  const mock: FeatherMock = {
    baseUrl: base.href.replace(/\/$/, ''),
    problems,
    on(...args: unknown[]) {
      const keyedByFunction = typeof args[0] === 'function' || typeof args[0] === 'object';
      const { method, path } = keyedByFunction
        ? (args[0] as { method: string; path: string })
        : { method: args[0] as string, path: args[1] as string };
      const handler = (keyedByFunction ? args[1] : args[2]) as Route['handler'];
      const operation = `${method} ${path}`;
      if (schemas.statuses(operation) === undefined) {
        throw new FeatherError(`mock.on: ${operation} is not an operation of the spec`);
      }
      // A static answer is checked now, so that a bad fixture fails where it is registered.
      if (handler !== undefined && !isFunction(handler)) checked(operation, handler);
      routes.set(operation, {
        operation,
        method,
        template: path,
        ...routePattern(path),
        handler: handler as Route['handler'],
      });
      return mock;
    },
    example(method, path, status) {
      const operation = `${method} ${path}`;
      return exampleFor(operation, status ?? firstSuccess(operation));
    },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const response = await handle(request);
      if (response !== undefined) return response;
      const url = new URL(request.url);
      if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
        throw new FeatherError(
          `Feather mock: ${request.method} ${url.origin}${url.pathname} is outside the mock's ` +
            `base URL ${mock.baseUrl}; give createFeatherMock({ baseUrl }) the client's baseUrl ` +
            `(or the same FEATHER_BASE_URL)`,
        );
      }
      throw new FeatherError(
        `Feather mock: no handler for ${request.method} ${url.origin}${url.pathname}; ` +
          `register one with mock.on('${request.method}', path, ...)`,
      );
    },
    handle,
    reset() {
      routes.clear();
      problems.length = 0;
    },
  };
  return mock;
}
