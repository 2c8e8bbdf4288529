/**
 * The bound on what the client reads of a response: `maxResponseBytes` of a decoded body (a
 * 408 KB gzip body may expand to 400 MiB). (An error body's retry hints are read within their
 * own bound: transport/retry-step.ts.)
 */
import { type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import { copyResponse, holdsSecret, secretForms } from '../policy/secrets.ts';

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
  // Encoded too: `x-request-id` may echo the key percent-encoded or in base64.
  const forms = secrets.length === 0 ? secrets : secretForms(secrets);
  for (const [name, value] of headers) {
    if (name === 'content-length') facts.contentLength = value;
    else if (name === 'content-encoding') facts.encoded = true;
    if (!facts.holdsSecret && holdsSecret(value, forms)) facts.holdsSecret = true;
  }
  return facts;
}

/**
 * `response`, or a copy whose body errors with `APIResponseTooLargeError` once more than
 * `limitBytes` decoded bytes have come. A body with a Content-Length and no Content-Encoding is
 * handed on as it is when it fits (fetch delivers no more than that length), and refused at once
 * (a rejected promise) when it does not: the common case costs one header lookup, not a stream
 * per response. The error class is imported when the bound is passed, not with the client.
 */
export function limitBody(
  response: Response,
  limitBytes: number,
  call: CallState,
  facts: HeaderFacts = headerFacts(response.headers, []),
): Response | Promise<never> {
  const { body } = response;
  if (body === null || limitBytes === Infinity) return response;
  const tooLarge = async (): Promise<Error> => {
    const { APIResponseTooLargeError } = await import('../errors.ts');
    return new APIResponseTooLargeError({
      method: call.method ?? 'request',
      url: urlForMessages(call.url ?? response.url),
      status: response.status,
      limitName: 'maxResponseBytes',
      limitBytes,
    });
  };
  const declared = facts.contentLength;
  if (declared !== undefined && !facts.encoded) {
    if (Number(declared) <= limitBytes) return response;
    body.cancel().catch(() => undefined);
    return tooLarge().then((error) => Promise.reject(error));
  }
  let received = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received <= limitBytes) return controller.enqueue(chunk);
        return tooLarge().then(
          (error) => controller.error(error),
          (error: unknown) => controller.error(error),
        );
      },
    }),
  );
  return copyResponse(response, counted, response.headers);
}
