/**
 * One record of every level metric of a signal, JSON-safe (a level that does not exist, such as
 * the RMS of silence, is null rather than -Infinity). Pure. Definitions live in levels.ts
 * (RMS, peak, crest factor, clipping, noise floor), p56.ts (active level) and snr.ts.
 */
import { clippedSamples, crestFactorDb, noiseFloorDbfs, peakDbfs, rmsDbfs } from './levels.ts';
import { activeSpeechLevel } from './p56.ts';
import { enhancement } from './snr.ts';

export interface LevelMetrics {
  readonly samples: number;
  /** RMS of the whole signal, dBFS (0 dBFS = full-scale square). */
  readonly rmsDbfs: number | null;
  /** Sample peak, dBFS. */
  readonly peakDbfs: number | null;
  /** ITU-T P.56 method B active speech level, dBov (same reference as dBFS). */
  readonly activeDbov: number | null;
  /** P.56 activity factor, 0 .. 1. */
  readonly activity: number;
  /** Peak - RMS, dB. */
  readonly crestDb: number | null;
  /** 10th percentile of the 10 ms frame RMS, dBFS. */
  readonly noiseFloorDbfs: number | null;
  /** Clipped samples (rails, or flat tops at the signal's own extreme; see levels.ts). */
  readonly clipped: number;
  /** Of those, at the int16 rails. */
  readonly clippedAtRails: number;
}

export interface SnrMetrics {
  readonly inputSnrDb: number | null;
  readonly outputSnrDb: number | null;
  readonly improvementDb: number | null;
  readonly inputSegSnrDb: number | null;
  readonly outputSegSnrDb: number | null;
  readonly segImprovementDb: number | null;
}

/** A finite number, rounded to `digits` decimals for reports, else null. */
export function finite(x: number, digits = 3): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function measureLevels(x: Int16Array, rate: number): LevelMetrics {
  const p56 = activeSpeechLevel(x, rate);
  const clip = clippedSamples(x);
  return {
    samples: x.length,
    rmsDbfs: finite(rmsDbfs(x)),
    peakDbfs: finite(peakDbfs(x)),
    activeDbov: finite(p56.activeDbov),
    activity: finite(p56.activity, 4) ?? 0,
    crestDb: finite(crestFactorDb(x)),
    noiseFloorDbfs: finite(noiseFloorDbfs(x, rate)),
    clipped: clip.samples,
    clippedAtRails: clip.atRails,
  };
}

/** SNR metrics of input and output against a clean reference (see snr.ts for alignment and scale). */
export function measureSnr(reference: Int16Array, input: Int16Array, output: Int16Array, latency: number, rate: number): SnrMetrics {
  const e = enhancement(reference, input, output, latency, rate);
  return {
    inputSnrDb: finite(e.input.snrDb),
    outputSnrDb: finite(e.output.snrDb),
    improvementDb: finite(e.improvementDb),
    inputSegSnrDb: finite(e.input.segSnrDb),
    outputSegSnrDb: finite(e.output.segSnrDb),
    segImprovementDb: finite(e.segImprovementDb),
  };
}
