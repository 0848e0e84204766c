/**
 * Generator of every constant table of model S (firmware/models/model-s/README.md).
 *
 *   npx tsx firmware/models/model-s/tools/gen-weights.ts           # (re)write the files
 *   npx tsx firmware/models/model-s/tools/gen-weights.ts --check   # exit 1 if any file drifted
 *
 * Writes:
 *   firmware/models/model-s/ms_tables.h / ms_tables.c    DSP tables: sine window, FFT twiddles,
 *                                                         tanh LUT, log2 LUT
 *   firmware/models/model-s/ms_weights.h / ms_weights.c  int16 weights, power-of-two scales, hash
 *   harness/src/dsp/model-s/weights.gen.ts               the same quantised weights for the
 *                                                         float64 reference
 *
 * Weights are UNTRAINED: a seeded (mulberry32, SEED below) scaled-uniform initialisation, chosen
 * so the network is numerically sane (bounded GRU state; band gains mostly 0.2 .. 0.99 and varying
 * with the input, so the int16 path is exercised on a moving target). Only
 * integer PRNG steps, +, *, / and Math.sqrt (IEEE exact) touch the weights; the DSP tables use
 * Math.sin/cos/tanh/log2 of V8 (fdlibm ports, identical on every platform) and are rounded to
 * integers, so regenerating reproduces the committed files bit for bit (checked by --check).
 *
 * weights_hash: CRC-32 (zlib) over, in TENSORS order, each tensor's int16 values little-endian,
 * followed by one byte per tensor holding its frac_bits (in the same order).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../../../../harness/src/protocol/crc32.ts';

const SEED = 0x5eed5001;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const MODEL_DIR = resolve(HERE, '..');
const TS_OUT = join(ROOT, 'harness/src/dsp/model-s/weights.gen.ts');
const COMMAND = 'npx tsx firmware/models/model-s/tools/gen-weights.ts';

// Architecture (must match ms_config.h and harness/src/dsp/model-s/config.ts).
const NB = 20; // bands / features / gains
const D1 = 32; // dense 1 units
const H1 = 48; // GRU 1 units
const H2 = 48; // GRU 2 units
const WIN = 320;
const NFFT = 512;
const TANH_STEPS = 32; // table entries per unit of input
const TANH_N = 8 * TANH_STEPS + 1; // tanh(i / 32), i = 0 .. 256
const LOG2_N = 65; // log2(1 + i / 64), i = 0 .. 64
const BIAS_FRAC = 12; // biases are Q12, like the pre-activations

/** mulberry32: 32-bit state, returns uniform integers in [0, 2^32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
const rnd = mulberry32(SEED);
/** Uniform in [lo, hi). */
const uni = (lo: number, hi: number): number => lo + (hi - lo) * (rnd() / 4294967296);

interface Tensor {
  name: string; // C symbol suffix and TS key
  rows: number;
  cols: number; // 1 for vectors
  frac: number; // real = int / 2^frac
  data: Int16Array;
  doc: string;
}

/** Quantise real weights with the largest power-of-two scale that keeps every value in int16. */
function quantWeights(name: string, rows: number, cols: number, w: number[], doc: string): Tensor {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  let frac = 15;
  while (frac < 20 && Math.round(max * 2 ** (frac + 1)) <= 32767) frac++;
  while (Math.round(max * 2 ** frac) > 32767) frac--;
  const data = Int16Array.from(w, (v) => Math.round(v * 2 ** frac));
  return { name, rows, cols, frac, data, doc };
}
/** Biases: Q12 int16 (saturating is never needed: |b| < 8 by construction). */
function quantBias(name: string, b: number[], doc: string): Tensor {
  const data = Int16Array.from(b, (v) => {
    const q = Math.round(v * 2 ** BIAS_FRAC);
    if (q > 32767 || q < -32768) throw new Error(`${name}: bias ${v} out of Q12 range`);
    return q;
  });
  return { name, rows: b.length, cols: 1, frac: BIAS_FRAC, data, doc };
}
const uniformMat = (n: number, a: number): number[] => Array.from({ length: n }, () => uni(-a, a));

// ---- seeded, scaled initialisation (draw order is part of the format: do not reorder) ----
// Dense 1 (20 -> 32, tanh). Features are log band energies in about [-0.75, 0.75].
const d1w = quantWeights('d1_w', D1, NB, uniformMat(D1 * NB, 2.5),
  'dense 1 weights [32][20], row = output unit');
const d1b = quantBias('d1_b', Array.from({ length: D1 }, () => uni(-0.3, 0.3)), 'dense 1 bias [32], Q12');

