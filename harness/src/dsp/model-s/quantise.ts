/**
 * Model S's float checkpoint -> int16 tensors with per-tensor power-of-two scales. Pure; used by
 * firmware/models/model-s/tools/gen-weights.ts (which writes the C tables and weights.gen.ts).
 *
 * Q formats (real = int / 2^frac):
 * - weights: the largest frac in [MIN_WFRAC, MAX_WFRAC] = [8, 20] with every |round(w 2^frac)| <=
 *   32767, i.e. chosen from the tensor's largest magnitude (frac 13 holds |w| < 4, frac 8 |w| < 128);
 * - biases: Q12 (frac 12, |b| < 8), the format of the pre-activations they are added to.
 * Rounding: Math.round (half up), exact for float32 inputs (scaling by 2^frac is exact).
 *
 * Every check names the tensor and what was expected; the first failure throws (nothing is
 * quantised half way).
 */
import { type Checkpoint, CheckpointError } from './safetensors.ts';
import { MS_D1, MS_H1, MS_H2, MS_NB } from './config.ts';

export const MIN_WFRAC = 8;
export const MAX_WFRAC = 20;
export const BIAS_FRAC = 12;

export interface TensorSpec {
  readonly name: string;
  readonly rows: number;
  /** 1 for vectors */
  readonly cols: number;
  readonly kind: 'weight' | 'bias';
  readonly doc: string;
}

export interface QuantTensor extends TensorSpec {
  readonly frac: number;
  readonly data: Int16Array;
  /** the float32 values it came from */
  readonly real: Float32Array;
}

const gru = (p: string, nin: number, h: number): TensorSpec[] => [
  { name: `${p}_wx`, rows: 3 * h, cols: nin, kind: 'weight', doc: `${p} input weights [${3 * h}][${nin}], gates r|z|n` },
  { name: `${p}_uh`, rows: 3 * h, cols: h, kind: 'weight', doc: `${p} recurrent weights [${3 * h}][${h}], gates r|z|n` },
  { name: `${p}_bx`, rows: 3 * h, cols: 1, kind: 'bias', doc: `${p} input bias [${3 * h}], Q12` },
  { name: `${p}_bh`, rows: 3 * h, cols: 1, kind: 'bias', doc: `${p} recurrent bias [${3 * h}], Q12 (b_hn is inside r * (...))` },
];

/** The checkpoint's tensors in hash order (PyTorch layouts: Linear weight [out][in], GRU r|z|n). */
export const MODEL_S_TENSOR_SPECS: readonly TensorSpec[] = [
  { name: 'd1_w', rows: MS_D1, cols: MS_NB, kind: 'weight', doc: `dense 1 weights [${MS_D1}][${MS_NB}], row = output unit` },
  { name: 'd1_b', rows: MS_D1, cols: 1, kind: 'bias', doc: `dense 1 bias [${MS_D1}], Q12` },
  ...gru('g1', MS_D1, MS_H1),
  ...gru('g2', MS_H1, MS_H2),
  { name: 'd2_w', rows: MS_NB, cols: MS_H2, kind: 'weight', doc: `dense 2 weights [${MS_NB}][${MS_H2}]` },
  { name: 'd2_b', rows: MS_NB, cols: 1, kind: 'bias', doc: `dense 2 bias [${MS_NB}], Q12` },
];

const shapeOf = (s: TensorSpec): number[] => (s.cols === 1 ? [s.rows] : [s.rows, s.cols]);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const at = (s: TensorSpec, i: number): string => (s.cols === 1 ? `[${i}]` : `[${Math.floor(i / s.cols)}][${i % s.cols}]`);

function chooseFrac(spec: TensorSpec, real: Float32Array, file: string): number {
  if (spec.kind === 'bias') return BIAS_FRAC;
  let max = 0;
  for (const v of real) max = Math.max(max, Math.abs(v));
  let frac = MAX_WFRAC;
  while (frac > MIN_WFRAC && Math.round(max * 2 ** frac) > 32767) frac--;
  if (Math.round(max * 2 ** frac) > 32767) {
    throw new CheckpointError(`${file}: tensor ${spec.name}: largest |weight| ${max}, expected at most ${32767 / 2 ** MIN_WFRAC} (int16 with ${MIN_WFRAC} fraction bits)`);
  }
  return frac;
}

/** Validate `ckpt` against model S's tensors and quantise every one (see the file comment). */
export function quantiseCheckpoint(ckpt: Checkpoint, file: string): QuantTensor[] {
  const known = new Set(MODEL_S_TENSOR_SPECS.map((s) => s.name));
  for (const name of ckpt.tensors.keys()) {
    if (!known.has(name)) throw new CheckpointError(`${file}: unexpected tensor ${name}; expected only ${[...known].join(', ')}`);
  }
  return MODEL_S_TENSOR_SPECS.map((spec) => {
    const t = ckpt.tensors.get(spec.name);
    const want = shapeOf(spec);
    if (!t) throw new CheckpointError(`${file}: tensor ${spec.name} missing; expected float32 ${fmt(want)}`);
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new CheckpointError(`${file}: tensor ${spec.name}: shape ${fmt(t.shape)}, expected ${fmt(want)}`);
    }
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!)) throw new CheckpointError(`${file}: tensor ${spec.name}${at(spec, i)} is ${t.data[i]}; expected a finite number`);
    }
    const frac = chooseFrac(spec, t.data, file);
    const data = new Int16Array(t.data.length);
    for (let i = 0; i < t.data.length; i++) {
      const q = Math.round(t.data[i]! * 2 ** frac);
      if (q > 32767 || q < -32768) {
        throw new CheckpointError(`${file}: tensor ${spec.name}${at(spec, i)} = ${t.data[i]}: a bias must lie in [-8, ${32767 / 2 ** BIAS_FRAC}] (Q12 int16)`);
      }
      data[i] = q;
    }
    return { ...spec, frac, data, real: t.data };
  });
}
