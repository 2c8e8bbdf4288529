/**
 * One paginated GET, `/v1/things`, for the paginate tests that need a table of their own (nothing
 * in them depends on what spec/ holds): the client's `generated` option, and a run of `paginate`
 * over it to its end or its error.
 */
import { paginate } from '../../src/index.ts';

const THINGS = '/v1/things';

/** `generated` for the client: no parameter rules, `/v1/things` paging by `next_cursor`. */
export const PAGINATED_THINGS = {
  PARAMETER_RULES: {},
  PAGINATION: { [THINGS]: { cursor: 'cursor', nextCursor: 'next_cursor', items: 'items' } },
  IDEMPOTENCY_KEY_BODY_OPERATIONS: [],
};

/** `paginate` untyped: `/v1/things` is not a path of the package's own `paths`. */
const paginateLoose = paginate as unknown as (
  client: unknown,
  path: string,
  init: object,
) => AsyncIterable<unknown>;

/** Every item of `/v1/things` through `client`, read and dropped. */
export async function drainThings(client: unknown): Promise<void> {
  for await (const item of paginateLoose(client, THINGS, {})) void item;
}
