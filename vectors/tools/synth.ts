/**
 * Deterministic signal synthesis for the test-vector generator.
 *
 * Everything here uses only IEEE-754 +, -, *, /, Math.sqrt (all correctly rounded), Math.round,
 * Math.floor and 32-bit integer ops, so the output is the same bit for bit on every JavaScript
 * engine and platform. sin/cos/exp/log are our own series (Math.sin & co. are not required by
 * the language to be correctly rounded and have changed between engine versions).
 */

export const PI = 3.141592653589793;
export const LN2 = 0.6931471805599453;
export const LN10 = 2.302585092994046;

/** mulberry32: 32-bit state, pure integer arithmetic. */
export class Mulberry32 {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Next unsigned 32-bit integer. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  /** Approximately standard normal (Irwin-Hall: sum of 12 uniforms minus 6). */
  gauss(): number {
    let s = 0;
    for (let i = 0; i < 12; i++) s += this.uniform();
    return s - 6;
  }
}

/** FNV-1a 32-bit hash of a string (to derive a per-case seed from its name). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** sin(2*pi*x), x in cycles. */
export function sin2pi(x: number): number {
  let r = x - Math.round(x); // [-0.5, 0.5]
  if (r > 0.25) r = 0.5 - r;
  else if (r < -0.25) r = -0.5 - r; // [-0.25, 0.25]
  const t = 2 * PI * r; // [-pi/2, pi/2]
  const t2 = t * t;
  // Taylor series to t^19 (error < 1e-15 on this range), Horner form.
  let p = 1 / 121645100408832000; // 1/19!
  const inv = [1 / 355687428096000, 1 / 1307674368000, 1 / 6227020800, 1 / 39916800, 1 / 362880, 1 / 5040, 1 / 120, 1 / 6, 1];
  for (const c of inv) p = c - t2 * p;
  return t * p;
}

/** cos(2*pi*x), x in cycles. */
export function cos2pi(x: number): number {
  return sin2pi(x + 0.25);
}

/** Multiply by 2^k exactly (no overflow/underflow handling needed for our ranges). */
function ldexp(v: number, k: number): number {
  let out = v;
  if (k > 0) for (let i = 0; i < k; i++) out *= 2;
  else for (let i = 0; i < -k; i++) out *= 0.5;
  return out;
}

/** e^x. */
export function exp(x: number): number {
  const k = Math.round(x / LN2);
  const r = x - k * LN2; // |r| <= 0.35
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 18; n++) {
    term = (term * r) / n;
    sum += term;
  }
  return ldexp(sum, k);
}

/** Natural logarithm, x > 0. */
export function log(x: number): number {
  if (!(x > 0)) throw new RangeError(`log(${x})`);
  let m = x;
  let e = 0;
  while (m >= 2) {
    m *= 0.5;
    e++;
  }
  while (m < 1) {
    m *= 2;
    e--;
  }
  // ln m = 2 atanh(s), s = (m-1)/(m+1) in [0, 1/3)
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let pow = s;
  let sum = 0;
  for (let n = 1; n <= 61; n += 2) {
    sum += pow / n;
    pow *= s2;
  }
  return 2 * sum + e * LN2;
}

/** Linear gain of `db` decibels (amplitude). */
export function dbToGain(db: number): number {
  return exp((db / 20) * LN10);
}

/** 10*log10(ratio). */
export function powerDb(ratio: number): number {
  return (10 * log(ratio)) / LN10;
}

/** Round to int16 with saturation; counts clipped samples in `clip` when given. */
export function toInt16(x: Float64Array, clip?: { count: number }): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let v = Math.round(x[i]!);
    if (v > 32767) {
      v = 32767;
      if (clip) clip.count++;
    } else if (v < -32768) {
      v = -32768;
      if (clip) clip.count++;
    }
    out[i] = v;
  }
  return out;
}

export function meanSquare(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s / x.length;
}

export function peakAbs(x: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}

/** Sine of `freq` Hz, peak `amp`, `n` samples at `rate`. */
export function tone(n: number, rate: number, freq: number, amp: number, phaseCycles = 0): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * sin2pi(phaseCycles + (freq * i) / rate);
  return out;
}

