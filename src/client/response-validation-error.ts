/**
 * `APIResponseValidationError`, of the one hierarchy in errors.ts, in its own file: only the
 * response validator (loaded on first use) and the testing kit create it, so a bundle of a client
 * with validation off does not carry it.
 */
import { FeatherError } from '../../common/feather-error.ts';
import { plural, requestIdSuffix } from './message-parts.ts';

/** One place where a response breaks its schema. */
export interface ResponseProblem {
  /** JSON pointer into the body (`""` for the body itself), e.g. `/items/0/created_at`. */
  pointer: string;
  /** What is wrong there, in the schema's terms; never a value from the body. */
  message: string;
}

/**
 * A response body the pinned spec does not allow for its operation and status: thrown by the
 * client with `validateResponses: 'throw'`, and by the testing kit for a handler's answer. The
 * message names the operation, the status and the first pointer; never a value of the body.
 */
export class APIResponseValidationError extends FeatherError {
  override name = 'APIResponseValidationError';
  /** `"GET /v1/..."` (the path as the spec writes it). */
  readonly operation: string;
  readonly status: number;
  /** JSON pointer of the first problem. */
  readonly pointer: string;
  /** Every problem found (at most `MAX_RESPONSE_PROBLEMS`). */
  readonly problems: readonly ResponseProblem[];
  /** The server's `x-request-id`, when there was a server. */
  readonly requestId: string | undefined;

  /** `source`: what answered, when it was not the API (a testing-kit handler, a fixture). */
  constructor(init: {
    operation: string;
    status: number;
    problems: readonly ResponseProblem[];
    requestId?: string;
    source?: string;
  }) {
    const [first] = init.problems;
    const more = init.problems.length - 1;
    super(
      `${init.operation}: ${init.source ? `${init.source} answered a` : 'the'} ${init.status} ` +
        `response the spec does not allow, at ${first ? pointerText(first.pointer) : '(body)'}: ` +
        `${first?.message ?? 'no detail'}${more > 0 ? ` (and ${plural(more, 'more problem')})` : ''}` +
        `${requestIdSuffix(init.requestId)}`,
    );
    this.operation = init.operation;
    this.status = init.status;
    this.pointer = first?.pointer ?? '';
    this.problems = init.problems;
    this.requestId = init.requestId;
  }
}

function pointerText(pointer: string): string {
  return pointer === '' ? '(body)' : pointer;
}
