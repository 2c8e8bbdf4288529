/**
 * Reads a fetch `Response` body as UTF-8 text, at most `maxBytes` of it (decoded bytes, as they
 * arrive): past that, or when an unencoded body's Content-Length already says so, the rest is
 * cancelled and `tooLarge(what)` is thrown. A server that streams gigabytes, or a gzip bomb,
 * costs at most `maxBytes` of memory. Used by ingest and by drift, which read specs from servers.
 */
export async function readBoundedText(
  response: Response,
  maxBytes: number,
  tooLarge: (what: string) => Error,
): Promise<string> {
  const encoding = response.headers.get('content-encoding');
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if ((!encoding || encoding === 'identity') && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(`the body (content-length ${declared})`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const bytes = await readBytesWithin(reader, maxBytes);
  if (bytes === undefined) {
    await reader.cancel().catch(() => {});
    throw tooLarge('the body');
  }
  return new TextDecoder().decode(bytes);
}

/**
 * What `reader` yields, joined into one array, or `undefined` as soon as it passes `maxBytes`
 * (the reader is then the caller's to cancel). Also the client's read of an error body's prefix.
 */
export async function readBytesWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) return undefined;
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
