/**
 * The operation functions' direct path (docs/performance.md): the request openapi-fetch's
 * `createClient` builds with its default serializers and no middleware (URL, headers, JSON body,
 * init), built here with its serializers' output (transport/serialize.ts) and without its
 * `Request`, and its `{ data, error, response }` read from the response as openapi-fetch reads it. Both are handed to the same retrying fetch as the path
 * style's (transport/fetch.ts); only what openapi-fetch does around it is not repeated.
 */
import {
  defaultBodySerializer,
  mergeHeaders,
  serializeArrayParam,
  serializeObjectParam,
} from './serialize.ts';
import { PartsOrRequest, type RequestParts } from './request.ts';
import { sendWithRetries } from './fetch.ts';
import { globalFetch, type ResolvedOptions } from '../options.ts';
import type { CallState } from './call.ts';
import { removeTrailingSlash } from './serialize.ts';

/** A `{name}` of a path template, as written (`match`) and without its braces (`name`). */
export interface PathPlaceholder {
  match: string;
  name: string;
}

const PLACEHOLDER_RE = /\{[^{}]+\}/g;

/**
 * The placeholders of `template`, found once per operation function, or `undefined` when one
 * has a label, matrix or explode modifier (`{.id}`, `{;id}`, `{id*}`): those go through
 * openapi-fetch's own serializer.
 */
export function pathPlaceholders(template: string): readonly PathPlaceholder[] | undefined {
  const found: PathPlaceholder[] = [];
  for (const match of template.match(PLACEHOLDER_RE) ?? []) {
    const name = match.slice(1, -1);
    if (/^[.;]|\*$/.test(name)) return undefined;
    found.push({ match, name });
  }
  return found;
}

/**
 * The keys of a call's init that openapi-fetch consumes rather than passes on to `Request`
 * (openapi-fetch 0.17's `coreFetch`).
 */
const CONSUMED_KEYS = new Set([
  'baseUrl',
  'fetch',
  'Request',
  'headers',
  'params',
  'parseAs',
  'querySerializer',
  'bodySerializer',
  'pathSerializer',
  'body',
  'middleware',
]);

/** What one client fixes for every direct request. */
export interface DirectBase {
  /** The client's `baseUrl`, without a trailing slash. */
  baseUrl: string;
  /** The client's `headers` option. */
  headers: unknown;
  /** The client's options that openapi-fetch passes on to every `Request` (`credentials`, ...). */
  requestOptions: Record<string, unknown>;
  /** The client's query serializer (never the user's function: that goes through openapi-fetch). */
  querySerializer: (query: Record<string, unknown>) => string;
  options: ResolvedOptions;
}

/** The keys of openapi-fetch's client options that it does not pass on to every `Request`. */
const CORE_OPTION_KEYS = new Set([
  'baseUrl',
  'Request',
  'fetch',
  'querySerializer',
  'bodySerializer',
  'pathSerializer',
  'headers',
  'requestInitExt',
]);

/** A client's `DirectBase` (built on its first direct call). */
export function directBase(options: ResolvedOptions): DirectBase {
  const { clientOptions } = options;
  const requestOptions: Record<string, unknown> = {};
  for (const key of Object.keys(clientOptions)) {
    if (!CORE_OPTION_KEYS.has(key)) {
      requestOptions[key] = (clientOptions as Record<string, unknown>)[key];
    }
  }
  return {
    baseUrl: removeTrailingSlash(options.baseUrl),
    headers: clientOptions.headers,
    requestOptions,
    querySerializer: clientOptions.querySerializer as DirectBase['querySerializer'],
    options,
  };
}

type Result = { data?: unknown; error?: unknown; response: Response };

/**
 * An operation function's call without openapi-fetch: the request it would build, sent by the
 * same retrying fetch as the path style's, read into the result it would give. Whatever throws
 * while building (a bad header value, a lone surrogate) rejects, as in openapi-fetch.
 */
export function sendDirect(
  method: string,
  path: string,
  init: Record<string, unknown> | undefined,
  placeholders: readonly PathPlaceholder[],
  call: CallState,
  base: DirectBase,
): Promise<Result> {
  let request: RequestParts | Request;
  try {
    const local = init?.baseUrl;
    const baseUrl = local ? removeTrailingSlash(local as string) : base.baseUrl;
    const query =
      typeof init?.querySerializer === 'function'
        ? (init.querySerializer as DirectBase['querySerializer'])
        : base.querySerializer;
    const params = (init?.params ?? {}) as DirectParams;
    const url = directUrl(baseUrl, path, placeholders, params, query);
    request = directRequest(method, url, init, base, call.fetch !== globalFetch);
  } catch (error) {
    return Promise.reject(error);
  }
  const parseAs = (init?.parseAs as string | undefined) ?? 'json';
  return sendWithRetries(request, undefined, call, base.options).then((response) =>
    directResult(response, method, parseAs),
  );
}

/** An operation function's direct path: its placeholders, and the functions above. */
export interface DirectPath {
  placeholders: readonly PathPlaceholder[];
  base: typeof directBase;
  send: typeof sendDirect;
}

