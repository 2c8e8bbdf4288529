/**
 * Same-origin redirects within one attempt (src/client/transport/attempt.ts imports this on the
 * first response that may be one): each hop as common/redirect.ts decides, refused ones as an
 * `APIRedirectError`.
 */
import { type CallState } from './call.ts';
import { urlForMessages } from '../../../common/url-for-messages.ts';
import { APIRedirectError } from '../errors.ts';
import { nextRedirect } from '../../../common/redirect.ts';
import { describeRefusal } from '../policy/redirect.ts';
import type { PreparedRequest } from './request.ts';

/** Body headers that go with the body when a redirect turns the request into a GET (fetch's list). */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/**
 * Follows same-origin redirects within the attempt (its timer and signal), as `nextRedirect`
 * decides; an `APIRedirectError` for one it refuses. `headers` carry the key: they only ever go
 * to the origin they were first sent to.
 */
export async function followRedirects(
  first: Response,
  prepared: PreparedRequest,
  headers: Headers,
  body: ArrayBuffer | undefined,
  init: RequestInit | undefined,
  call: CallState,
): Promise<Response> {
  let response = first;
  let from = { url: prepared.url, method: prepared.method };
  let sendBody = true;
  let hopHeaders = headers;
  for (let redirects = 0; ; redirects++) {
    const location = response.headers.get('location');
    const step = nextRedirect(
      from,
      { status: response.status, type: response.type, location },
      redirects,
      prepared.redirect,
    );
    if (step.kind === 'final') return response;
    response.body?.cancel().catch(() => undefined); // nobody reads a redirect's body
    if (step.kind === 'refuse') {
      const origin = new URL(prepared.url).origin;
      throw new APIRedirectError({
        method: prepared.method,
        url: urlForMessages(prepared.url),
        status: response.status,
        targetOrigin: step.targetOrigin,
        reason: describeRefusal(step, response.status, origin),
      });
    }
    if (sendBody && !step.keepBody) {
      sendBody = false;
      hopHeaders = new Headers(headers);
      for (const name of BODY_HEADERS) hopHeaders.delete(name);
    }
    const hopBody = sendBody ? (prepared.parts?.body ?? body) : undefined;
    const { signal } = call.controller ?? {};
    const hopInit: RequestInit = {
      ...(prepared.parts?.init ?? {}),
      ...init,
      method: step.method,
      headers: hopHeaders,
      body: hopBody,
      redirect: 'manual',
    };
    if (signal !== undefined) hopInit.signal = signal;
    else if (prepared.callerSignal !== undefined) hopInit.signal = prepared.callerSignal;
    if (prepared.parts !== undefined) {
      response = await globalThis.fetch(step.url, hopInit);
    } else {
      const fetchHop = call.fetch;
      response = await fetchHop(new Request(step.url, hopInit), {
        ...init,
        signal: hopInit.signal,
        redirect: 'manual',
      });
    }
    from = { url: step.url, method: step.method };
  }
}
