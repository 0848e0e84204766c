/**
 * SNR and segmental SNR of a processed signal against a clean reference. Pure.
 *
 * Alignment: `test[n + delay]` is compared with `reference[n]` (the model's algorithmic latency
 * from the handshake for an output; 0 for the unprocessed input), over the span both cover.
 *
 * Scale: the reference is first matched to the test signal by the least-squares gain
 * alpha = <t, r> / <r, r> (scale-invariant SNR). A tuning session changes gains on purpose; a
 * plain SNR would read every level change as noise. Signal = alpha r, noise = t - alpha r.
 *
 * Segmental SNR: the mean over 20 ms frames of the frame SNR clamped to [-10, 35] dB, over the
 * frames where the reference is active: frame RMS no more than 40 dB below the reference's
 * loudest frame (pauses would otherwise pin their frames at -10 dB whatever the model does).
 */

export interface SnrResult {
  /** SNR in dB (+Infinity for a perfect match, NaN without reference energy). */
  readonly snrDb: number;
  /** Segmental SNR in dB (NaN when no frame is active). */
  readonly segSnrDb: number;
  /** Least-squares gain applied to the reference. */
  readonly gain: number;
  /** Samples compared. */
  readonly samples: number;
  /** Frames in the segmental average. */
  readonly frames: number;
}

export interface SnrOptions {
  /** Delay of `test` relative to `reference` in samples (default 0). */
  readonly delay?: number;
  /** Sample rate, for the 20 ms segment length (default 16000). */
  readonly rate?: number;
  readonly segmentMs?: number;
  /** Frames whose reference RMS is more than this many dB below the loudest frame are skipped (default 40). */
  readonly activeRangeDb?: number;
}

export const SEG_MIN_DB = -10;
export const SEG_MAX_DB = 35;

export function snr(reference: Int16Array, test: Int16Array, o: SnrOptions = {}): SnrResult {
  const delay = o.delay ?? 0;
  if (!Number.isInteger(delay) || delay < 0) throw new RangeError(`snr: delay ${delay} must be a non-negative integer`);
  const n = Math.max(0, Math.min(reference.length, test.length - delay));
  let rr = 0;
  let tr = 0;
  for (let i = 0; i < n; i++) {
    rr += reference[i]! * reference[i]!;
    tr += test[i + delay]! * reference[i]!;
  }
  if (rr === 0) return { snrDb: Number.NaN, segSnrDb: Number.NaN, gain: Number.NaN, samples: n, frames: 0 };
  const alpha = tr / rr;
  const seg = Math.max(1, Math.round(((o.rate ?? 16000) * (o.segmentMs ?? 20)) / 1000));
  const nFrames = Math.floor(n / seg);
  const sigE = new Float64Array(nFrames);
  const errE = new Float64Array(nFrames);
  let sig = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const s = alpha * reference[i]!;
    const e = test[i + delay]! - s;
    sig += s * s;
    err += e * e;
    const f = Math.floor(i / seg);
    if (f < nFrames) {
      sigE[f]! += s * s;
      errE[f]! += e * e;
    }
  }
  const snrDb = sig === 0 ? Number.NaN : 10 * Math.log10(sig / err);
  let loudest = 0;
  for (const e of sigE) loudest = Math.max(loudest, e);
  const floor = loudest * 10 ** (-(o.activeRangeDb ?? 40) / 10);
  let sum = 0;
  let frames = 0;
  for (let f = 0; f < nFrames; f++) {
    if (sigE[f]! === 0 || sigE[f]! < floor) continue;
    const db = errE[f] === 0 ? SEG_MAX_DB : 10 * Math.log10(sigE[f]! / errE[f]!);
    sum += Math.min(SEG_MAX_DB, Math.max(SEG_MIN_DB, db));
    frames++;
  }
  return { snrDb, segSnrDb: frames > 0 ? sum / frames : Number.NaN, gain: alpha, samples: n, frames };
}

export interface Enhancement {
  readonly input: SnrResult;
  readonly output: SnrResult;
  /** output SNR - input SNR, dB. */
  readonly improvementDb: number;
  /** output segmental SNR - input segmental SNR, dB. */
  readonly segImprovementDb: number;
}

/**
 * SNR of the input and of the output against the clean reference, and the improvement. The
 * input is compared without delay and the output with the model's `latency`, over the same
 * reference span, so both numbers describe the same stretch of speech.
 */
export function enhancement(reference: Int16Array, input: Int16Array, output: Int16Array, latency: number, rate: number): Enhancement {
  const span = Math.min(reference.length, input.length, output.length - latency);
  const ref = reference.subarray(0, Math.max(0, span));
  const inp = snr(ref, input, { rate });
  const out = snr(ref, output, { rate, delay: latency });
  return { input: inp, output: out, improvementDb: out.snrDb - inp.snrDb, segImprovementDb: out.segSnrDb - inp.segSnrDb };
}
