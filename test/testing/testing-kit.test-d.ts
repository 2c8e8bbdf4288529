/** Type tests of the testing kit: a wrong method, path, status or body shape does not compile. */
import { describe, expectTypeOf, it } from 'vitest';
import type { TimeoutAnalysisRow } from '../../src/index.ts';
import type { FeatherMock, MockAnswer, MockPath } from '../../src/testing/index.ts';
import { getToolReliabilityTimeoutAnalysis } from '../../src/operations.ts';

declare const mock: FeatherMock;
const TIMEOUTS = '/v1/analytics/tools/reliability/timeout-analysis';
const DASHBOARD = '/v1/analytics/integrations/dashboard';
declare const row: TimeoutAnalysisRow;

describe('handlers that compile', () => {
  it('take a declared status with its body, or no body, or a function', () => {
    mock.on('GET', TIMEOUTS, { status: 200, body: [row] });
    mock.on('GET', TIMEOUTS, { status: 401, body: { error: 'unauthorized', message: 'no' } });
    mock.on('GET', TIMEOUTS, { status: 422, body: { detail: [] } });
    mock.on('GET', DASHBOARD);
    mock.on('GET', DASHBOARD, { status: 200 });
    mock.on('GET', TIMEOUTS, ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<Record<string, string>>();
      return { status: 200, body: [] };
    });
    mock.on('GET', TIMEOUTS, async () => ({ status: 400, body: { error: 'e', message: 'm' } }));
    mock.on(getToolReliabilityTimeoutAnalysis, { status: 200, body: [row] });
  });

  it('type the answer from the spec', () => {
    expectTypeOf<
      Extract<MockAnswer<'GET', typeof TIMEOUTS>, { status: 200 }>['body']
    >().toEqualTypeOf<TimeoutAnalysisRow[] | undefined>();
    expectTypeOf<typeof TIMEOUTS | typeof DASHBOARD>().toExtend<MockPath<'GET'>>();
    expectTypeOf<'/v1/nope'>().not.toExtend<MockPath<'GET'>>();
  });
});

describe('handlers that do not compile', () => {
  it('a path the spec does not have', () => {
    // @ts-expect-error: no such path
    mock.on('GET', '/v1/analytics/nope', { status: 200, body: [] });
  });

  it('a method the path does not have', () => {
    // @ts-expect-error: the timeout analysis has no POST
    mock.on('POST', TIMEOUTS, { status: 200, body: [] });
  });

  it('a status the spec does not declare', () => {
    // @ts-expect-error: no 418 for this operation
    mock.on('GET', TIMEOUTS, { status: 418, body: [] });
  });

  it('a body of the wrong shape', () => {
    // @ts-expect-error: an array of rows, not one row
    mock.on('GET', TIMEOUTS, { status: 200, body: row });
    // @ts-expect-error: a row's field of the wrong type
    mock.on('GET', TIMEOUTS, { status: 200, body: [{ ...row, timeout_count: 'one' }] });
    // @ts-expect-error: the 401 body is an ErrorResponse, which needs its message
    mock.on('GET', TIMEOUTS, { status: 401, body: { error: 'unauthorized' } });
  });

  it('an operation function with a body of another operation', () => {
    // @ts-expect-error: the timeout analysis answers rows, not an envelope
    mock.on(getToolReliabilityTimeoutAnalysis, { status: 200, body: { summary: [] } });
  });

  it('a function answering the wrong body', () => {
    // @ts-expect-error: the 200 body is an array
    mock.on('GET', TIMEOUTS, () => ({ status: 200, body: { rows: [] } }));
  });

  it('an example for a path the spec does not have', () => {
    // @ts-expect-error: no such path
    mock.example('GET', '/v1/nope');
  });
});