/** GRU gate matrices, PyTorch gate order (r, z, n) stacked: rows [0,H) r, [H,2H) z, [2H,3H) n. */
function gru(prefix: string, nin: number, h: number): Tensor[] {
  const wx = quantWeights(`${prefix}_wx`, 3 * h, nin, uniformMat(3 * h * nin, 1.2 * Math.sqrt(3 / nin)),
    `${prefix} input weights [${3 * h}][${nin}], gates r|z|n`);
  const uh = quantWeights(`${prefix}_uh`, 3 * h, h, uniformMat(3 * h * h, 0.6 * Math.sqrt(3 / h)),
    `${prefix} recurrent weights [${3 * h}][${h}], gates r|z|n`);
  // z-gate bias +1: the state prefers to persist (smooth gains); r and n near 0.
  const bx = quantBias(`${prefix}_bx`, Array.from({ length: 3 * h }, (_, i) =>
    (i >= h && i < 2 * h ? 1.0 : 0) + uni(-0.1, 0.1)), `${prefix} input bias [${3 * h}], Q12`);
  const bh = quantBias(`${prefix}_bh`, Array.from({ length: 3 * h }, () => uni(-0.1, 0.1)),
    `${prefix} recurrent bias [${3 * h}], Q12 (b_hn is inside r * (...))`);
  return [wx, uh, bx, bh];
}
const g1 = gru('g1', D1, H1);
const g2 = gru('g2', H1, H2);
// Dense 2 (48 -> 20, sigmoid): bias 0.8 .. 2.0 puts the band gains mostly in 0.6 .. 0.95.
const d2w = quantWeights('d2_w', NB, H2, uniformMat(NB * H2, 2.0 * Math.sqrt(3 / H2)),
  'dense 2 weights [20][48]');
const d2b = quantBias('d2_b', Array.from({ length: NB }, () => uni(0.8, 2.0)), 'dense 2 bias [20], Q12');

const TENSORS: Tensor[] = [d1w, d1b, ...g1, ...g2, d2w, d2b];

// ---- hash ----
const bytes: number[] = [];
for (const t of TENSORS) for (const v of t.data) bytes.push(v & 0xff, (v >> 8) & 0xff);
for (const t of TENSORS) bytes.push(t.frac);
const HASH = crc32(Uint8Array.from(bytes));
const hex = (v: number): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
const nWeights = TENSORS.reduce((s, t) => s + t.data.length, 0);

// ---- DSP tables ----
const q15 = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
const window = Array.from({ length: WIN }, (_, n) => q15(Math.sin((Math.PI * (n + 0.5)) / WIN)));
const twiddle: number[] = [];
for (let k = 0; k < NFFT / 2; k++) {
  // int32 so that 1.0 = 32768 is exact (k = 0 cos, k = 128 sin)
  twiddle.push(Math.round(32768 * Math.cos((2 * Math.PI * k) / NFFT)), Math.round(32768 * Math.sin((2 * Math.PI * k) / NFFT)));
}
const tanhLut = Array.from({ length: TANH_N }, (_, i) => q15(Math.tanh(i / TANH_STEPS)));
const log2Lut = Array.from({ length: LOG2_N }, (_, i) => Math.round(32768 * Math.log2(1 + i / 64)));

// ---- emit ----
function cArray(type: string, name: string, vals: ArrayLike<number>, perLine = 12): string {
  const lines: string[] = [];
  for (let i = 0; i < vals.length; i += perLine) {
    lines.push('    ' + Array.from(Array.prototype.slice.call(vals, i, i + perLine) as number[], (v) => String(v)).join(', ') + ',');
  }
  return `const ${type} ${name}[${vals.length}] = {\n${lines.join('\n')}\n};\n`;
}
const banner = (what: string): string =>
  `/* GENERATED FILE - do not edit. ${what}\n * Generated by firmware/models/model-s/tools/gen-weights.ts (seed ${hex(SEED)}).\n * Regenerate: ${COMMAND}\n * Check:      ${COMMAND} --check\n */\n`;

const files = new Map<string, string>();

files.set(join(MODEL_DIR, 'ms_tables.h'), `${banner('Model S DSP tables.')}#ifndef MS_TABLES_H
#define MS_TABLES_H

#include <stdint.h>

/** Sine window, Q15: round(32768 * sin(pi * (n + 0.5) / 320)), n = 0 .. 319 (power complementary
 *  at hop 160: w[n]^2 + w[n + 160]^2 = 1 up to rounding). Used for analysis and synthesis. */
extern const int16_t ms_window_q15[${WIN}];
/** FFT twiddles, int32 Q15 (1.0 = 32768 exactly): {cos, sin}(2 pi k / 512), k = 0 .. 255. */
extern const int32_t ms_twiddle_q15[${NFFT}];
/** tanh(i / 32) in Q15 (saturated to 32767), i = 0 .. 256 (input 0 .. 8). */
extern const int16_t ms_tanh_lut_q15[${TANH_N}];
/** log2(1 + i / 64) in Q15 (uint16: the last entry is 32768), i = 0 .. 64. */
extern const uint16_t ms_log2_lut_q15[${LOG2_N}];

#endif /* MS_TABLES_H */
`);

