/**
 * A small deterministic pseudo-random generator (mulberry32) for seeded tests, property tests,
 * fault injection and test-signal generation. Not cryptographic. The same seed always gives the
 * same sequence on every platform (pure 32-bit integer arithmetic).
 */

export class Prng {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Prng: seed ${seed} is not a finite number`);
    this.state = Math.trunc(seed) >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). `n` must be a positive integer <= 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new RangeError(`Prng.int: bad bound ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick: empty array');
    return items[this.int(items.length)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }

  /** `n` random int16 samples, uniform over the full range. */
  int16(n: number): Int16Array {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.nextUint32() & 0xffff) - 0x8000;
    return out;
  }

  /**
   * Number of Bernoulli(p) failures before the next success (geometric distribution), used to
   * skip ahead to the next event of a per-byte rate without drawing once per byte.
   * Returns Infinity when p <= 0.
   */
  geometric(p: number): number {
    if (p <= 0) return Infinity;
    if (p >= 1) return 0;
    const u = 1 - this.next(); // (0, 1]
    return Math.floor(Math.log(u) / Math.log(1 - p));
  }
}

/** Derive an independent seed from a base seed and a stream label (FNV-1a over the label). */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Functional form: a generator of uniform floats in [0, 1) for a seed (mulberry32). */
export function mulberry32(seed: number): () => number {
  const rng = new Prng(seed);
  return () => rng.next();
}
