/**
 * STOI, Short-Time Objective Intelligibility (classic, not extended). Pure.
 *
 * C. H. Taal, R. C. Hendriks, R. Heusdens, J. Jensen, "An Algorithm for Intelligibility Prediction
 * of Time-Frequency Weighted Noisy Speech", IEEE Trans. Audio, Speech, Lang. Process. 19(7),
 * pp. 2125-2136, 2011. Follows the reference MATLAB code / pystoi step by step:
 *
 *  1. both signals are resampled to 10 kHz (`resamplePoly`, scipy.signal.resample_poly's default
 *     Kaiser FIR, the filter this module targets; recent pystoi versions design an Octave-style
 *     window instead, so their values can differ from this one in the last digits);
 *  2. silent frames are removed: 256-sample Hann frames, hop 128; a frame of both signals is kept
 *     when the clean frame's energy is within 40 dB of the clean's loudest frame; both signals are
 *     rebuilt by overlap-add of the kept windowed frames;
 *  3. STFT: the same frames, FFT size 512, bins 0..256;
 *  4. 15 one-third octave bands from 150 Hz (edges snapped to FFT bins); envelope = sqrt of the
 *     band's summed power;
 *  5. segments of 30 frames (384 ms) sliding by one frame: per segment and band the processed
 *     envelope is scaled to the clean's energy, clipped at (1 + 10^(-beta/20)) times the clean
 *     (beta = -15 dB, a signal-to-distortion floor), and correlated with the clean;
 *  6. STOI = the mean correlation over all segments and bands (1 = identical envelopes).
 *
 * Constants: fs 10000 Hz, frame 256, hop 128, NFFT 512, 15 bands, lowest centre 150 Hz, N = 30,
 * beta = -15 dB, dynamic range 40 dB, eps = 2^-52 (numpy's float eps, as pystoi).
 *
 * Differences from pystoi, on purpose: signals of different lengths are compared over the shorter
 * length (pystoi raises); fewer than 30 frames after silence removal throws a RangeError (pystoi
 * warns and returns 1e-5, a value a caller would take for a measurement).
 */

import { gcd, resamplePoly } from './resample.ts';
import { fft } from './fft.ts';

export const STOI_FS = 10000;
export const STOI_FRAME = 256;
export const STOI_HOP = 128;
export const STOI_NFFT = 512;
export const STOI_BANDS = 15;
export const STOI_MIN_FREQ = 150;
export const STOI_SEGMENT = 30;
export const STOI_BETA_DB = -15;
export const STOI_DYN_RANGE_DB = 40;
const EPS = 2.220446049250313e-16;

/** The MATLAB hanning(n) = numpy hanning(n + 2)[1:-1]: no zero end points. */
export function hann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (n + 1)));
}

/**
 * One-third octave bands as half-open FFT-bin ranges [lo, hi) (pystoi `thirdoct`): centre
 * minFreq * 2^(k/3), edges minFreq * 2^((2k -+ 1)/6), each snapped to the nearest bin frequency.
 */
export function thirdOctaveBands(fs: number, nfft: number, numBands: number, minFreq: number): [number, number][] {
  const nearestBin = (freq: number): number => {
    let best = 0;
    for (let j = 1; j <= nfft / 2; j++) {
      if (((j * fs) / nfft - freq) ** 2 < ((best * fs) / nfft - freq) ** 2) best = j;
    }
    return best;
  };
  return Array.from({ length: numBands }, (_, k) => [
    nearestBin(minFreq * 2 ** ((2 * k - 1) / 6)),
    nearestBin(minFreq * 2 ** ((2 * k + 1) / 6)),
  ]);
}

/** Start indices of the full frames pystoi takes: 0, hop, ... while start < n - frame. */
function frameCount(n: number): number {
  return n > STOI_FRAME ? Math.ceil((n - STOI_FRAME) / STOI_HOP) : 0;
}

/** pystoi remove_silent_frames: keep frames whose clean energy is within `range` dB of the loudest. */
export function removeSilentFrames(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const w = hann(STOI_FRAME);
  const count = frameCount(x.length);
  const energy = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    let e = 0;
    for (let i = 0; i < STOI_FRAME; i++) e += (w[i]! * x[f * STOI_HOP + i]!) ** 2;
    energy[f] = 20 * Math.log10(Math.sqrt(e) + EPS);
  }
  const threshold = energy.reduce((a, e) => Math.max(a, e), -Infinity) - STOI_DYN_RANGE_DB;
  const kept = [...energy.keys()].filter((f) => energy[f]! > threshold);
  const len = kept.length === 0 ? 0 : (kept.length - 1) * STOI_HOP + STOI_FRAME;
  const xs = new Float64Array(len);
  const ys = new Float64Array(len);
  kept.forEach((f, k) => {
    for (let i = 0; i < STOI_FRAME; i++) {
      xs[k * STOI_HOP + i]! += w[i]! * x[f * STOI_HOP + i]!;
      ys[k * STOI_HOP + i]! += w[i]! * y[f * STOI_HOP + i]!;
    }
  });
  return [xs, ys];
}

