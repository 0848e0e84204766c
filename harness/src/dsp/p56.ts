/**
 * Active speech level per ITU-T P.56 (12/2011) method B, the "speech voltmeter" of ITU-T G.191
 * (sv56). Pure.
 *
 * Procedure, with x the samples normalised to [-1, 1) (x / 32768):
 *  1. long-term mean square: sq = sum x^2, n samples;
 *  2. envelope: full-wave rectification, then two cascaded first-order smoothers with time
 *     constant T = 0.03 s, g = exp(-1 / (f T)):  p = g p + (1 - g)|x|,  q = g q + (1 - g) p;
 *  3. fifteen thresholds c_j = 2^-15 .. 2^-1 (one quantizing step up to half full scale, a factor
 *     of 2 apart); activity counter a_j counts the samples where q >= c_j, plus a hangover of
 *     H = 0.2 s (I = round(H f) samples) after q falls below c_j;
 *  4. for each threshold A_j = 10 log10(sq / a_j) (the level of the active part) and
 *     C_j = 20 log10(c_j); the active level is where A - C crosses the margin M = 15.9 dB, found
 *     by linear interpolation (in dB) between the last threshold above the margin and the first
 *     at or below it. sv56 bisects the same straight line to 0.5 dB; we solve it exactly.
 *  5. activity factor = 10^((L_long-term - L_active) / 10) = (samples counted active) / n.
 * Levels are in dBov: 0 dBov is the RMS of a full-scale square wave (a full-scale sine is
 * -3.01 dBov), the same reference as rmsDbfs in levels.ts.
 * Silence, or a signal whose lowest threshold is already within the margin, has no active
 * level: `activeDbov` is -Infinity and `activity` 0, as sv56 reports -100 dBov.
 */

export const P56_T = 0.03;
export const P56_H = 0.2;
export const P56_M = 15.9;
export const P56_THRESHOLDS = 15;

export interface ActiveLevel {
  /** Active speech level in dBov (-Infinity when there is no active speech). */
  readonly activeDbov: number;
  /** Fraction of the samples counted as active, 0 .. 1. */
  readonly activity: number;
  /** Long-term (whole-signal) RMS level in dBov. */
  readonly longTermDbov: number;
  /** The interpolated threshold (active level - margin) in dBov; -Infinity without speech. */
  readonly thresholdDbov: number;
}

export interface P56Options {
  /** Margin M in dB (default 15.9). */
  readonly marginDb?: number;
  /** Hangover H in seconds (default 0.2). */
  readonly hangoverS?: number;
  /** Envelope time constant T in seconds (default 0.03). */
  readonly timeConstantS?: number;
}

const NONE = Number.NEGATIVE_INFINITY;

export function activeSpeechLevel(samples: Int16Array, rate: number, o: P56Options = {}): ActiveLevel {
  const margin = o.marginDb ?? P56_M;
  const hangover = Math.floor((o.hangoverS ?? P56_H) * rate + 0.5);
  const g = Math.exp(-1 / (rate * (o.timeConstantS ?? P56_T)));
  const c = Array.from({ length: P56_THRESHOLDS }, (_, j) => 2 ** (j - P56_THRESHOLDS));
  const a = new Float64Array(P56_THRESHOLDS);
  const hang = new Float64Array(P56_THRESHOLDS).fill(hangover);
  let sq = 0;
  let p = 0;
  let q = 0;
  for (let k = 0; k < samples.length; k++) {
    const x = samples[k]! / 32768;
    sq += x * x;
    p = g * p + (1 - g) * Math.abs(x);
    q = g * q + (1 - g) * p;
    for (let j = 0; j < P56_THRESHOLDS; j++) {
      if (q >= c[j]!) {
        a[j]!++;
        hang[j] = 0;
      } else if (hang[j]! < hangover) {
        a[j]!++;
        hang[j]!++;
      }
    }
  }
  const n = samples.length;
  const longTermDbov = n > 0 && sq > 0 ? 10 * Math.log10(sq / n) : NONE;
  const silent = { activeDbov: NONE, activity: 0, longTermDbov, thresholdDbov: NONE };
  if (sq === 0 || a[0] === 0) return silent;
  const A = (j: number) => 10 * Math.log10(sq / a[j]!);
  const C = (j: number) => 20 * Math.log10(c[j]!);
  if (A(0) - C(0) < margin) return silent;
  for (let j = 1; j < P56_THRESHOLDS; j++) {
    if (a[j] === 0) continue; // sv56 skips empty counters (no threshold crossing there)
    const d = A(j) - C(j);
    if (d > margin) continue;
    const dPrev = A(j - 1) - C(j - 1);
    const t = dPrev === d ? 0 : (dPrev - margin) / (dPrev - d);
    const activeDbov = A(j - 1) + t * (A(j) - A(j - 1));
    const thresholdDbov = C(j - 1) + t * (C(j) - C(j - 1));
    const activity = Math.min(1, 10 ** ((longTermDbov - activeDbov) / 10));
    return { activeDbov, activity, longTermDbov, thresholdDbov };
  }
  // No threshold at or below the margin: only possible when the signal never lifts the envelope
  // past the second threshold (about 2 LSB). sv56 reports no active level either.
  return silent;
}
