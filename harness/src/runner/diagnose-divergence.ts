/**
 * Name the first divergent stage of a mismatching case (PROTOCOL.md 4.5): stream the case's input
 * again on the target and on the reference (the host simulator build of the same model), with the
 * same parameters, up to the first mismatching output frame, with per-stage tap digests on; the
 * first (frame, stage) whose digests differ is where the target's model first computes something
 * else. Then stream both once more up to that frame, capturing that stage's tap, and name the
 * first differing element with both values. I/O only; the comparisons are in
 * assertions/stage-divergence.ts.
 */
import {
  compareTaps,
  firstDivergentDigest,
  jsonValue,
  stageDivergenceMessage,
  type StageDivergence,
} from '../assertions/stage-divergence.ts';
import { isHarnessError } from '../core/errors.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { formatTaps } from '../protocol/device-info.ts';
import type { Session, StreamResult, TapValues } from '../session/session.ts';
import { applyAllParams } from './apply-params.ts';

export interface DiagnoseOptions {
  readonly target: Session;
  readonly reference: Session;
  /** How the report names the reference, e.g. "sim:firmware/build/host/hil-sim-model-s (build 3f9a2c1e0b7d)". */
  readonly referenceLabel: string;
  readonly input: Int16Array;
  /** The case's wanted parameters (run-wide and the case's own). */
  readonly params: Readonly<Record<string, number>>;
  /** First mismatching output frame of the verdict. */
  readonly outputFrame: number;
  /** The case, for error messages ("case speech/x"). */
  readonly what: string;
}

/** Why the target's taps cannot be compared with the reference's, or null when they can. */
export function tapsIncomparable(t: DeviceInfo, r: DeviceInfo): string | null {
  if (!t.stages || !t.taps) return `model ${t.model} exposes no stage taps (hil_model_stages_t.tap), so the divergent stage cannot be named`;
  if (!r.stages || !r.taps) return `the reference (${r.fw}, model ${r.model}) exposes no stage taps`;
  if (t.stages.join(',') !== r.stages.join(',')) return `the reference's stages (${r.stages.join(',')}) differ from the target's (${t.stages.join(',')})`;
  if (formatTaps(t.taps) !== formatTaps(r.taps)) return `the reference's taps (${formatTaps(r.taps)}) differ from the target's (${formatTaps(t.taps)})`;
  if (t.hop !== r.hop || t.rate !== r.rate) return `the reference streams ${r.hop} samples at ${r.rate} Hz, the target ${t.hop} at ${t.rate} Hz`;
  return null;
}

async function prepare(s: Session, o: DiagnoseOptions): Promise<void> {
  await applyAllParams(s, o.params, o.what);
  await s.reset();
}

async function streamDigests(s: Session, o: DiagnoseOptions, samples: Int16Array): Promise<StreamResult> {
  await prepare(s, o);
  await s.setTaps('digests');
  const r = await s.stream(samples);
  await s.setTaps('off');
  return r;
}

async function captureTap(s: Session, o: DiagnoseOptions, samples: Int16Array, stage: number): Promise<TapValues> {
  await prepare(s, o);
  await s.setTaps('capture', stage);
  await s.stream(samples);
  const tap = await s.readTap();
  await s.setTaps('off');
  return tap;
}

function firstOutputDifference(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * The first divergent stage of a case. Errors of the target or the reference propagate (the
 * caller decides whether the session survives); an incomparable model gives `unavailable`.
 */
export async function diagnoseDivergence(o: DiagnoseOptions): Promise<StageDivergence> {
  const ti = o.target.info;
  const base = { reference: o.referenceLabel, outputFrame: o.outputFrame };
  const why = tapsIncomparable(ti, o.reference.info);
  if (why) return { ...base, status: 'unavailable', framesCompared: 0, message: why };
  const stages = ti.stages!;
  const tapped = ti.taps!.map((t) => t !== null);
  const hop = ti.hop;
  const frames = o.outputFrame + 1;
  const prefix = o.input.subarray(0, Math.min(o.input.length, frames * hop));
  const t = await streamDigests(o.target, o, prefix);
  const r = await streamDigests(o.reference, o, prefix);
  const framesCompared = t.frames;
  const weights = ti.weights !== o.reference.info.weights ? ` (target weights ${ti.weights}, reference ${o.reference.info.weights})` : '';
  const at = firstDivergentDigest(t.digests!, r.digests!, stages.length, tapped);
  if (!at) {
    const diff = firstOutputDifference(t.output, r.output);
    if (diff < 0) {
      return {
        ...base,
        status: 'not-reproduced',
        framesCompared,
        message: `target and reference agree on every stage and output sample up to frame ${o.outputFrame}: the mismatch did not reproduce, or the golden is not the reference's output (regenerate it with hil golden)${weights}`,
      };
    }
    return {
      ...base,
      status: 'after-model',
      framesCompared,
      message: `every stage with a tap is identical up to frame ${o.outputFrame}, yet output sample ${diff} (frame ${Math.floor(diff / hop)}) differs: the change happens after the model's last stage (agent, link or the board's output path)`,
    };
  }
  const stage = stages[at.stage]!;
  const identicalBefore = stages.slice(0, at.stage).filter((_, k) => tapped[k]);
  const untappedBefore = stages.slice(0, at.stage).filter((_, k) => !tapped[k]);
  const located = { ...base, status: 'stage' as const, framesCompared, frame: at.frame, stage, stageIndex: at.stage, identicalBefore, untappedBefore };
  let diff;
  try {
    const upTo = o.input.subarray(0, Math.min(o.input.length, (at.frame + 1) * hop));
    const tt = await captureTap(o.target, o, upTo, at.stage);
    const rt = await captureTap(o.reference, o, upTo, at.stage);
    diff = compareTaps(tt.values, rt.values);
  } catch (e) {
    // A device that refuses the capture (a tap larger than its buffer) still has a named stage.
    if (!isHarnessError(e) || e.code !== 'DEVICE') throw e;
    return { ...located, message: `first divergence: frame ${at.frame}, stage ${stage} (its values could not be read: ${e.message})${weights}` };
  }
  if (!diff) {
    return { ...located, message: `first divergence: frame ${at.frame}, stage ${stage} (the digests differ but the captured values agree: the tap is not deterministic)${weights}` };
  }
  const values = {
    element: diff.element,
    targetValue: jsonValue(diff.target),
    referenceValue: jsonValue(diff.reference),
    differing: diff.differing,
    elements: diff.elements,
  };
  return {
    ...located,
    ...values,
    message: stageDivergenceMessage({ ...values, frame: at.frame, stage, identicalBefore, untappedBefore, outputFrame: o.outputFrame }) + weights,
  };
}
