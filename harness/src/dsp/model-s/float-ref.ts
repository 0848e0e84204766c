/**
 * Float64 reference of model S (firmware/models/model-s): the same architecture and parameters
 * in exact float arithmetic (exact sine window, float FFT, Math.tanh / sigmoid / log2,
 * 10^(dB/20) gains), with either weight set:
 * - 'float' (default): the float checkpoint's weights, unquantised (weights-float.gen.ts). The
 *   int16 firmware against this output is the deployment loss (weights and activations);
 * - 'quantised': the int16 weights dequantised (weights.gen.ts). Against this output the int16
 *   firmware's loss is activation rounding alone.
 *
 * Parameters are first rounded to their raw fixed-point values (Q8 dB) like the firmware's.
 */
import {
  MS_BAND_CORNERS,
  MS_DEFAULT_PARAMS,
  MS_H1,
  MS_H2,
  MS_HOP,
  MS_NB,
  MS_NFFT,
  MS_WIN,
  type ModelSParams,
  paramRaw,
} from './config.ts';
import { MODEL_S_FLOAT_BASE64 } from './weights-float.gen.ts';
import { MODEL_S_WEIGHTS, type ModelSTensor } from './weights.gen.ts';
import { fft } from '../fft.ts';

export type ModelSWeightSet = 'float' | 'quantised';

/** Dequantised dense block: W[rows][cols] (real) and bias[rows] (real). */
interface Dense {
  w: Float64Array;
  b: Float64Array;
  nin: number;
  nout: number;
}

function deq(t: ModelSTensor): Float64Array {
  const s = 2 ** -t.frac;
  return Float64Array.from(t.data, (v) => v * s);
}
function f32(name: string): Float64Array {
  const t = MODEL_S_FLOAT_BASE64[name]!;
  const b = Buffer.from(t.f32le, 'base64');
  return Float64Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
}

interface Network {
  d1: Dense;
  g1: { wx: Dense; uh: Dense; h: number };
  g2: { wx: Dense; uh: Dense; h: number };
  d2: Dense;
}
const networks = new Map<ModelSWeightSet, Network>();
function network(set: ModelSWeightSet): Network {
  let n = networks.get(set);
  if (!n) {
    const W = MODEL_S_WEIGHTS;
    const dense = (w: keyof typeof W, b: keyof typeof W): Dense =>
      set === 'float'
        ? { w: f32(w), b: f32(b), nin: W[w].cols, nout: W[w].rows }
        : { w: deq(W[w]), b: deq(W[b]), nin: W[w].cols, nout: W[w].rows };
    n = {
      d1: dense('d1_w', 'd1_b'),
      g1: { wx: dense('g1_wx', 'g1_bx'), uh: dense('g1_uh', 'g1_bh'), h: MS_H1 },
      g2: { wx: dense('g2_wx', 'g2_bx'), uh: dense('g2_uh', 'g2_bh'), h: MS_H2 },
      d2: dense('d2_w', 'd2_b'),
    };
    networks.set(set, n);
  }
  return n;
}

function affine(l: Dense, x: Float64Array): Float64Array {
  const y = new Float64Array(l.nout);
  for (let o = 0; o < l.nout; o++) {
    let acc = l.b[o]!;
    const base = o * l.nin;
    for (let i = 0; i < l.nin; i++) acc += l.w[base + i]! * x[i]!;
    y[o] = acc;
  }
  return y;
}
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** PyTorch GRU step (gate order r | z | n), in place on h. */
function gruStep(g: { wx: Dense; uh: Dense; h: number }, x: Float64Array, h: Float64Array): void {
  const gx = affine(g.wx, x);
  const gh = affine(g.uh, h);
  const H = g.h;
  for (let i = 0; i < H; i++) {
    const r = sigmoid(gx[i]! + gh[i]!);
    const z = sigmoid(gx[H + i]! + gh[H + i]!);
    const n = Math.tanh(gx[2 * H + i]! + r * gh[2 * H + i]!);
    h[i] = (1 - z) * n + z * h[i]!;
  }
}

const WINDOW = Float64Array.from({ length: MS_WIN }, (_, n) => Math.sin((Math.PI * (n + 0.5)) / MS_WIN));
/** Triangular band weights: weight[b][k]. */
const BAND_W: Float64Array[] = Array.from({ length: MS_NB }, () => new Float64Array(MS_NFFT / 2 + 1));
for (let b = 0; b + 1 < MS_NB; b++) {
  const c0 = MS_BAND_CORNERS[b]!, c1 = MS_BAND_CORNERS[b + 1]!;
  for (let k = c0; k < c1; k++) {
    const f = (k - c0) / (c1 - c0);
    BAND_W[b]![k] = 1 - f;
    BAND_W[b + 1]![k] = f;
  }
}
BAND_W[MS_NB - 1]![MS_NFFT / 2] = 1;

