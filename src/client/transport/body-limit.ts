/**
 * Bounds on what the client reads of a response: `maxResponseBytes` of a decoded body (a 408 KB
 * gzip body may expand to 400 MiB), and a short prefix of an error body for its retry hints.
 */
import { urlForMessages, type CallState } from './call.ts';
import { APIResponseTooLargeError } from '../errors.ts';
import { copyResponse, holdsSecret } from '../policy/secrets.ts';

/** What an error body's retry hints are read from: Feather's `ErrorResponse` is a few hundred bytes. */
export const ERROR_HINTS_PREFIX_BYTES = 64 * 1024;

/** What the client needs of a success response's headers. */
export interface HeaderFacts {
  contentLength: string | undefined;
  /** A Content-Encoding is declared: Content-Length counts the encoded bytes. */
  encoded: boolean;
  /** A value holds one of the secrets (a server echoing the key). */
  holdsSecret: boolean;
}

/**
 * `HeaderFacts` in one pass over `headers`: iterating a fetch `Headers` sorts it, so each pass
 * (or a `get` and a `has` on top) costs on every response.
 */
export function headerFacts(headers: Headers, secrets: readonly string[]): HeaderFacts {
  const facts: HeaderFacts = { contentLength: undefined, encoded: false, holdsSecret: false };
  for (const [name, value] of headers) {
    if (name === 'content-length') facts.contentLength = value;
    else if (name === 'content-encoding') facts.encoded = true;
    if (!facts.holdsSecret && holdsSecret(value, secrets)) facts.holdsSecret = true;
  }
  return facts;
}

/**
 * `response`, or a copy whose body errors with `APIResponseTooLargeError` once more than
 * `limitBytes` decoded bytes have come. A body with a Content-Length and no Content-Encoding is
 * handed on as it is when it fits (fetch delivers no more than that length), and refused at once
 * when it does not: the common case costs one header lookup, not a stream per response.
 */
export function limitBody(
  response: Response,
  limitBytes: number,
  call: CallState,
  facts: HeaderFacts = headerFacts(response.headers, []),
): Response {
  const { body } = response;
  if (body === null || limitBytes === Infinity) return response;
  const tooLarge = (): APIResponseTooLargeError =>
    new APIResponseTooLargeError({
      method: call.method ?? 'request',
      url: urlForMessages(call.url ?? response.url),
      status: response.status,
      limitName: 'maxResponseBytes',
      limitBytes,
    });
  const declared = facts.contentLength;
  if (declared !== undefined && !facts.encoded) {
    if (Number(declared) <= limitBytes) return response;
    body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  let received = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limitBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return copyResponse(response, counted, response.headers);
}

/**
 * The first `limitBytes` of a body as text, read from a clone (the original stays whole for
 * openapi-fetch), or `undefined` when the body is longer: a prefix of JSON does not parse.
 */
export async function readPrefix(
  response: Response,
  limitBytes: number,
): Promise<string | undefined> {
  const reader = response.clone().body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > limitBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
