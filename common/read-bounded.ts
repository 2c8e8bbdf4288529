/**
 * Reads a fetch `Response` body as UTF-8 text, at most `maxBytes` of it (decoded bytes, as they
 * arrive): past that, or when an unencoded body's Content-Length already says so, the rest is
 * cancelled and `tooLarge(what)` is thrown. A server that streams gigabytes, or a gzip bomb,
 * costs at most `maxBytes` of memory. Bytes that are not UTF-8 throw `notUtf8(offset)` (the byte
 * offset of the first bad sequence), as a local spec file is refused: decoded leniently they
 * would become U+FFFD without a word. Used by ingest and by drift, which read specs from servers.
 */
export async function readBoundedText(
  response: Response,
  maxBytes: number,
  tooLarge: (what: string) => Error,
  notUtf8: (offset: number) => Error,
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
  try {
    // Made here, not at the module's top: the client imports this module for readBytesWithin, and
    // a top-level `new` is a side effect a bundler keeps.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notUtf8(Math.max(0, firstInvalidUtf8(bytes)));
  }
}

/** Byte offset of the first byte that is not valid UTF-8, or -1 when all of it is. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [extra, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [extra, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [extra, min] = [3, 0x10000];
    else return i;
    if (i + extra >= bytes.length) return i;
    let code = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += extra + 1;
  }
  return -1;
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