const dbGain = (db: number): number => 10 ** (db / 20);
const clamp16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

/** Internal values of one run, for diagnostics. */
export interface ModelSFloatTrace {
  /** band gains after the floor, one Float64Array(20) per frame */
  gains: Float64Array[];
  /** features, one Float64Array(20) per frame */
  features: Float64Array[];
}

/**
 * Run the float64 reference over `input` (16 kHz mono int16), frame by frame from a zero state.
 * The input is zero padded to whole hops; the output has ceil(N / 160) * 160 samples and
 * out[n] answers in[n - 160], exactly like the firmware (ms-batch). Output values are not
 * rounded (but clipped to the int16 range and the limiter threshold like the firmware).
 */
export function runModelSFloat(
  input: Int16Array,
  params: Partial<ModelSParams> = {},
  trace?: ModelSFloatTrace,
  weights: ModelSWeightSet = 'float',
): Float64Array {
  const { d1: D1, g1: G1, g2: G2, d2: D2 } = network(weights);
  const p = { ...MS_DEFAULT_PARAMS, ...params };
  const real = (name: keyof ModelSParams): number => paramRaw(name, p[name]) / (name === 'bypass' ? 1 : 256);
  const gIn = dbGain(real('input_gain_db'));
  const gOut = dbGain(real('output_gain_db'));
  const floor = dbGain(-real('max_atten_db'));
  const lim = 32768 * dbGain(real('limiter_dbfs'));
  const limHi = Math.min(lim, 32767);
  const bypass = real('bypass') !== 0;

  const frames = Math.ceil(input.length / MS_HOP);
  const out = new Float64Array(frames * MS_HOP);
  const buf = new Float64Array(MS_WIN);
  const ola = new Float64Array(MS_HOP);
  const h1 = new Float64Array(MS_H1), h2 = new Float64Array(MS_H2);
  const re = new Float64Array(MS_NFFT), im = new Float64Array(MS_NFFT);
  const nb = MS_NFFT / 2 + 1;

  for (let f = 0; f < frames; f++) {
    buf.copyWithin(0, MS_HOP);
    for (let n = 0; n < MS_HOP; n++) {
      const i = f * MS_HOP + n;
      buf[MS_HOP + n] = clamp16((i < input.length ? input[i]! : 0) * gIn);
    }
    // analysis
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < MS_WIN; n++) re[n] = buf[n]! * WINDOW[n]!;
    fft(re, im, -1);
    // features
    const feat = new Float64Array(MS_NB);
    for (let b = 0; b < MS_NB; b++) {
      let e = 0;
      const w = BAND_W[b]!;
      for (let k = 0; k < nb; k++) if (w[k]) e += w[k]! * (re[k]! * re[k]! + im[k]! * im[k]!);
      feat[b] = Math.min(32767 / 32768, (Math.log2(e + 1) - 24) / 32);
    }
    // network
    const a1 = affine(D1, feat).map(Math.tanh);
    gruStep(G1, a1, h1);
    gruStep(G2, h1, h2);
    const g = affine(D2, h2).map((v) => Math.max(sigmoid(v), floor));
    if (trace) {
      trace.gains.push(g);
      trace.features.push(feat);
    }
    // gains per bin (Hermitian: bins 257 .. 511 mirror 255 .. 1)
    for (let k = 0; k < nb; k++) {
      let gk = 0;
      for (let b = 0; b < MS_NB; b++) gk += BAND_W[b]![k]! * g[b]!;
      re[k] = re[k]! * gk;
      im[k] = im[k]! * gk;
      if (k > 0 && k < MS_NFFT / 2) {
        re[MS_NFFT - k] = re[k]!;
        im[MS_NFFT - k] = -im[k]!;
      }
    }
    im[0] = 0;
    im[MS_NFFT / 2] = 0;
    fft(re, im, +1);
    for (let n = 0; n < MS_WIN; n++) {
      const c = (re[n]! / MS_NFFT) * WINDOW[n]!;
      if (n < MS_HOP) {
        const o = ola[n]! + c;
        let y = clamp16((bypass ? buf[n]! : o) * gOut);
        y = y > limHi ? limHi : y < -lim ? -lim : y;
        out[f * MS_HOP + n] = y;
      } else {
        ola[n - MS_HOP] = c;
      }
    }
  }
  return out;
}

/** SNR in dB of `test` against `ref` over [from, to): 10 log10(sum ref^2 / sum (test - ref)^2). */
export function snrDb(ref: ArrayLike<number>, test: ArrayLike<number>, from = 0, to = ref.length): number {
  let s = 0, e = 0;
  for (let i = from; i < to; i++) {
    const r = ref[i]!;
    const d = test[i]! - r;
    s += r * r;
    e += d * d;
  }
  return e === 0 ? Infinity : 10 * Math.log10(s / e);
}
