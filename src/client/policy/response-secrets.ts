/**
 * The copies of a success response scrubbed of the secrets (policy/secrets.ts): its URL (a
 * same-origin redirect to a Location quoting the key) and its headers and status text (a server
 * echoing the key). Imported when `urlMayHoldSecret` or a header says there is one to scrub,
 * not with the client: most responses hold none (docs/performance.md).
 */
import {
  copyResponse,
  holdsSecret,
  REDACTED,
  scrubHeaders,
  scrubText,
  withJsonForms,
} from './secrets.ts';

/** The scheme and host of an absolute URL: the origin the caller named (redirects stay on it). */
const URL_ORIGIN = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;

/**
 * `url` with every form of each secret replaced after its origin: raw, percent-encoded (however
 * the server or the URL parser encoded it: `%2F` or `%2f`, some characters and not others) and
 * JSON-escaped. A same-origin redirect to `/v1/x?token=KEY` puts the key in the response's URL.
 */
export function scrubUrl(url: string, secrets: readonly string[]): string {
  const origin = URL_ORIGIN.exec(url)?.[0] ?? '';
  const rest = url.slice(origin.length);
  const forms = withJsonForms(secrets);
  let scrubbed = holdsSecret(rest, forms) ? scrubText(rest, forms) : rest;
  if (scrubbed.includes('%')) scrubbed = scrubPercentDecoded(scrubbed, secrets);
  return scrubbed === rest ? url : origin + scrubbed;
}

/**
 * `text` with each secret replaced where its percent-decoded form holds it: the text is cut into
 * characters and runs of `%XX` (one run decodes together: a UTF-8 character spans several), and
 * every piece that overlaps an occurrence becomes part of one `***`.
 */
function scrubPercentDecoded(text: string, secrets: readonly string[]): string {
  const all = decode(text); // the common case, on every response: no secret, one call
  if (all !== text && !holdsSecret(all, secrets)) return text;
  const pieces = text.match(/(?:%[\da-f]{2})+|[^]/giu) ?? [];
  const decoded = pieces.map((piece) =>
    piece.length > 1 && piece[0] === '%' ? decode(piece) : piece,
  );
  const whole = decoded.join('');
  if (!holdsSecret(whole, secrets)) return text;
  const starts: number[] = [];
  let at = 0;
  for (const piece of decoded) {
    starts.push(at);
    at += piece.length;
  }
  const hidden = new Array<boolean>(pieces.length).fill(false);
  for (const secret of secrets) {
    if (secret === '') continue;
    let first = 0; // the first piece that ends after the occurrence starts (occurrences ascend)
    for (let from = whole.indexOf(secret); from !== -1; from = whole.indexOf(secret, from + 1)) {
      const to = from + secret.length;
      while (starts[first]! + decoded[first]!.length <= from) first++;
      for (let i = first; i < pieces.length && starts[i]! < to; i++) hidden[i] = true;
    }
  }
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    if (!hidden[i]) out += pieces[i];
    else if (!hidden[i - 1]) out += REDACTED;
  }
  return out;
}

/** A run of `%XX` decoded, or as it is when its bytes are not UTF-8. */
function decode(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run;
  }
}

/**
 * `response`, or, when its URL holds a secret (a same-origin redirect to a Location quoting the
 * key), a copy over the same body whose `url` is scrubbed. A copy rather than the instance with
 * `url` shadowed: `clone()` of that instance would hand back the original URL.
 */
export function scrubResponseUrl(response: Response, secrets: readonly string[]): Response {
  const { url } = response;
  if (url === '' || secrets.length === 0) return response;
  const scrubbed = scrubUrl(url, secrets);
  if (scrubbed === url) return response;
  return copyResponse(response, response.body, response.headers, [], scrubbed);
}

/**
 * A copy of a success response whose headers or status text echo a key (`x-request-id: KEY`),
 * with scrubbed headers and status text over the same body stream. The body of a success is the
 * API's data: not altered.
 */
export function scrubSuccessHeaders(response: Response, keys: readonly string[]): Response {
  const secrets = withJsonForms(keys);
  return copyResponse(response, response.body, scrubHeaders(response.headers, secrets), secrets);
}
