/**
 * `streamEvents`: the server-sent events of a `parseAs: 'stream'` call (`text/event-stream`, as
 * `POST /v1/model-router/stream` answers), parsed by eventsource-parser. The call's `timeoutMs`
 * bounds the wait for each event or comment (an idle timeout: a stream may last long, but not
 * stall, nor drip bytes that never finish one), the
 * caller's `signal` ends it, and every way it can fail is one of the client's errors.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { STREAM_CALLS } from './transport/call-context.ts';
import { DEFAULT_MAX_EVENT_BYTES, DEFAULT_TIMEOUT_MS } from './constants.ts';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIResponseTooLargeError,
  APIUserAbortError,
} from './errors.ts';
import { FeatherError } from '../../common/feather-error.ts';
import { checkByteLimit } from './options.ts';
import { unwrap, type FetchResult } from './unwrap.ts';
import { scrubErrorChain } from './policy/error-secrets.ts';

/** One event: `event` is the `event:` field (absent for the default `message`), `data` the text. */
export type ServerSentEvent = EventSourceMessage;

/** Overrides of what the call said. */
export interface StreamEventsOptions {
  /**
   * Longest wait for the next event or comment (a `: ping` heartbeat line), in ms: bytes that
   * finish neither do not count; `0` or `Infinity`: none.
   * @default the call's `timeoutMs` (the client's, 60000 unless set)
   */
  timeoutMs?: number;
  /**
   * Ends the stream with an `APIUserAbortError`.
   * @default the call's `signal`
   */
  signal?: AbortSignal;
  /**
   * Bound on one event, in bytes received since the last blank line (so also on one line): a
   * larger one ends the stream with `APIResponseTooLargeError`.
   * @default 2097152 (2 MiB)
   */
  maxEventBytes?: number;
}

/**
 * What `streamEvents` asks of a result beyond `FetchResult`: nothing when its `data` is the body's
 * stream (a `parseAs: 'stream'` call's) or not known (`unknown`). A result with other `data` (a
 * JSON call's, which would throw once read) fails to compile, the error naming the fix:
 * "Property 'pass parseAs: 'stream' to the call' is missing".
 */
export type StreamSource<Result extends FetchResult> = unknown extends Result['data']
  ? unknown
  : [Exclude<Result['data'], undefined>] extends [ReadableStream | null]
    ? unknown
    : { "pass parseAs: 'stream' to the call": true };

/**
 * The events of a streamed response, in order:
 * `for await (const e of streamEvents(feather.POST(path, { body, parseAs: 'stream' })))`.
 * An HTTP error throws its `APIError`; no event nor comment for `timeoutMs` throws
 * `APIConnectionTimeoutError`, the caller's signal `APIUserAbortError`, a cut connection
 * `APIConnectionError`. Leaving the loop early cancels the stream.
 */
export async function* streamEvents<Call extends FetchResult | Promise<FetchResult>>(
  result: Call & NoInfer<StreamSource<Awaited<Call>>>,
  options: StreamEventsOptions = {},
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const settled = await result;
  const stream = unwrap(settled);
  const { response } = settled;
  const call = STREAM_CALLS.get(response);
  const method = call?.method ?? 'request';
  const url = call?.url ?? response.url;
  if (!(stream instanceof ReadableStream)) {
    throw new FeatherError(
      `${method} ${url}: streamEvents needs the response body as a stream; pass parseAs: 'stream' to the call`,
    );
  }
  const timeoutMs = options.timeoutMs ?? call?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxEventBytes = checkByteLimit(
    options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    'maxEventBytes',
  );
  const eventSize = new EventSize();
  const signal = options.signal ?? call?.signal;
  const events: ServerSentEvent[] = [];
  let commented = false;
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: () => (commented = true),
  });
  const bounded = timeoutMs > 0 && timeoutMs !== Infinity;
  // The idle timer restarts on an event or a comment only: a byte at a time never finishes one.
  let lastProgress = performance.now();
  const decoder = new TextDecoder();
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  let done = false;
  let received = 0;
  try {
    while (!done) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        const waitMs = bounded ? lastProgress + timeoutMs - performance.now() : timeoutMs;
        chunk = await readWithin(reader, bounded ? Math.max(waitMs, 1) : timeoutMs, signal);
      } catch (error) {
        // A malformed chunk's parser error, under the read's, quotes the raw bytes.
        const failure = streamFailure(error, { method, url, timeoutMs, signal, received });
        throw scrubErrorChain(failure, call?.secrets ?? []);
      }
      if (chunk.done) {
        done = true;
        // An event cut off before its blank line is dropped, as the SSE standard says.
        parser.feed(decoder.decode());
      } else {
        if (eventSize.grow(chunk.value) > maxEventBytes) {
          throw new APIResponseTooLargeError({
            method,
            url,
            status: response.status,
            limitName: 'maxEventBytes',
            limitBytes: maxEventBytes,
          });
        }
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
      if (commented || events.length > 0) {
        commented = false;
        lastProgress = performance.now();
      }
      for (const event of events.splice(0)) {
        received++;
        yield event;
      }
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The size of the event being received: bytes since the last blank line (CRLF, LF or CR line
 * ends, a CRLF split across chunks counted once), which also bounds the line the parser buffers.
 */
class EventSize {
  private bytes = 0;
  private atLineStart = true;
  private afterCR = false;

  /** Counts `chunk` in; returns the size of the event now being received. */
  grow(chunk: Uint8Array): number {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LF || byte === CR) {
        if (byte === LF && this.afterCR) {
          this.afterCR = false; // the LF of a CRLF
          continue;
        }
        this.afterCR = byte === CR;
        if (this.atLineStart) this.bytes = 0; // a blank line: the event ended
        this.atLineStart = true;
      } else {
        this.afterCR = false;
        this.atLineStart = false;
        this.bytes++;
      }
    }
    return this.bytes;
  }
}

/** Why `readWithin` gave up: the wait ran past its bound. */
class IdleTimeout extends Error {}

/** The next chunk, or a rejection when `timeoutMs` passes first or `signal` fires. */
function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const bounded = timeoutMs > 0 && timeoutMs !== Infinity;
  if (!bounded && signal === undefined) return reader.read();
  return new Promise((resolve, reject) => {
    const timer = bounded ? setTimeout(() => finish(new IdleTimeout()), timeoutMs) : undefined;
    const onAbort = (): void => finish(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(error?: unknown, value?: ReadableStreamReadResult<Uint8Array>): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (value !== undefined) resolve(value);
      else reject(error);
    }
    reader.read().then(
      (value) => finish(undefined, value),
      (error: unknown) => finish(error),
    );
  });
}

/** The client's error for a failed read. */
function streamFailure(
  error: unknown,
  where: {
    method: string;
    url: string;
    timeoutMs: number;
    signal: AbortSignal | undefined;
    received: number;
  },
): FeatherError {
  const { method, url, timeoutMs, signal, received } = where;
  if (signal?.aborted) return new APIUserAbortError({ method, url, cause: signal.reason });
  const init = { method, url, attempts: 1, cause: error };
  if (error instanceof IdleTimeout) {
    return new APIConnectionTimeoutError(
      { ...init, cause: undefined, timeoutMs },
      `${method} ${url}: the event stream sent no event nor comment for ${timeoutMs} ms after ` +
        `${received} events. Raise timeoutMs (the wait for each event) if the server is slow.`,
    );
  }
  return new APIConnectionError(
    init,
    `${method} ${url}: the event stream was cut after ${received} events` +
      `${error instanceof Error ? ` (${error.message})` : ''}. Check the network, then retry.`,
  );
}
