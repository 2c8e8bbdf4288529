/**
 * One call through the client, from `startCall` to `endCall`: its limits and what its attempts
 * found (the client's errors for it: transport/call-errors.ts, imported on a failure). Shared by
 * the retry loop (src/client/transport/fetch.ts) and one attempt (src/client/transport/attempt.ts).
 */
import type { FeatherError } from '../../../common/feather-error.ts';
import {
  checkByteLimit,
  checkCount,
  checkTimeout,
  type FetchLike,
  type ResolvedOptions,
} from '../options.ts';

/** One call through the client: its limits, and what its attempts found (read by `toFeatherError`). */
export interface CallState {
  maxRetries: number;
  timeoutMs: number;
  fetch: FetchLike;
  /** The request's own signal, which follows the caller's `signal` option. */
  callerSignal?: AbortSignal;
  /** Aborts the running attempt (timeout or caller); replaced after it fired. */
  controller?: AbortController;
  /** Passes the caller's abort on to `controller`; removed when the call ends. */
  onCallerAbort?: () => void;
  /** Attempts made so far. */
  attempts: number;
  /** Method and URL of the request, once sent. */
  method?: string;
  url?: string;
  /** The response handed to openapi-fetch. */
  response?: Response;
  /** The running attempt's timer; it also bounds openapi-fetch's read of the body. */
  timer?: ReturnType<typeof setTimeout>;
  timedOut: boolean;
  /** The request is safe to repeat though its method is not (src/client/policy/idempotency.ts). */
  safeToRepeat?: boolean;
  /**
   * The secrets of this call, scrubbed from what it returns: the API keys sent (one unless the
   * key rotated) and the user's own credentials in its headers (policy/secrets.ts).
   */
  keys: string[];
  /** Bound on a decoded body the client reads (`maxResponseBytes`). */
  maxResponseBytes: number;
  /** `parseAs: 'stream'`: the success body is the caller's to read, not bounded here. */
  streams: boolean;
  /**
   * The transport's last failure: what the fetch threw (`raw`, which `onError` middleware sees)
   * and the client's error for it (`typed`, which the caller gets unless middleware replaced it).
   */
  failure?: { raw: unknown; typed: FeatherError };
}

/** A call with the client's limits, overridden per request where given. */
export function startCall(
  options: ResolvedOptions,
  overrides: {
    maxRetries?: unknown;
    timeoutMs?: unknown;
    maxResponseBytes?: unknown;
    fetch?: unknown;
    parseAs?: unknown;
    [key: string]: unknown;
  },
): CallState {
  const { maxRetries, timeoutMs, maxResponseBytes, fetch } = overrides;
  return {
    maxRetries:
      maxRetries === undefined
        ? options.maxRetries
        : checkCount(maxRetries as number, 'maxRetries'),
    timeoutMs:
      timeoutMs === undefined ? options.timeoutMs : checkTimeout(timeoutMs as number, 'timeoutMs'),
    fetch: typeof fetch === 'function' ? (fetch as FetchLike) : options.fetch,
    attempts: 0,
    timedOut: false,
    keys: [],
    maxResponseBytes:
      maxResponseBytes === undefined
        ? options.maxResponseBytes
        : checkByteLimit(maxResponseBytes as number, 'maxResponseBytes'),
    streams: overrides.parseAs === 'stream',
  };
}

/**
 * Records a transport failure and returns what to throw to openapi-fetch: the fetch's own error,
 * so that `onError` middleware sees it as openapi-fetch promises (issue 22), unless it is falsy
 * (openapi-fetch would drop it). `toFeatherError` (transport/call-errors.ts) turns it back into `typed`.
 */
export function failWith(call: CallState, raw: unknown, typed: FeatherError): unknown {
  call.failure = { raw, typed };
  return raw ? raw : typed;
}

/**
 * Ends a call once openapi-fetch is done: the attempt's timer stops and the caller's
 * signal lets go of the call (a signal reused for many calls would otherwise collect a listener
 * per call), unless the body still streams to the caller: then the signal must still reach it.
 */
export function endCall(call: CallState, bodyStreams: boolean): void {
  clearTimeout(call.timer);
  if (!bodyStreams && call.onCallerAbort !== undefined) {
    call.callerSignal?.removeEventListener('abort', call.onCallerAbort);
  }
}
