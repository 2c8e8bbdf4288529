/**
 * A progress line for a run of many pages: on a terminal one line updated in place; in a log
 * (CI, a pipe) a line at each quarter, so the log stays short.
 */
export interface Progress {
  /** One more item finished. */
  tick(): void;
  /** Ends the line (a terminal needs its newline). */
  done(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Quarter marks of a log: the item counts after which a line is written. */
export function logMarks(total: number): Set<number> {
  return new Set(
    [1, 2, 3, 4].map((quarter) => Math.ceil((total * quarter) / 4)).filter((n) => n > 0),
  );
}

export function createProgress(label: string, total: number, stream: ProgressStream): Progress {
  let count = 0;
  const line = (): string => `${label} ${count}/${total}`;
  if (stream.isTTY) {
    return {
      tick() {
        count++;
        stream.write(`\r\x1b[2K${line()}`);
      },
      done() {
        if (count > 0) stream.write('\n');
      },
    };
  }
  const marks = logMarks(total);
  return {
    tick() {
      count++;
      if (marks.has(count)) stream.write(`${line()}\n`);
    },
    done() {},
  };
}

/** For callers that want no progress at all. */
export const NO_PROGRESS: Progress = { tick() {}, done() {} };
