/**
 * A timer whose deadline moves often and fires rarely: set() only records the new deadline while
 * the pending setTimeout fires in the second half of the new period; when that fires early it
 * re-arms for the rest. A pending timer that would fire in the first half is moved instead
 * (clearTimeout + setTimeout: no wake-up). Moving the deadline later on every received frame (the
 * retransmission timer and the stall watchdog of a stream) thus costs no timer calls for most
 * frames and no wake-up at all while the deadline moves at least every half period: at real-time
 * rate every wake-up of the process costs about 0.1 ms of CPU however little it does
 * (harness/bench/host-cost.ts). Expiry is the same as with a fresh setTimeout per set(): `ms`
 * after the last set(), at timer granularity (1 ms).
 */

/** The timer functions DeadlineTimer uses (injectable for tests). */
export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: TimerFunctions = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class DeadlineTimer {
  private deadline = Number.POSITIVE_INFINITY;
  private timer: unknown;
  /** When the pending setTimeout fires (clock ms). */
  private firesAt = Number.POSITIVE_INFINITY;
  private readonly fire = (): void => this.onTimer();
  /** Timer callbacks run so far (early ones included): the wake-ups this timer caused. */
  wakeUps = 0;

  constructor(
    private readonly onExpire: () => void,
    private readonly now: () => number = () => performance.now(),
    private readonly timers: TimerFunctions = REAL_TIMERS,
  ) {}

  /** Is a deadline set (and not yet expired or cleared)? */
  get armed(): boolean {
    return this.deadline !== Number.POSITIVE_INFINITY;
  }

  /** Expire `ms` from now, replacing any earlier setting. */
  set(ms: number): void {
    const now = this.now();
    this.deadline = now + ms;
    // A pending timer that fires before the new deadline, but in its second half, re-arms itself
    // then; one that would fire after it must be replaced, and one that would fire in the first
    // half is moved, so that a deadline moved at least every half period never wakes the loop.
    if (this.timer !== undefined && this.firesAt <= this.deadline && this.firesAt - now >= ms / 2) return;
    this.schedule(now, ms);
  }

  /** Cancel the deadline and the pending timer (nothing keeps the event loop alive). */
  clear(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
  }

  private schedule(now: number, ms: number): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const delay = Math.max(1, Math.ceil(ms));
    this.firesAt = now + delay;
    this.timer = this.timers.setTimeout(this.fire, delay);
  }

  private onTimer(): void {
    this.wakeUps++;
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
    if (!this.armed) return;
    const now = this.now();
    const left = this.deadline - now;
    // setTimeout counts from the event loop's cached time, so it may fire up to about a
    // millisecond before a performance.now() deadline: that is within its granularity.
    if (left >= 1) {
      this.schedule(now, left);
      return;
    }
    this.deadline = Number.POSITIVE_INFINITY;
    this.onExpire();
  }
}