/** The direct path of `template`, or `undefined` when its placeholders need openapi-fetch's serializer. */
export function directPath(template: string): DirectPath | undefined {
  const placeholders = pathPlaceholders(template);
  return placeholders && { placeholders, base: directBase, send: sendDirect };
}

/** How many path-style templates `cachedDirectPath` remembers (a caller may pass any string). */
const PATH_CACHE_MAX_ENTRIES = 512;
/** Per template: its direct path, or `null` when it needs openapi-fetch's serializer. */
const pathCache = new Map<string, DirectPath | null>();

/**
 * The path style's direct path of `path` (the caller's string, `__proto__` or `..` included: a
 * `Map` key like any other), found once per template; the oldest entry goes past the cap.
 */
export function cachedDirectPath(path: string): DirectPath | undefined {
  let found = pathCache.get(path);
  if (found === undefined) {
    if (pathCache.size >= PATH_CACHE_MAX_ENTRIES) {
      pathCache.delete(pathCache.keys().next().value!);
    }
    found = directPath(path) ?? null;
    pathCache.set(path, found);
  }
  return found ?? undefined;
}

interface DirectParams {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/**
 * The URL openapi-fetch's default path serializer and `querySerializer` give for `template`:
 * each placeholder replaced (first occurrence, `String.prototype.replace` as openapi-fetch does),
 * then `?` and the query unless it is empty.
 */
export function directUrl(
  baseUrl: string,
  template: string,
  placeholders: readonly PathPlaceholder[],
  params: DirectParams,
  serializeQuery: (query: Record<string, unknown>) => string,
): string {
  let url = baseUrl + template;
  const values = params.path;
  if (values) {
    for (const { match, name } of placeholders) {
      const value = values[name];
      if (value === undefined || value === null) continue;
      const text = Array.isArray(value)
        ? serializeArrayParam(name, value, { style: 'simple', explode: false })
        : typeof value === 'object'
          ? serializeObjectParam(name, value, {
              style: 'simple',
              explode: false,
            })
          : encodeURIComponent(value as string | number | boolean);
      url = url.replace(match, text);
    }
  }
  let search = serializeQuery(params.query ?? {});
  if (search.startsWith('?')) search = search.substring(1);
  return search ? `${url}?${search}` : url;
}

/**
 * The request openapi-fetch would build for `init`: `RequestParts` (or a Request, for a body
 * that is not a string or when `asRequest`, a custom fetch's due), with the same init.
 */
export function directRequest(
  method: string,
  url: string,
  init: Record<string, unknown> | undefined,
  base: Pick<DirectBase, 'headers' | 'requestOptions'>,
  asRequest: boolean,
): RequestParts | Request {
  const params = (init?.params ?? {}) as DirectParams;
  let headers = mergeHeaders(
    base.headers as HeadersInit,
    init?.headers as HeadersInit,
    params.header as HeadersInit,
  );
  const body = init?.body === undefined ? undefined : defaultBodySerializer(init.body, headers);
  if (body !== undefined && !(body instanceof FormData)) {
    // openapi-fetch's default Content-Type comes first, so a header given (or removed) wins.
    headers = mergeHeaders(
      { 'Content-Type': 'application/json' },
      base.headers as HeadersInit,
      init?.headers as HeadersInit,
      params.header as HeadersInit,
    );
  }
  const requestInit: Record<string, unknown> = { redirect: 'follow' };
  for (const key in base.requestOptions) requestInit[key] = base.requestOptions[key];
  if (init !== undefined) {
    for (const key of Object.keys(init)) {
      if (!CONSUMED_KEYS.has(key)) requestInit[key] = init[key];
    }
  }
  requestInit.method = method;
  requestInit.body = body;
  requestInit.headers = headers;
  if (!asRequest) return new PartsOrRequest(url, requestInit) as unknown as RequestParts | Request;
  const request = new Request(url, requestInit);
  // openapi-fetch copies init keys Request does not know onto it (a custom fetch may read them).
  for (const key in requestInit) {
    if (!(key in request)) (request as unknown as Record<string, unknown>)[key] = requestInit[key];
  }
  return request;
}

/** The result openapi-fetch gives for `response` (its `coreFetch`, after the fetch). */
async function directResult(
  response: Response,
  method: string,
  parseAs: string,
): Promise<{ data?: unknown; error?: unknown; response: Response }> {
  const contentLength = response.headers.get('Content-Length');
  if (
    response.status === 204 ||
    method === 'HEAD' ||
    (contentLength === '0' && !response.headers.get('Transfer-Encoding')?.includes('chunked'))
  ) {
    return response.ok ? { data: undefined, response } : { error: undefined, response };
  }
  if (response.ok) {
    if (parseAs === 'stream') return { data: response.body, response };
    if (parseAs === 'json' && !contentLength) {
      const raw = await response.text();
      return { data: raw ? (JSON.parse(raw) as unknown) : undefined, response };
    }
    const read = (response as unknown as Record<string, (this: Response) => Promise<unknown>>)[
      parseAs
    ]!;
    return { data: await read.call(response), response };
  }
  let error: unknown = await response.text();
  try {
    error = JSON.parse(error as string);
  } catch {
    // not JSON: the text, as openapi-fetch returns it
  }
  return { error, response };
}
