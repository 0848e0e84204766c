/**
 * Signal levels relative to digital full scale. Pure.
 * Convention: 0 dBFS RMS is the RMS of a full-scale square wave (32768), so a full-scale sine reads
 * -3.01 dBFS RMS; peak dBFS is 20 log10(max |x| / 32768). Silence reads -Infinity.
 * The same reference makes these dBFS values dBov (ITU-T G.191): 0 dBov = full-scale square.
 */
export const FULL_SCALE = 32768;

/** int16 rails: a sample at either is clipped by definition. */
export const RAIL_POS = 32767;
export const RAIL_NEG = -32768;

export function rmsDbfs(x: Int16Array): number {
  if (x.length === 0) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return 10 * Math.log10(sum / x.length / (FULL_SCALE * FULL_SCALE));
}

export function peakDbfs(x: Int16Array): number {
  return 20 * Math.log10(peakAbs(x) / FULL_SCALE);
}

/** Largest |x| (32768 for a sample at -32768). */
export function peakAbs(x: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > peak) peak = a;
  }
  return peak;
}

/** Crest factor: peak over RMS in dB (3.01 dB for a sine, 0 for a square); NaN for silence. */
export function crestFactorDb(x: Int16Array): number {
  const rms = rmsDbfs(x);
  return Number.isFinite(rms) ? peakDbfs(x) - rms : Number.NaN;
}

/** RMS in dBFS of consecutive frames of `frameLen` samples (a short last frame is dropped unless it is the only one). */
export function frameRmsDbfs(x: Int16Array, frameLen: number): number[] {
  const n = Math.max(1, Math.floor(x.length / frameLen));
  const out: number[] = [];
  for (let f = 0; f < n; f++) out.push(rmsDbfs(x.subarray(f * frameLen, Math.min(x.length, (f + 1) * frameLen))));
  return out;
}

export interface NoiseFloorOptions {
  /** Frame length in milliseconds (default 10). */
  readonly frameMs?: number;
  /** Percentile of the frame RMS values, 0-100 (default 10). */
  readonly percentile?: number;
}

/**
 * Noise floor estimate: the `percentile`-th percentile (default 10th, nearest rank) of the RMS of
 * 10 ms frames, in dBFS. Speech pauses dominate the low percentiles, so this reads the background
 * level of a speech recording; -Infinity when those frames are digital silence.
 */
export function noiseFloorDbfs(x: Int16Array, rate: number, o: NoiseFloorOptions = {}): number {
  if (x.length === 0) return Number.NEGATIVE_INFINITY;
  const frameLen = Math.max(1, Math.round((rate * (o.frameMs ?? 10)) / 1000));
  const frames = frameRmsDbfs(x, frameLen).sort((a, b) => a - b);
  const p = Math.min(100, Math.max(0, o.percentile ?? 10));
  const rank = Math.max(1, Math.ceil((p / 100) * frames.length));
  return frames[rank - 1]!;
}

export interface ClipOptions {
  /** Shortest run of identical extreme samples counted as a flat top (default 3). */
  readonly minRun?: number;
  /** Flat tops count only when the signal's extreme is at or above this level (default -20 dBFS). */
  readonly flatMinDbfs?: number;
}

export interface ClipCount {
  /** Clipped samples (see clippedSamples). */
  readonly samples: number;
  /** Of those, samples at the int16 rails (32767 or -32768). */
  readonly atRails: number;
  /** Flat-top runs found (rails or the signal's own extreme). */
  readonly runs: number;
}

/**
 * Clipped samples. A sample is clipped when
 *  (a) it sits at an int16 rail (32767 or -32768): saturation, whatever its neighbours; or
 *  (b) it belongs to a run of at least `minRun` (3) consecutive identical samples whose value is
 *      the signal's own positive maximum or negative minimum, and that extreme is at or above
 *      `flatMinDbfs` (-20 dBFS): the flat top a hard limiter or a saturating gain leaves below the
 *      rails (model S's limiter clips at -1 dBFS by default). A sine sampled at 16 kHz never holds
 *      its peak value for three samples unless it is below about 60 Hz or very quiet, hence the
 *      run length and the level floor.
 * `runs` counts maximal runs of clipped samples of the same value (a single railed sample is a run).
 */
export function clippedSamples(x: Int16Array, o: ClipOptions = {}): ClipCount {
  const minRun = Math.max(1, o.minRun ?? 3);
  let max = 0;
  let min = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > max) max = x[i]!;
    if (x[i]! < min) min = x[i]!;
  }
  const floor = FULL_SCALE * 10 ** ((o.flatMinDbfs ?? -20) / 20);
  const flatPos = max >= floor ? max : Number.NaN;
  const flatNeg = -min >= floor ? min : Number.NaN;
  let samples = 0;
  let atRails = 0;
  let runs = 0;
  let i = 0;
  while (i < x.length) {
    const v = x[i]!;
    let j = i + 1;
    while (j < x.length && x[j] === v) j++;
    const len = j - i;
    const rail = v === RAIL_POS || v === RAIL_NEG;
    if (rail || (len >= minRun && (v === flatPos || v === flatNeg))) {
      samples += len;
      if (rail) atRails += len;
      runs++;
    }
    i = j;
  }
  return { samples, atRails, runs };
}
