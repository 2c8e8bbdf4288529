/**
 * `paginate`: every item (or every page) of a GET that pages with a cursor, as an async
 * iterable. Which paths page, and under which names (the cursor parameter, `next_cursor`,
 * `has_more`, the items array), comes from generated/operations.ts, found in the spec by the
 * generator: nothing here names an endpoint.
 */
import type { MaybeOptionalInit } from 'openapi-fetch';
import type { PaginationMeta, paths } from '../../generated/index.ts';
import { PAGINATION } from '../../generated/operations.ts';
import { CLIENT_SECRETS, CLIENT_TABLES, RESPONSE_SECRETS } from './transport/call-context.ts';
import { scrubText, withJsonForms } from './policy/secrets.ts';
import { DEFAULT_MAX_PAGES, DEFAULT_MAX_PAGINATED_ITEMS } from './constants.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { printableLine } from '../../common/printable-line.ts';
import type { FeatherRequestOptions } from './options.ts';
import { unwrap, type FetchResult } from './unwrap.ts';

/** Paths of `Paths` that `Table` lists as paginated (by default: the package's generated ones). */
export type PaginatedPathOf<Paths, Table> = Extract<keyof Table, keyof Paths> & string;

/** The 200 JSON body of `Path`'s GET: one page. */
export type PageOf<Paths, Path extends keyof Paths> = Paths[Path] extends {
  get: { responses: { 200: { content: { 'application/json': infer Page } } } };
}
  ? Page
  : never;

/** One item of a page of `Path`: an element of the array that `Table` names. */
export type PageItemOf<Paths, Table, Path extends keyof Paths & keyof Table> = Table[Path] extends {
  items: infer Field extends string;
}
  ? PageOf<Paths, Path> extends infer Page
    ? Field extends keyof Page
      ? NonNullable<Page[Field]> extends readonly (infer Item)[]
        ? Item
        : never
      : never
    : never
  : never;

/** What `paginate` takes besides the path: the GET's init, and the bound on items. */
export type PaginateInit<Paths, Path extends keyof Paths> = (Paths[Path] extends infer Item extends
  {
    get: unknown;
  }
  ? MaybeOptionalInit<Item, 'get'>
  : never) &
  FeatherRequestOptions & {
    signal?: AbortSignal;
    /**
     * Stop after this many items (with `.pages()`: after the page that reaches it).
     * @default 10000
     */
    maxItems?: number;
    /**
     * Stop after this many pages, however many items they held.
     * @default 10000
     */
    maxPages?: number;
  };

/** Every item, in order; `.pages()` for the pages themselves. */
export interface Paginator<Item, Page> extends AsyncIterable<Item> {
  pages(): AsyncIterable<Page>;
}

/** Any client with a GET like `createFeatherClient()`'s. */
export interface PaginatingClient {
  // `any`: the client's GET is generic over its paths; only its result shape matters here.
  GET(path: any, init?: any): Promise<FetchResult>;
}

/** The type of `paginate` over another `paths` and pagination table (e.g. a larger spec's). */
export type Paginate<Paths, Table> = <Path extends PaginatedPathOf<Paths, Table>>(
  client: PaginatingClient,
  /** The path, or its operation function (`@featherhq/api-client/operations`). */
  path: Path | { readonly method: 'GET'; readonly path: Path },
  init: PaginateInit<Paths, Path>,
) => Paginator<PageItemOf<Paths, Table, Path>, PageOf<Paths, Path>>;

/**
 * The items of a paginated GET, page after page:
 * `for await (const kb of paginate(feather, '/v1/knowledge-base/knowledge-bases', { params: { query: { limit: 50 } } }))`.
 * Every other parameter is kept on each page; it stops when the next cursor is null or absent
 * (or `has_more` is false), after a page with no items (as Stainless SDKs do: an endless run of
 * empty pages with fresh cursors ends at once), after `maxItems` items or `maxPages` pages, or
 * when the server repeats a cursor (a `FeatherError`). A failed page throws its `APIError`; the caller's `signal` ends it with
 * `APIUserAbortError`. Only paths the spec paginates compile; the item type is inferred.
 */