/** Exponential (log) sine sweep from f0 to f1 Hz over n samples. */
export function logSweep(n: number, rate: number, f0: number, f1: number, amp: number): Float64Array {
  const out = new Float64Array(n);
  const T = n / rate;
  const L = log(f1 / f0);
  const k = (f0 * T) / L;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    out[i] = amp * sin2pi(k * (exp((t * L) / T) - 1));
  }
  return out;
}

/** Raised-cosine fade in and out over `fadeN` samples each, in place. */
export function fadeInOut(x: Float64Array, fadeN: number): Float64Array {
  for (let i = 0; i < fadeN && i < x.length; i++) {
    const g = 0.5 - 0.5 * cos2pi(i / (2 * fadeN));
    x[i]! *= g;
    x[x.length - 1 - i]! *= g;
  }
  return x;
}

/** Gaussian-like white noise, unit variance. */
export function whiteNoise(n: number, rng: Mulberry32): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.gauss();
  return out;
}

/** Pink (1/f) noise: Paul Kellet's economy filter on white noise, with warm-up. */
export function pinkNoise(n: number, rng: Mulberry32): Float64Array {
  const out = new Float64Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = -4096; i < n; i++) {
    const w = rng.gauss();
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    if (i >= 0) out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  return out;
}

export type BiquadKind = 'lowpass' | 'highpass' | 'bandpass';

/** RBJ cookbook biquad, direct form I. */
export function biquad(x: Float64Array, rate: number, kind: BiquadKind, freq: number, q: number): Float64Array {
  const w = freq / rate;
  const cw = cos2pi(w);
  const alpha = sin2pi(w) / (2 * q);
  let b0: number;
  let b1: number;
  let b2: number;
  if (kind === 'lowpass') {
    b0 = (1 - cw) / 2;
    b1 = 1 - cw;
    b2 = b0;
  } else if (kind === 'highpass') {
    b0 = (1 + cw) / 2;
    b1 = -(1 + cw);
    b2 = b0;
  } else {
    b0 = alpha;
    b1 = 0;
    b2 = -alpha;
  }
  const a0 = 1 + alpha;
  const a1 = -2 * cw;
  const a2 = 1 - alpha;
  const out = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const y = (b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = y;
    out[i] = y;
  }
  return out;
}

/**
 * Rational resampler (windowed sinc, Blackman window), from `inRate` to `outRate`; both
 * integers. Cutoff at `cutoffHz` (below both Nyquists); `halfTaps` input samples each side.
 */
export function resample(x: ArrayLike<number>, inRate: number, outRate: number, cutoffHz: number, halfTaps = 32): Float64Array {
  const g = gcd(inRate, outRate);
  const up = outRate / g; // L
  const down = inRate / g; // M
  const outLen = Math.floor((x.length * up) / down);
  const fc = cutoffHz / inRate; // normalized to the input rate
  // One kernel per phase p/up: taps for input offsets k = -halfTaps+1 .. halfTaps relative to floor(t).
  const taps = 2 * halfTaps;
  const table = new Float64Array(up * taps);
  for (let p = 0; p < up; p++) {
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const k = j - halfTaps + 1;
      const tau = k - p / up; // distance from the output instant, in input samples
      const u = tau / halfTaps;
      let h = 0;
      if (u > -1 && u < 1) {
        const sinc = tau === 0 ? 2 * fc : sin2pi(fc * tau) / (PI * tau);
        const win = 0.42 + 0.5 * cos2pi(u / 2) + 0.08 * cos2pi(u);
        h = sinc * win;
      }
      table[p * taps + j] = h;
      sum += h;
    }
    for (let j = 0; j < taps; j++) table[p * taps + j]! /= sum;
  }
  const out = new Float64Array(outLen);
  for (let n = 0; n < outLen; n++) {
    const num = n * down;
    const base = Math.floor(num / up);
    const p = num - base * up;
    let acc = 0;
    for (let j = 0; j < taps; j++) {
      const idx = base + j - halfTaps + 1;
      if (idx >= 0 && idx < x.length) acc += x[idx]! * table[p * taps + j]!;
    }
    out[n] = acc;
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
