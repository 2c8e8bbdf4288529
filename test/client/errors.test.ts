import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FeatherValidationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../src/client/errors.ts';
import { FeatherError } from '../../common/feather-error.ts';

const headers = (requestId?: string): Headers =>
  new Headers(requestId ? { 'x-request-id': requestId } : {});

describe('APIError.generate', () => {
  it.each<[number, new (...args: never[]) => APIError]>([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
  ])('maps %i to %o', (status, want) => {
    const error = APIError.generate({ status, headers: headers(), body: undefined });
    expect(error).toBeInstanceOf(want);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(FeatherError);
    expect(error.name).toBe(want.name);
    expect(error.status).toBe(status);
  });

  it('carries the body, headers and request id, and says them in the message', () => {
    const body = { error: 'invalid_api_key', message: 'The API key is not valid' };
    const error = APIError.generate({
      status: 401,
      headers: headers('req_123'),
      body,
      method: 'GET',
      url: 'https://api.example/v1/x',
    });
    expect(error.body).toEqual(body);
    expect(error.requestId).toBe('req_123');
    expect(error.headers.get('x-request-id')).toBe('req_123');
    expect(error.message).toBe(
      'GET https://api.example/v1/x: 401 invalid_api_key: The API key is not valid [request id req_123]',
    );
  });

  it.each<[string, unknown, string]>([
    ['an empty body', undefined, '500 (empty body)'],
    ['a text body', 'Bad Gateway', '500 Bad Gateway'],
    [
      'a FastAPI validation body',
      { detail: [{ loc: ['query', 'limit'], msg: 'too big', type: 'x' }] },
      '500 validation failed: query.limit too big',
    ],
    ['another JSON body', { oops: 1 }, '500 {"oops":1}'],
  ])('summarises %s', (_name, body, want) => {
    const error = APIError.generate({ status: 500, headers: headers(), body });
    expect(error.message).toBe(`request: ${want}`);
    expect(error.requestId).toBeUndefined();
  });
});

describe('transport errors', () => {
  it('a connection error names the attempts and the underlying code', () => {
    const cause = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const error = new APIConnectionError({
      method: 'GET',
      url: 'http://127.0.0.1:1/v1/x',
      attempts: 3,
      cause,
    });
    expect(error.message).toBe(
      'GET http://127.0.0.1:1/v1/x: connection failed after 3 attempts (ECONNREFUSED). Check the network and baseUrl.',
    );
    expect(error.cause).toBe(cause);
    expect(error.attempts).toBe(3);
  });

  it('a timeout is a connection error that names the bound', () => {
    const error = new APIConnectionTimeoutError({
      method: 'GET',
      url: 'u',
      attempts: 1,
      timeoutMs: 250,
    });
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toMatch(/timed out after 1 attempt of at most 250 ms each/);
  });
});

describe('FeatherValidationError', () => {
  it('lists every problem and says nothing was sent', () => {
    const error = new FeatherValidationError('GET /v1/x', [
      { in: 'query', name: 'limit', message: '500 is above the maximum 100' },
      { in: 'query', name: 'start_date', message: 'is required' },
    ]);
    expect(error.message).toBe(
      'GET /v1/x: 2 invalid parameters, nothing was sent:\n' +
        '  - query.limit: 500 is above the maximum 100\n' +
        '  - query.start_date: is required\n' +
        '(pass validate: false to send anyway)',
    );
    expect(error.problems).toHaveLength(2);
  });
});
