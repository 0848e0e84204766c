/**
 * Retransmission timeout from measured round trips (PROTOCOL.md 3.3: the host adapts `rto` to
 * the measured round trip, never below a floor). RFC 6298-style smoothing, with the timeout at
 * least twice the smoothed round trip, and a bounded exponential back-off on expiry (at most
 * MAX_BACKOFF times the estimate) that the next sample clears. Round trips are measured per
 * transmission (responses echo the transmission tag), so samples are never ambiguous and Karn's
 * rule is not needed.
 */

/** Largest back-off factor over the estimated timeout. */
export const MAX_BACKOFF = 8;

export interface RtoOptions {
  /** Timeout before any measurement, ms. */
  readonly initialMs: number;
  /** Floor, ms. */
  readonly minMs: number;
  /** Ceiling (also for back-off), ms. */
  readonly maxMs: number;
}

export class RtoEstimator {
  private srtt: number | undefined;
  private rttvar = 0;
  private base: number;
  private current: number;

  constructor(private readonly opts: RtoOptions) {
    this.base = this.clamp(opts.initialMs);
    this.current = this.base;
  }

  /** Current timeout, ms. */
  get rtoMs(): number {
    return this.current;
  }

  /** Smoothed round trip, ms (0 before the first sample). */
  get srttMs(): number {
    return this.srtt ?? 0;
  }

  /** Feed one round-trip measurement (ms). */
  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.base = this.clamp(this.srtt + Math.max(4 * this.rttvar, this.srtt));
    this.current = this.base;
  }

  /** The timer expired: double the timeout, up to MAX_BACKOFF times the estimate. */
  backoff(): void {
    this.current = this.clamp(Math.min(this.current * 2, this.base * MAX_BACKOFF));
  }

  private clamp(ms: number): number {
    return Math.min(this.opts.maxMs, Math.max(this.opts.minMs, ms));
  }
}
