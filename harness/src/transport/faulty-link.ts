/**
 * A seeded fault-injecting wrapper around a ByteLink, for testing recovery: each byte crossing
 * the link (either direction) suffers a fault with probability `rxErrorRate` / `txErrorRate`.
 * The faults injected depend only on the seed and the byte positions, never on timing, so a run
 * is reproducible for a seed (stalls delay bytes but do not change them). Counts are kept per
 * direction and kind.
 */
import { Transform, type TransformCallback } from 'node:stream';

import { deriveSeed, Prng } from '../core/prng.ts';
import { interposeLink, type ByteLink } from './byte-link.ts';

export type FaultKind = 'flip' | 'drop' | 'dup' | 'garbage' | 'line' | 'stall';
export const FAULT_KINDS: readonly FaultKind[] = ['flip', 'drop', 'dup', 'garbage', 'line', 'stall'];

export type FaultCounts = Record<FaultKind, number>;

export interface FaultyLinkOptions {
  readonly seed: number;
  /** Per-byte fault probability on bytes from the device (default 0). */
  readonly rxErrorRate?: number;
  /** Per-byte fault probability on bytes to the device (default 0). */
  readonly txErrorRate?: number;
  /** Kinds to draw from, uniformly (default all). */
  readonly kinds?: readonly FaultKind[];
  /** Longest stall in ms (default 20). */
  readonly maxStallMs?: number;
}

export interface FaultyLink extends ByteLink {
  /** What was injected so far, per direction. */
  readonly injected: { readonly rx: Readonly<FaultCounts>; readonly tx: Readonly<FaultCounts> };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
const TEXT = 'abcdefghijklmnopqrstuvwxyz <>&"\'=:@0123456789';

function zeroCounts(): FaultCounts {
  return { flip: 0, drop: 0, dup: 0, garbage: 0, line: 0, stall: 0 };
}

/** A Transform that injects faults into the bytes passing through it. */
export class FaultInjector extends Transform {
  readonly counts: FaultCounts = zeroCounts();
  private readonly rng: Prng;
  private untilFault: number;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    seed: number,
    private readonly rate: number,
    private readonly kinds: readonly FaultKind[] = FAULT_KINDS,
    private readonly maxStallMs = 20,
  ) {
    super();
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate ${rate} is not in [0, 1]`);
    if (kinds.length === 0) throw new RangeError('no fault kinds given');
    this.rng = new Prng(seed);
    this.untilFault = this.rng.geometric(rate);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.run(chunk, 0, cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    clearTimeout(this.stallTimer);
    cb(err);
  }

  private run(chunk: Buffer, start: number, cb: TransformCallback): void {
    let i = start;
    while (i < chunk.length) {
      const clean = Math.min(this.untilFault, chunk.length - i);
      if (clean > 0) this.push(chunk.subarray(i, i + clean));
      i += clean;
      this.untilFault -= clean;
      if (i >= chunk.length) break;
      // Byte i suffers a fault.
      this.untilFault = this.rng.geometric(this.rate);
      const kind = this.rng.pick(this.kinds);
      this.counts[kind]++;
      const b = chunk[i]!;
      switch (kind) {
        case 'flip':
          this.push(Buffer.of(b ^ (1 << this.rng.int(8))));
          break;
        case 'drop':
          break;
        case 'dup':
          this.push(Buffer.of(b, b));
          break;
        case 'garbage':
          this.push(Buffer.concat([Buffer.from(this.rng.bytes(1 + this.rng.int(4))), Buffer.of(b)]));
          break;
        case 'line':
          this.push(Buffer.concat([this.garbageLine(), Buffer.of(b)]));
          break;
        case 'stall': {
          const ms = this.rng.int(this.maxStallMs + 1);
          this.stallTimer = setTimeout(() => {
            this.stallTimer = undefined;
            this.push(Buffer.of(b));
            this.run(chunk, i + 1, cb);
          }, ms);
          return;
        }
      }
      i++;
    }
    cb();
  }

  /** A partial or garbage line: may cut the current line, may look like a protocol line, may
   *  lack its own newline (then it merges with what follows). */
  private garbageLine(): Buffer {
    const r = this.rng;
    const proto = r.next() < 0.5;
    const alphabet = proto ? B64 : TEXT;
    let s = r.next() < 0.5 ? '\n' : '';
    if (proto) s += '@:';
    const n = r.int(60);
    for (let k = 0; k < n; k++) s += alphabet[r.int(alphabet.length)];
    if (r.next() < 0.7) s += '\n';
    return Buffer.from(s, 'latin1');
  }
}

/** Wrap `link` so that bytes in both directions suffer seeded faults. */
export function faultyLink(link: ByteLink, opts: FaultyLinkOptions): FaultyLink {
  const kinds = opts.kinds ?? FAULT_KINDS;
  const rx = new FaultInjector(deriveSeed(opts.seed, 'rx'), opts.rxErrorRate ?? 0, kinds, opts.maxStallMs);
  const tx = new FaultInjector(deriveSeed(opts.seed, 'tx'), opts.txErrorRate ?? 0, kinds, opts.maxStallMs);
  return {
    ...interposeLink(link, rx, tx),
    injected: { rx: rx.counts, tx: tx.counts },
  };
}
