/**
 * Type tests for paginate, streamEvents, 204 and error bodies. paginate is typed over a small
 * hand-written `paths` in the shape openapi-typescript emits (the package's own spec has no
 * paginated operation), with its pagination table as the generator writes it.
 */
import type { FetchResponse } from 'openapi-fetch';
import { describe, expectTypeOf, it } from 'vitest';
import {
  APIError,
  NotFoundError,
  paginate,
  streamEvents,
  unwrap,
  UnprocessableEntityError,
  type APIErrorBody,
  type ErrorResponse,
  type FeatherClient,
  type HTTPValidationError,
  type Paginate,
  type ServerSentEvent,
} from '../../src/index.ts';

interface Assistant {
  id: string;
  name: string;
}
interface Fact {
  key: string;
}
type Ok<Body> = {
  200: { headers: { [name: string]: unknown }; content: { 'application/json': Body } };
};
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };

interface FixturePaths {
  '/v1/assistants': {
    parameters: NoParams;
    get: {
      parameters: {
        query?: { cursor?: string | null; limit?: number; search?: string | null };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: Ok<{ assistants: Assistant[]; has_more: boolean; next_cursor?: string | null }>;
    };
  };
  '/v1/memory/users/{end_user_id}': {
    parameters: NoParams;
    get: {
      parameters: {
        query?: { cursor?: string | null };
        header?: never;
        path: { end_user_id: string };
        cookie?: never;
      };
      requestBody?: never;
      responses: Ok<{ facts?: Fact[] | null; next_cursor: string | null }>;
    };
  };
  '/v1/assistants/{agent_id}': {
    parameters: NoParams;
    get: {
      parameters: { query?: never; header?: never; path: { agent_id: string }; cookie?: never };
      requestBody?: never;
      responses: Ok<Assistant>;
    };
    delete: {
      parameters: { query?: never; header?: never; path: { agent_id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: { headers: { [name: string]: unknown }; content?: never } };
    };
  };
}

const TABLE = {
  '/v1/assistants': {
    cursor: 'cursor',
    nextCursor: 'next_cursor',
    hasMore: 'has_more',
    items: 'assistants',
  },
  '/v1/memory/users/{end_user_id}': { cursor: 'cursor', nextCursor: 'next_cursor', items: 'facts' },
} as const;

declare const fixturePaginate: Paginate<FixturePaths, typeof TABLE>;
declare const client: FeatherClient;

describe('paginate', () => {
  it('infers the item type from the array the table names', async () => {
    for await (const assistant of fixturePaginate(client, '/v1/assistants', {
      params: { query: { limit: 50 } },
    })) {
      expectTypeOf(assistant).toEqualTypeOf<Assistant>();
    }
    for await (const fact of fixturePaginate(client, '/v1/memory/users/{end_user_id}', {
      params: { path: { end_user_id: 'u1' } },
    })) {
      expectTypeOf(fact).toEqualTypeOf<Fact>();
    }
  });

  it('pages() yields the typed page', async () => {
    for await (const page of fixturePaginate(client, '/v1/assistants', {}).pages()) {
      expectTypeOf(page.assistants).toEqualTypeOf<Assistant[]>();
      expectTypeOf(page.next_cursor).toEqualTypeOf<string | null | undefined>();
    }
  });

  it('accepts only paginated paths, and checks their parameters', () => {
    // @ts-expect-error not paginated
    fixturePaginate(client, '/v1/assistants/{agent_id}', { params: { path: { agent_id: 'a' } } });
    // @ts-expect-error limit is a number
    fixturePaginate(client, '/v1/assistants', { params: { query: { limit: '50' } } });
    // @ts-expect-error the path parameter is required
    fixturePaginate(client, '/v1/memory/users/{end_user_id}', {});
    fixturePaginate(client, '/v1/assistants', { maxItems: 100, signal: AbortSignal.timeout(1) });
  });

  it("over the package's own spec, which pages nowhere, accepts no path", () => {
    // @ts-expect-error the two seed operations do not page
    paginate(client, '/v1/analytics/integrations/dashboard', {});
  });
});

describe('204, streams and errors', () => {
  it('unwrap of an operation answering 204 is undefined, not never', async () => {
    type Delete = FixturePaths['/v1/assistants/{agent_id}']['delete'];
    const result = {} as Promise<FetchResponse<Delete, {}, `${string}/${string}`>>;
    expectTypeOf(await unwrap(result)).toEqualTypeOf<undefined>();
  });

  it('streamEvents yields events with event, data and id', async () => {
    for await (const e of streamEvents({} as Promise<{ data?: unknown; response: Response }>)) {
      expectTypeOf(e).toEqualTypeOf<ServerSentEvent>();
      expectTypeOf(e.data).toEqualTypeOf<string>();
      expectTypeOf(e.event).toEqualTypeOf<string | undefined>();
      expectTypeOf(e.id).toEqualTypeOf<string | undefined>();
    }
  });

  it('streamEvents takes a parseAs: stream call and refuses a JSON one at compile time', () => {
    const client = {} as FeatherClient;
    const query = { start_date: '2025-01-01', end_date: '2025-01-31' };
    const dashboard = '/v1/analytics/integrations/dashboard';
    streamEvents(client.GET(dashboard, { params: { query }, parseAs: 'stream' }));
    // @ts-expect-error: the data is the dashboard's JSON, not the body's stream
    streamEvents(client.GET(dashboard, { params: { query } }));
    // @ts-expect-error: the same, settled
    streamEvents({} as { data?: { a: string }; error?: unknown; response: Response });
    streamEvents({} as { data?: ReadableStream<Uint8Array> | null; response: Response });
  });

  it('after instanceof, body is the spec error type, not any', () => {
    const error: unknown = undefined;
    if (error instanceof NotFoundError) {
      expectTypeOf(error.body).toEqualTypeOf<ErrorResponse | string | undefined>();
    }
    if (error instanceof UnprocessableEntityError) {
      expectTypeOf(error.body).toEqualTypeOf<HTTPValidationError | string | undefined>();
    }
    if (error instanceof APIError) {
      expectTypeOf(error.body).toEqualTypeOf<APIErrorBody>();
      expectTypeOf(error.retryable).toEqualTypeOf<boolean | undefined>();
      expectTypeOf(error.retryAfterSeconds).toEqualTypeOf<number | undefined>();
    }
  });
});
