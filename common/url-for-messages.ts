/**
 * What a message or a report shows of a URL someone gave: its origin and path. The credentials
 * (`user:password@`), the query (a signed URL's signature, `?api_key=`) and the fragment are left
 * out: a drift report goes into a pull-request body and an error into a CI log. The client's
 * errors and log lines (src/client/transport/) and drift both show URLs through it.
 */
export function urlForMessages(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/[?#][\s\S]*$/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
  }
  return parsed.origin === 'null'
    ? `${parsed.protocol}${parsed.pathname}`
    : `${parsed.origin}${parsed.pathname}`;
}

/** True when `url` names credentials (`user:password@`), which fetch refuses to send anyway. */
export function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}