/** One-third octave band envelopes: result[band][frame] = sqrt(sum over the band's bins of |X|^2). */
export function bandEnvelopes(x: Float64Array): Float64Array[] {
  const w = hann(STOI_FRAME);
  const bands = thirdOctaveBands(STOI_FS, STOI_NFFT, STOI_BANDS, STOI_MIN_FREQ);
  const count = frameCount(x.length);
  const env = bands.map(() => new Float64Array(count));
  const re = new Float64Array(STOI_NFFT);
  const im = new Float64Array(STOI_NFFT);
  for (let f = 0; f < count; f++) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < STOI_FRAME; i++) re[i] = w[i]! * x[f * STOI_HOP + i]!;
    fft(re, im, -1);
    bands.forEach(([lo, hi], b) => {
      let p = 0;
      for (let k = lo; k < hi; k++) p += re[k]! ** 2 + im[k]! ** 2;
      env[b]![f] = Math.sqrt(p);
    });
  }
  return env;
}

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((a, s) => a + s * s, 0));

/** Intermediate intelligibility of one segment of one band: clipped, normalised correlation. */
function segmentCorrelation(x: Float64Array, y: Float64Array): number {
  const alpha = norm(x) / (norm(y) + EPS);
  const clip = 1 + 10 ** (-STOI_BETA_DB / 20);
  const yp = y.map((v, i) => Math.min(alpha * v, x[i]! * clip));
  const mx = x.reduce((a, v) => a + v, 0) / x.length;
  const my = yp.reduce((a, v) => a + v, 0) / yp.length;
  const xc = x.map((v) => v - mx);
  const yc = yp.map((v) => v - my);
  let dot = 0;
  for (let i = 0; i < xc.length; i++) dot += xc[i]! * yc[i]!;
  return dot / ((norm(xc) + EPS) * (norm(yc) + EPS));
}

/**
 * STOI of `processed` against the `clean` reference, both at `rate` Hz (any positive integer
 * rate; resampled to 10 kHz). Int16 or float samples, any scale (STOI is scale invariant).
 * Throws a RangeError for a bad rate, non-finite samples, or fewer than 30 frames (384 ms of
 * non-silent clean speech) after silence removal.
 */
export function stoi(clean: ArrayLike<number>, processed: ArrayLike<number>, rate: number): number {
  if (!Number.isSafeInteger(rate) || rate < 1) throw new RangeError(`stoi: rate must be a positive integer in Hz, got ${rate}`);
  const n = Math.min(clean.length, processed.length);
  let x: Float64Array = Float64Array.from({ length: n }, (_, i) => clean[i]!);
  let y: Float64Array = Float64Array.from({ length: n }, (_, i) => processed[i]!);
  if (!x.every(Number.isFinite) || !y.every(Number.isFinite)) throw new RangeError('stoi: signals must be finite');
  if (rate !== STOI_FS) {
    const g = gcd(STOI_FS, rate);
    x = resamplePoly(x, STOI_FS / g, rate / g);
    y = resamplePoly(y, STOI_FS / g, rate / g);
  }
  [x, y] = removeSilentFrames(x, y);
  const xEnv = bandEnvelopes(x);
  const yEnv = bandEnvelopes(y);
  const frames = xEnv[0]!.length;
  if (frames < STOI_SEGMENT) {
    throw new RangeError(
      `stoi: expected at least ${STOI_SEGMENT} frames (${(STOI_SEGMENT * STOI_HOP * 1000) / STOI_FS} ms) of ` +
        `non-silent clean speech at ${STOI_FS} Hz after silence removal, got ${frames} from ${n} samples at ${rate} Hz`,
    );
  }
  let sum = 0;
  for (let m = STOI_SEGMENT; m <= frames; m++) {
    for (let b = 0; b < STOI_BANDS; b++) {
      sum += segmentCorrelation(xEnv[b]!.subarray(m - STOI_SEGMENT, m), yEnv[b]!.subarray(m - STOI_SEGMENT, m));
    }
  }
  return sum / ((frames - STOI_SEGMENT + 1) * STOI_BANDS);
}