export const paginate: Paginate<paths, typeof PAGINATION> = (client, pathOrFunction, init) => {
  const path = typeof pathOrFunction === 'string' ? pathOrFunction : pathOrFunction.path;
  const tables = CLIENT_TABLES.get(client);
  // The package's client runs on its shards, which hold no pagination: the table is imported here.
  const pagination: Readonly<Record<string, PaginationMeta>> =
    tables !== undefined && 'PAGINATION' in tables ? tables.PAGINATION : PAGINATION;
  // Own keys only: `constructor` or `__proto__` would find Object.prototype's.
  const meta = Object.hasOwn(pagination, path) ? pagination[path] : undefined;
  if (meta === undefined) {
    throw new FeatherError(
      `paginate: GET ${path} does not page with a cursor in the spec this client was generated from`,
    );
  }
  const {
    maxItems = DEFAULT_MAX_PAGINATED_ITEMS,
    maxPages = DEFAULT_MAX_PAGES,
    ...request
  } = (init ?? {}) as UntypedPaginateInit;
  if (!(maxItems >= 0)) {
    throw new FeatherError(`paginate: maxItems is ${String(maxItems)}: expected 0 or more`);
  }
  if (!(maxPages >= 1)) {
    throw new FeatherError(`paginate: maxPages is ${String(maxPages)}: expected 1 or more`);
  }
  const pages = (): AsyncGenerator<any> =>
    fetchPages(client, path, request, meta, { maxItems, maxPages });
  const paginator: Paginator<unknown, unknown> = {
    pages,
    async *[Symbol.asyncIterator]() {
      let count = 0;
      if (maxItems === 0) return;
      for await (const page of pages()) {
        for (const item of itemsOf(page, meta)) {
          yield item;
          if (++count >= maxItems) return;
        }
      }
    },
  };
  return paginator as Paginator<any, any>;
};

/** `PaginateInit` whatever the path: the GET's init and the two limits. */
type UntypedPaginateInit = Record<string, unknown> & {
  params?: { query?: Record<string, unknown> } & Record<string, unknown>;
  maxItems?: number;
  maxPages?: number;
};

async function* fetchPages(
  client: PaginatingClient,
  path: string,
  request: UntypedPaginateInit,
  meta: PaginationMeta,
  limits: { maxItems: number; maxPages: number },
): AsyncGenerator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  /** The keys the calls sent (a rotating `apiKey`'s), besides the client's own secrets. */
  const sentKeys = new Set<string>();
  let cursor = request.params?.query?.[meta.cursor];
  let items = 0;
  for (let pages = 0; items < limits.maxItems && pages < limits.maxPages; pages++) {
    const query = { ...request.params?.query, [meta.cursor]: cursor ?? undefined };
    const result = await client.GET(path, { ...request, params: { ...request.params, query } });
    for (const key of RESPONSE_SECRETS.get(result.response) ?? []) sentKeys.add(key);
    const page = unwrap(result) as Record<string, unknown>;
    yield page;
    const count = itemsOf(page, meta).length;
    if (count === 0) return;
    items += count;
    const next = page[meta.nextCursor];
    if (next === null || next === undefined || next === '') return;
    if (meta.hasMore !== undefined && page[meta.hasMore] === false) return;
    if (seen.has(next)) {
      throw new FeatherError(
        `paginate: GET ${path} returned the cursor ${quotedCursor(next, client, sentKeys)} twice; stopped instead of looping`,
      );
    }
    seen.add(next);
    cursor = next;
  }
}

/** How much of a cursor a message quotes: a server may answer one of any length. */
const MAX_QUOTED_CURSOR_CHARS = 200;

/**
 * `cursor` for a message: without the client's secrets nor the keys its calls sent (a server may
 * echo the key), cut short, as one printable line (JSON.stringify leaves bidi and C1 characters raw).
 */
function quotedCursor(
  cursor: unknown,
  client: PaginatingClient,
  sentKeys: ReadonlySet<string>,
): string {
  const secrets = [...(CLIENT_SECRETS.get(client) ?? []), ...sentKeys];
  const quoted = JSON.stringify(cursor) ?? String(cursor);
  const scrubbed = secrets.length > 0 ? scrubText(quoted, withJsonForms(secrets)) : quoted;
  if (scrubbed.length <= MAX_QUOTED_CURSOR_CHARS) return printableLine(scrubbed);
  // Not inside a surrogate pair: its first half alone is no character.
  const end = /[\ud800-\udbff]/.test(scrubbed[MAX_QUOTED_CURSOR_CHARS - 1]!)
    ? MAX_QUOTED_CURSOR_CHARS - 1
    : MAX_QUOTED_CURSOR_CHARS;
  return `${printableLine(scrubbed.slice(0, end))}... (${scrubbed.length} characters)`;
}

function itemsOf(page: Record<string, unknown>, meta: PaginationMeta): readonly unknown[] {
  const items = page[meta.items];
  return Array.isArray(items) ? items : [];
}