files.set(join(MODEL_DIR, 'ms_tables.c'), `${banner('Model S DSP tables.')}#include "ms_tables.h"

${cArray('int16_t', 'ms_window_q15', window)}
${cArray('int32_t', 'ms_twiddle_q15', twiddle, 8)}
${cArray('int16_t', 'ms_tanh_lut_q15', tanhLut)}
${cArray('uint16_t', 'ms_log2_lut_q15', log2Lut)}`);

const wh: string[] = [];
wh.push(`${banner('Model S weights: UNTRAINED (seeded initialisation).')}#ifndef MS_WEIGHTS_H
#define MS_WEIGHTS_H

#include <stdint.h>

/** CRC-32 (zlib) of every tensor's int16 LE bytes in the order below, then one frac_bits byte per
 *  tensor in the same order. */
#define MS_WEIGHTS_HASH ${hex(HASH)}u
/** Total number of int16 weight and bias values. */
#define MS_WEIGHTS_COUNT ${nWeights}u
/** Pre-activations and biases are Q12. */
#define MS_BIAS_FRAC ${BIAS_FRAC}u
`);
for (const t of TENSORS) {
  wh.push(`/** ${t.doc}; real = value / 2^${t.frac}. */\n#define MS_${t.name.toUpperCase()}_FRAC ${t.frac}u\nextern const int16_t ms_${t.name}[${t.data.length}];`);
}
wh.push(`\n#endif /* MS_WEIGHTS_H */\n`);
files.set(join(MODEL_DIR, 'ms_weights.h'), wh.join('\n'));

files.set(join(MODEL_DIR, 'ms_weights.c'), `${banner('Model S weights: UNTRAINED (seeded initialisation).')}#include "ms_weights.h"

/* 4-byte alignment lets the DSP path load int16 pairs with single 32-bit loads. */
${TENSORS.map((t) => `__attribute__((aligned(4))) ${cArray('int16_t', `ms_${t.name}`, t.data, 16)}`).join('\n')}`);

const ts: string[] = [];
ts.push(`// GENERATED FILE - do not edit. Model S quantised weights (UNTRAINED, seeded initialisation).
// Generated by firmware/models/model-s/tools/gen-weights.ts (seed ${hex(SEED)}).
// Regenerate: ${COMMAND}   Check: ${COMMAND} --check
// Same values as firmware/models/model-s/ms_weights.c; real weight = data[i] / 2^frac.

/** One quantised tensor: row-major [rows][cols] int16, real = value / 2^frac. */
export interface ModelSTensor {
  readonly rows: number;
  readonly cols: number;
  readonly frac: number;
  readonly data: Int16Array;
}

/** CRC-32 (zlib) of the tensors' int16 LE bytes in TENSOR_ORDER, then their frac bytes. */
export const MODEL_S_WEIGHTS_HASH = ${hex(HASH)};
/** Number of int16 weight and bias values. */
export const MODEL_S_WEIGHTS_COUNT = ${nWeights};
/** Tensor order of the hash. */
export const MODEL_S_TENSOR_ORDER = [${TENSORS.map((t) => `'${t.name}'`).join(', ')}] as const;
export type ModelSTensorName = (typeof MODEL_S_TENSOR_ORDER)[number];

export const MODEL_S_WEIGHTS: Readonly<Record<ModelSTensorName, ModelSTensor>> = {`);
for (const t of TENSORS) {
  const chunks: string[] = [];
  for (let i = 0; i < t.data.length; i += 24) chunks.push('      ' + Array.from(t.data.subarray(i, i + 24)).join(', ') + ',');
  ts.push(`  ${t.name}: {\n    rows: ${t.rows},\n    cols: ${t.cols},\n    frac: ${t.frac},\n    data: Int16Array.from([\n${chunks.join('\n')}\n    ]),\n  },`);
}
ts.push('};\n');
files.set(TS_OUT, ts.join('\n'));

const check = process.argv.includes('--check');
let drift = 0;
for (const [path, text] of files) {
  if (check) {
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      old = '';
    }
    if (old !== text) {
      console.error(`drift: ${relative(ROOT, path)} differs from the generator output`);
      drift++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${relative(ROOT, path)}`);
  }
}
console.log(`weights=${nWeights} hash=${hex(HASH)} fracs=${TENSORS.map((t) => `${t.name}:${t.frac}`).join(' ')}`);
if (check) {
  if (drift) process.exit(1);
  console.log('check: all generated files match');
}
