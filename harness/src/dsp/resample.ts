/**
 * Polyphase rational resampling by up/down with a Kaiser-windowed sinc anti-aliasing FIR. Pure.
 *
 * Same filter, alignment and output length as `scipy.signal.resample_poly(x, up, down)` with its
 * defaults (window ('kaiser', 5.0), padtype 'constant' with zeros beyond both ends):
 *  - up and down are first divided by their gcd;
 *  - the FIR is `firwin(2 * half + 1, 1 / max(up, down), window=('kaiser', 5.0))` (a sinc with
 *    cutoff 1 / max(up, down) of the upsampled Nyquist, scaled to unit DC gain), times `up`, with
 *    half = 10 * max(up, down);
 *  - output sample m sits at input time m * down / up (zero phase, no delay), and there are
 *    ceil(n * up / down) of them.
 *
 * Direct polyphase evaluation: y[m] = sum_i x[i] h[half + m * down - i * up], so each output costs
 * about (2 * half + 1) / up multiply-adds and the upsampled signal is never built.
 */

/** Kaiser window shape parameter of scipy's resample_poly default. */
export const KAISER_BETA = 5.0;
/** Filter half-length, in units of max(up, down) (scipy's resample_poly: 10). */
export const HALF_LENGTH_FACTOR = 10;

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; exact to ~1 ulp for |x| < 50). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Symmetric Kaiser window of `length` points (scipy.signal.windows.kaiser(length, beta, sym=True)). */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const alpha = (length - 1) / 2;
  const norm = besselI0(beta);
  for (let n = 0; n < length; n++) {
    const r = (n - alpha) / alpha;
    w[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
  }
  return w;
}

/**
 * The anti-aliasing FIR resample_poly uses for an already reduced up/down: 2 * half + 1 taps,
 * gain `up` at DC (unit gain after the zero-stuffing of the upsampler).
 */
export function resampleFilter(up: number, down: number): Float64Array {
  const maxRate = Math.max(up, down);
  const half = HALF_LENGTH_FACTOR * maxRate;
  const cutoff = 1 / maxRate;
  const h = kaiserWindow(2 * half + 1, KAISER_BETA);
  let sum = 0;
  for (let n = 0; n < h.length; n++) {
    const t = cutoff * (n - half);
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    h[n] = h[n]! * cutoff * sinc;
    sum += h[n]!;
  }
  for (let n = 0; n < h.length; n++) h[n] = (h[n]! / sum) * up;
  return h;
}

/** Resample `x` by the rational factor up/down (see the file comment). Returns a new array. */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number): Float64Array {
  for (const [name, v] of [
    ['up', up],
    ['down', down],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`resamplePoly: ${name} must be a positive integer, got ${v}`);
    }
  }
  const g = gcd(up, down);
  up /= g;
  down /= g;
  const n = x.length;
  if (up === 1 && down === 1) return Float64Array.from(x);
  const h = resampleFilter(up, down);
  const half = (h.length - 1) / 2;
  const nOut = Math.ceil((n * up) / down);
  const y = new Float64Array(nOut);
  for (let m = 0; m < nOut; m++) {
    const t = m * down; // output time in upsampled samples
    // taps h[half + t - i * up] exist for t - half <= i * up <= t + half
    const iLo = Math.max(0, Math.ceil((t - half) / up));
    const iHi = Math.min(n - 1, Math.floor((t + half) / up));
    let acc = 0;
    for (let i = iLo, j = half + t - iLo * up; i <= iHi; i++, j -= up) acc += x[i]! * h[j]!;
    y[m] = acc;
  }
  return y;
}
