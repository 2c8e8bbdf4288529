/**
 * The error for a failed attempt when the failure path could not be imported: what happened, and
 * the fetch's error as its cause unless that holds the key (the chain scrubbing did not load).
 */
import { describe, expect, it } from 'vitest';
import { FeatherError } from '../../../common/feather-error.ts';
import { unloadedFailurePath } from '../../../src/client/transport/failure-path.ts';
import { everythingAbout } from '../../helpers/leaks.ts';

const KEY = 'sk_live_UNLOADED_7c1e';
const WHERE = 'GET http://127.0.0.1:9/v1/x';
const IMPORT_ERROR = new TypeError('Failed to fetch dynamically imported module: /retry-step.js');

describe('unloadedFailurePath', () => {
  it('keeps a connection error without the key as its cause', () => {
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const error = unloadedFailurePath(
      { kind: 'connection-error', error: cause },
      WHERE,
      1,
      [KEY],
      IMPORT_ERROR,
    );
    expect(error).toBeInstanceOf(FeatherError);
    expect(error.message).toContain(`${WHERE}: the connection failed (attempt 1)`);
    expect(error.message).toContain(IMPORT_ERROR.message);
    expect(error.cause).toBe(cause);
  });

  it.each<[string, unknown]>([
    ['in a message down the chain', new TypeError('x', { cause: new Error(`bad: ${KEY}`) })],
    ['JSON-escaped in a property', Object.assign(new Error('x'), { data: { raw: `"${KEY}"` } })],
    ['in raw bytes', Object.assign(new Error('x'), { data: new TextEncoder().encode(KEY) })],
  ])('drops a cause that holds the key (%s)', (_name, cause) => {
    const error = unloadedFailurePath(
      { kind: 'timeout', error: cause },
      WHERE,
      2,
      [KEY],
      IMPORT_ERROR,
    );
    expect(error.message).toContain('the attempt timed out (attempt 2)');
    expect(error.cause).toBeUndefined();
    expect(everythingAbout(error)).not.toContain(KEY);
  });
});
