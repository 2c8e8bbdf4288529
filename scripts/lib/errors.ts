/** Exit codes shared by every script (documented in CONTRIBUTING.md). */
export const EXIT_OK = 0;
/** The check ran and found a problem (lint error, stale `generated/`, drift). */
export const EXIT_CHECK_FAILED = 1;
/** The script could not run: bad input, unreadable file, bad arguments. */
export const EXIT_COULD_NOT_RUN = 2;

/** Where a problem is: a file, and where known a line/column and a JSON pointer inside it. */
export interface SourcePlace {
  file: string;
  line?: number;
  column?: number;
  pointer?: string;
}

/** Formats a place as `file:line:column (pointer)`, leaving out what is unknown. */
export function formatPlace(place: SourcePlace): string {
  let text = place.file;
  if (place.line !== undefined) text += `:${place.line}`;
  if (place.line !== undefined && place.column !== undefined) text += `:${place.column}`;
  if (place.pointer) text += ` (${place.pointer})`;
  return text;
}

/**
 * An error in the pipeline's input or run. Its message already says where and what; `exitCode`
 * says which convention applies (input problems are 2, failed checks are 1).
 */
export class PipelineError extends Error {
  readonly places: SourcePlace[];
  readonly exitCode: number;
  /** The message without the places. */
  readonly detail: string;

  constructor(message: string, places: SourcePlace[] = [], exitCode = EXIT_COULD_NOT_RUN) {
    const where = places.map(formatPlace).join(' and ');
    super(where ? `${where}: ${message}` : message);
    this.name = 'PipelineError';
    this.places = places;
    this.exitCode = exitCode;
    this.detail = message;
  }

  /** The same error with its places replaced (for example, with lines filled in). */
  withPlaces(places: SourcePlace[]): PipelineError {
    return new PipelineError(this.detail, places, this.exitCode);
  }
}

/** Several independent problems found in one pass, reported together. */
export class PipelineErrors extends PipelineError {
  readonly errors: PipelineError[];

  constructor(errors: PipelineError[], exitCode = EXIT_COULD_NOT_RUN) {
    super(errors.map((error) => error.message).join('\n'), [], exitCode);
    this.name = 'PipelineErrors';
    this.errors = errors;
  }

  override withPlaces(): PipelineError {
    return this;
  }
}
