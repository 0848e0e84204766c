/**
 * A ByteLink wrapper that limits each direction independently (full duplex) to a serial line's
 * byte rate, baud / bitsPerByte bytes per second (8N1: 10 bit times a byte), with a token bucket
 * per direction: accurate over time, small bursts. It turns a fast link (a simulator's pipes) into
 * a model of a UART at a given baud rate, for measuring how well the session uses a real link.
 * Bytes are delayed, never changed or reordered.
 */
import { Transform, type TransformCallback } from 'node:stream';

import { interposeLink, type ByteLink } from './byte-link.ts';
import { TokenBucket } from './token-bucket.ts';

/** Time and timers, injectable for tests. */
export interface PacingClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const SYSTEM_CLOCK: PacingClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface PacingOptions {
  readonly baud: number;
  /** Bit times per byte on the wire (default 10: 8N1). */
  readonly bitsPerByte?: number;
  /** Largest burst after an idle period, bytes (default: 2 ms of line time, at least 32). */
  readonly burstBytes?: number;
  /**
   * Extra one-way delay added to every byte, ms (default 0): the latency of a USB-serial bridge
   * (an FTDI chip holds received bytes up to its 16 ms latency timer) or of a board's model time,
   * which the window must cover on top of the line time.
   */
  readonly latencyMs?: number;
  readonly clock?: PacingClock;
}

/** Default burst: 2 ms of line time, at least 32 bytes (a UART FIFO plus a little). */
export function defaultBurstBytes(bytesPerSecond: number): number {
  return Math.max(32, Math.ceil(bytesPerSecond * 0.002));
}

/** A Transform that releases bytes no faster than its token bucket allows. */
export class PacingStream extends Transform {
  /** Bytes released by the bucket so far (some may still be waiting out the latency). */
  bytes = 0;
  private readonly bucket: TokenBucket;
  private readonly granule: number;
  private chunk: Buffer | undefined;
  private offset = 0;
  private done: TransformCallback | undefined;
  private timer: unknown;
  /** Released bytes waiting out the latency, with the time each may be delivered (ascending). */
  private readonly delayed: Array<{ at: number; bytes: Buffer }> = [];
  private delayTimer: unknown;
  private ending: TransformCallback | undefined;

  constructor(
    bytesPerSecond: number,
    burstBytes: number = defaultBurstBytes(bytesPerSecond),
    private readonly clock: PacingClock = SYSTEM_CLOCK,
    private readonly latencyMs = 0,
  ) {
    super();
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) throw new RangeError(`latency ${latencyMs} ms must be >= 0`);
    this.bucket = new TokenBucket({ bytesPerSecond, burstBytes }, clock.now());
    // Wake up when half a burst is available: a timer per ~1 ms at the defaults, not per byte.
    this.granule = Math.max(1, Math.floor(burstBytes / 2));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.chunk = chunk;
    this.offset = 0;
    this.done = cb;
    this.pump();
  }

  override _flush(cb: TransformCallback): void {
    if (this.delayed.length === 0) cb();
    else this.ending = cb; // end after the delayed bytes are out
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    if (this.delayTimer !== undefined) this.clock.clearTimer(this.delayTimer);
    this.timer = undefined;
    this.delayTimer = undefined;
    this.chunk = undefined;
    this.delayed.length = 0;
    cb(err);
  }

  /** Pass released bytes on, now or after the latency. */
  private release(bytes: Buffer, now: number): void {
    this.bytes += bytes.length;
    if (this.latencyMs === 0) {
      this.push(bytes);
      return;
    }
    this.delayed.push({ at: now + this.latencyMs, bytes });
    if (this.delayTimer === undefined) this.delayTimer = this.clock.setTimer(() => this.deliverDelayed(), this.latencyMs);
  }

  private deliverDelayed(): void {
    this.delayTimer = undefined;
    if (this.destroyed) return;
    const now = this.clock.now();
    while (this.delayed.length > 0 && this.delayed[0]!.at <= now) this.push(this.delayed.shift()!.bytes);
    if (this.delayed.length > 0) {
      this.delayTimer = this.clock.setTimer(() => this.deliverDelayed(), this.delayed[0]!.at - now);
    } else if (this.ending) {
      const cb = this.ending;
      this.ending = undefined;
      cb();
    }
  }

  private pump(): void {
    this.timer = undefined;
    const chunk = this.chunk;
    if (!chunk || this.destroyed) return;
    const now = this.clock.now();
    const left = chunk.length - this.offset;
    const n = this.bucket.take(now, left);
    if (n > 0) {
      this.release(chunk.subarray(this.offset, this.offset + n), now);
      this.offset += n;
    }
    if (this.offset >= chunk.length) {
      const cb = this.done!;
      this.chunk = undefined;
      this.done = undefined;
      cb();
      return;
    }
    const wait = this.bucket.delayMs(now, Math.min(chunk.length - this.offset, this.granule));
    this.timer = this.clock.setTimer(() => this.pump(), wait);
  }
}

export interface PacedLink extends ByteLink {
  readonly bytesPerSecond: number;
  /** Bytes released so far in each direction. */
  readonly counts: { readonly toDevice: number; readonly fromDevice: number };
}

/** Wrap `link` so that each direction carries at most baud / bitsPerByte bytes per second. */
export function pacedLink(link: ByteLink, opts: PacingOptions): PacedLink {
  const bitsPerByte = opts.bitsPerByte ?? 10;
  if (!(opts.baud > 0) || !Number.isFinite(opts.baud)) throw new RangeError(`baud ${opts.baud} must be a positive number`);
  if (!Number.isInteger(bitsPerByte) || bitsPerByte < 8) throw new RangeError(`bits per byte ${bitsPerByte} must be an integer >= 8`);
  const rate = opts.baud / bitsPerByte;
  const burst = opts.burstBytes ?? defaultBurstBytes(rate);
  const rx = new PacingStream(rate, burst, opts.clock, opts.latencyMs ?? 0);
  const tx = new PacingStream(rate, burst, opts.clock, opts.latencyMs ?? 0);
  return {
    ...interposeLink(link, rx, tx, `${link.description} @${opts.baud} baud${opts.latencyMs ? ` +${opts.latencyMs} ms` : ''}`),
    bytesPerSecond: rate,
    counts: {
      get toDevice() {
        return tx.bytes;
      },
      get fromDevice() {
        return rx.bytes;
      },
    },
  };
}
