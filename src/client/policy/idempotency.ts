/**
 * Feather's idempotency is a body field: operations whose JSON body declares `idempotency_key`
 * (generated/operations.ts) dedupe a repeated request by it. Such a request is safe to repeat,
 * so the client may retry it; `autoIdempotencyKey` fills the field when the caller left it out.
 * An `Idempotency-Key` header is trusted only where the operation declares it (Feather declares
 * none): a header the server ignores would make a retried POST happen twice.
 */
import type { ParameterRule } from '../../../generated/index.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../constants.ts';

/** Methods that may be sent twice without a second effect (RFC 9110 section 9.2.2). */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
]);

/** True when a request may be sent again: an idempotent method, or one with an Idempotency-Key. */
export function isRetryableRequest(method: string, hasIdempotencyKey: boolean): boolean {
  return hasIdempotencyKey || IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** The body field Feather reads. */
export const IDEMPOTENCY_KEY_FIELD = 'idempotency_key';

/**
 * The body to send and whether the request is safe to repeat: a plain-object body of an
 * operation that declares the field is safe when it carries a key, given or filled in (`auto`).
 * Any other body is returned as it is, and not safe.
 */
export function withIdempotencyKey(
  body: unknown,
  auto: boolean,
  newKey: () => string = newIdempotencyKey,
): { body: unknown; safeToRepeat: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { body, safeToRepeat: false };
  }
  const given = (body as Record<string, unknown>)[IDEMPOTENCY_KEY_FIELD];
  if (typeof given === 'string' && given !== '') return { body, safeToRepeat: true };
  if (!auto || (given !== undefined && given !== null)) return { body, safeToRepeat: false };
  return { body: { ...body, [IDEMPOTENCY_KEY_FIELD]: newKey() }, safeToRepeat: true };
}

/** True when the operation declares an `Idempotency-Key` header parameter. */
export function declaresIdempotencyHeader(rules: readonly ParameterRule[] | undefined): boolean {
  return (
    rules?.some(
      (rule) => rule.in === 'header' && rule.name.toLowerCase() === IDEMPOTENCY_KEY_HEADER,
    ) ?? false
  );
}

/**
 * `feather-` and a random UUID v4 from Web Crypto (`randomUUID` needs a secure context in
 * browsers): 44 characters, within Feather's `^[A-Za-z0-9_\-]{1,120}$`.
 */
export function newIdempotencyKey(): string {
  const { crypto } = globalThis;
  if (typeof crypto.randomUUID === 'function') return `feather-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `feather-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
