/**
 * The time bounds of a client's running attempts, kept by one timer for the whole client. A
 * `setTimeout` and `clearTimeout` per attempt cost Node a timer list and a libuv timer each time
 * (the list empties between one-at-a-time calls), about as much as the rest of the time bound
 * (README, "Performance"). Here an attempt costs an entry in a set; the one timer is re-armed
 * only for a deadline earlier than the one it waits for, and then finds which attempts expired.
 * Left armed when the last attempt ends (cheaper than clearing it), it no longer keeps a Node
 * process alive then (`unref`), as a cleared timer would not.
 */

/** A running attempt's bound: `expire` is called once `atMs` (`performance.now()`) has passed. */
export interface Deadline {
  readonly atMs: number;
  readonly expire: () => void;
}

export class Deadlines {
  private readonly running = new Set<Deadline>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires; `Infinity` while it is not armed. */
  private timerAtMs = Infinity;

  /** Calls `expire` once `ms` have passed, unless `cancel` came first. */
  start(ms: number, expire: () => void): Deadline {
    const deadline: Deadline = { atMs: performance.now() + ms, expire };
    this.running.add(deadline);
    if (deadline.atMs < this.timerAtMs) this.arm(deadline.atMs);
    else if (this.running.size === 1) refTimer(this.timer, true);
    return deadline;
  }

  /** The attempt ended in time: its `expire` is not called. */
  cancel(deadline: Deadline | undefined): void {
    if (deadline === undefined || !this.running.delete(deadline)) return;
    if (this.running.size === 0) refTimer(this.timer, false);
  }

  /** How many attempts are bounded now (for tests). */
  get size(): number {
    return this.running.size;
  }

  private arm(atMs: number): void {
    clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(atMs - performance.now())));
    if (this.running.size === 0) refTimer(this.timer, false);
  }

  /** Expires every attempt whose time is up, then waits for the earliest of the others. */
  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAtMs = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const deadline of this.running) {
      if (deadline.atMs <= now) {
        this.running.delete(deadline);
        deadline.expire();
      } else if (deadline.atMs < next) next = deadline.atMs;
    }
    if (next !== Infinity) this.arm(next);
  };
}

/** Whether a Node (or Bun, Deno) timer keeps the process alive; browsers' timers are numbers. */
function refTimer(timer: ReturnType<typeof setTimeout> | undefined, ref: boolean): void {
  const handle = timer as { ref?: () => void; unref?: () => void } | undefined;
  if (ref) handle?.ref?.();
  else handle?.unref?.();
}
