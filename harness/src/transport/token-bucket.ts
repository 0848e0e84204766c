/**
 * Token-bucket accounting for pacing one direction of a link: tokens (bytes) accrue at
 * `bytesPerSecond`; a byte may go when a token is there. Pure: the caller passes the time (ms, any
 * monotonic origin), so tests drive it with a fake clock.
 *
 * An idle link fills only up to `burstBytes`, so a writer after a pause gets at most a small
 * burst. While a writer is held back (the last take() could not grant everything it asked for),
 * tokens keep accruing past the burst — up to `maxCatchUpMs` worth — so a timer that fires late
 * does not lose link time: the average rate stays exact, like a UART whose DMA never idles while
 * it has data, and the burst after a late wake-up is what the lateness accrued.
 */

export interface TokenBucketOptions {
  readonly bytesPerSecond: number;
  /** Tokens an idle bucket holds at most (the largest burst after a pause). */
  readonly burstBytes: number;
  /** Longest lateness made up while held back, ms (default 1000). */
  readonly maxCatchUpMs?: number;
}

export class TokenBucket {
  readonly bytesPerSecond: number;
  readonly burstBytes: number;
  private readonly catchUpCap: number;
  private tokens: number;
  private last: number;
  private heldBack = false;

  constructor(opts: TokenBucketOptions, now: number) {
    if (!(opts.bytesPerSecond > 0) || !Number.isFinite(opts.bytesPerSecond)) {
      throw new RangeError(`pacing rate ${opts.bytesPerSecond} bytes/s must be a positive number`);
    }
    if (!(opts.burstBytes >= 1) || !Number.isFinite(opts.burstBytes)) throw new RangeError(`burst ${opts.burstBytes} must be >= 1 byte`);
    this.bytesPerSecond = opts.bytesPerSecond;
    this.burstBytes = opts.burstBytes;
    this.catchUpCap = Math.max(opts.burstBytes, (opts.bytesPerSecond * (opts.maxCatchUpMs ?? 1000)) / 1000);
    this.tokens = opts.burstBytes;
    this.last = now;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Grant up to `want` bytes at `now`; returns how many may go now (whole bytes). */
  take(now: number, want: number): number {
    this.refill(now);
    const granted = Math.max(0, Math.min(want, Math.floor(this.tokens)));
    this.tokens -= granted;
    this.heldBack = granted < want;
    return granted;
  }

  /** Milliseconds from `now` until `want` tokens (at most the burst) are available; 0 if they are. */
  delayMs(now: number, want: number): number {
    this.refill(now);
    const need = Math.min(Math.max(want, 1), this.burstBytes) - this.tokens;
    return need <= 0 ? 0 : (need * 1000) / this.bytesPerSecond;
  }

  private refill(now: number): void {
    const dt = now - this.last;
    if (dt <= 0) return;
    this.last = now;
    const cap = this.heldBack ? this.catchUpCap : this.burstBytes;
    // A bucket already above the cap (it caught up) is not cut back, it just stops growing.
    if (this.tokens < cap) this.tokens = Math.min(cap, this.tokens + (dt * this.bytesPerSecond) / 1000);
  }
}
