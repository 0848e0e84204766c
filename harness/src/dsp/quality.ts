/**
 * Speech-enhancement figures of one case against its clean reference: SNR, SI-SDR, segmental
 * SNR and STOI of the input and of the output, and their improvement. Pure; JSON-safe (a
 * figure that does not exist is null).
 *
 * Alignment: input[n] and output[n + latency] are both compared with reference[n], over the span
 * all three cover, so input and output figures describe the same stretch of speech.
 * - SNR: plain, 10 log10(sum r^2 / sum (t - r)^2): level changes count as error;
 * - SI-SDR: scale-invariant SDR (Le Roux et al. 2019), reference scaled by the least-squares gain
 *   (snr.ts); the headline figure, since a tuned output level is not an error;
 * - segmental SNR: snr.ts (20 ms frames, clamped to [-10, 35] dB, active frames only, scale-invariant);
 * - STOI: stoi.ts (Taal et al. 2011), 0 .. 1.
 */
import { finite } from './level-metrics.ts';
import { snr } from './snr.ts';
import { stoi } from './stoi.ts';

export interface SignalQuality {
  readonly snrDb: number | null;
  readonly siSdrDb: number | null;
  readonly segSnrDb: number | null;
  readonly stoi: number | null;
}

export interface EnhancementRecord {
  /** the clean reference file (as the manifest names it, resolved) */
  readonly reference: string;
  /** samples compared */
  readonly samples: number;
  readonly input: SignalQuality;
  readonly output: SignalQuality;
  /** output - input, per figure */
  readonly improvement: SignalQuality;
}

function plainSnrDb(ref: ArrayLike<number>, test: ArrayLike<number>, delay: number, n: number): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const d = test[i + delay]! - ref[i]!;
    s += ref[i]! * ref[i]!;
    e += d * d;
  }
  return s === 0 ? Number.NaN : 10 * Math.log10(s / e);
}

function safeStoi(ref: Int16Array, test: Int16Array, rate: number): number {
  try {
    return stoi(ref, test, rate);
  } catch {
    return Number.NaN; // too short or silent: no STOI
  }
}

function quality(ref: Int16Array, test: Int16Array, delay: number, rate: number): SignalQuality {
  const n = ref.length;
  const si = snr(ref, test, { delay, rate });
  return {
    snrDb: finite(plainSnrDb(ref, test, delay, n)),
    siSdrDb: finite(si.snrDb),
    segSnrDb: finite(si.segSnrDb),
    stoi: finite(safeStoi(ref, test.subarray(delay, delay + n), rate), 4),
  };
}

const diff = (a: number | null, b: number | null, digits = 3): number | null => (a === null || b === null ? null : finite(a - b, digits));

export function measureEnhancement(reference: Int16Array, input: Int16Array, output: Int16Array, latency: number, rate: number, referenceName: string): EnhancementRecord {
  const span = Math.max(0, Math.min(reference.length, input.length, output.length - latency));
  const ref = reference.subarray(0, span);
  const i = quality(ref, input, 0, rate);
  const o = quality(ref, output, latency, rate);
  return {
    reference: referenceName,
    samples: span,
    input: i,
    output: o,
    improvement: { snrDb: diff(o.snrDb, i.snrDb), siSdrDb: diff(o.siSdrDb, i.siSdrDb), segSnrDb: diff(o.segSnrDb, i.segSnrDb), stoi: diff(o.stoi, i.stoi, 4) },
  };
}

/** Mean of each figure over the records that have it (null when none has). */
export function meanQuality(rows: readonly SignalQuality[]): SignalQuality {
  const mean = (k: keyof SignalQuality, digits = 3): number | null => {
    const v = rows.map((r) => r[k]).filter((x): x is number => x !== null);
    return v.length ? finite(v.reduce((a, b) => a + b, 0) / v.length, digits) : null;
  };
  return { snrDb: mean('snrDb'), siSdrDb: mean('siSdrDb'), segSnrDb: mean('segSnrDb'), stoi: mean('stoi', 4) };
}
