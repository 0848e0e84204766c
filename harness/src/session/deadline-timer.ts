/**
 * A timer whose deadline moves often and fires rarely: set() only records the new deadline while
 * a pending setTimeout would fire no later than it; when that fires early it re-arms for the rest.
 * Moving the deadline later on every received frame (the retransmission timer and the stall
 * watchdog of a stream) thus costs no setTimeout/clearTimeout pair per frame, only a wake-up per
 * timeout period. Expiry is the same as with a fresh setTimeout per set(): `ms` after the last
 * set(), at timer granularity (1 ms).
 */

export class DeadlineTimer {
  private deadline = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  /** When the pending setTimeout fires (clock ms). */
  private firesAt = Number.POSITIVE_INFINITY;
  private readonly fire = (): void => this.onTimer();

  constructor(
    private readonly onExpire: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Is a deadline set (and not yet expired or cleared)? */
  get armed(): boolean {
    return this.deadline !== Number.POSITIVE_INFINITY;
  }

  /** Expire `ms` from now, replacing any earlier setting. */
  set(ms: number): void {
    const now = this.now();
    this.deadline = now + ms;
    // A pending timer that fires before the new deadline re-arms itself then; one that would fire
    // after it must be replaced.
    if (this.timer !== undefined && this.firesAt <= this.deadline) return;
    this.schedule(now, ms);
  }

  /** Cancel the deadline and the pending timer (nothing keeps the event loop alive). */
  clear(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
  }

  private schedule(now: number, ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const delay = Math.max(1, Math.ceil(ms));
    this.firesAt = now + delay;
    this.timer = setTimeout(this.fire, delay);
  }

  private onTimer(): void {
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
