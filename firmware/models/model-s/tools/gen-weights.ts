/**
 * Generator of every constant table of model S (firmware/models/model-s/README.md).
 *
 *   npx tsx firmware/models/model-s/tools/gen-weights.ts           # (re)write the files
 *   npx tsx firmware/models/model-s/tools/gen-weights.ts --check   # exit 1 if any file drifted
 *   options: --checkpoint FILE (default firmware/models/model-s/model-s.safetensors)
 *            --out-dir DIR     (write the five files flat into DIR instead of their places)
 *
 * Reads the float checkpoint that firmware/models/model-s/train/train.py wrote (safetensors,
 * float32) and writes:
 *   firmware/models/model-s/ms_tables.h / ms_tables.c    DSP tables: sine window, FFT twiddles,
 *                                                         tanh LUT, log2 LUT
 *   firmware/models/model-s/ms_weights.h / ms_weights.c  int16 weights, power-of-two scales, hash
 *   harness/src/dsp/model-s/weights.gen.ts               the same quantised weights (TypeScript)
 *   harness/src/dsp/model-s/weights-float.gen.ts         the checkpoint's float32 weights, exact,
 *                                                         for the float64 reference
 * Q formats per tensor: harness/src/dsp/model-s/quantise.ts. A checkpoint that does not fit
 * (shape, NaN / Inf, a value int16 cannot hold) gets one line naming the tensor, exit 1, and
 * nothing is written.
 *
 * Deterministic: quantisation is exact float arithmetic and Math.round; the DSP tables use
 * Math.sin/cos/tanh/log2 of V8 (fdlibm ports, identical on every platform) rounded to integers,
 * so regenerating reproduces the committed files bit for bit (checked by --check, in npm test).
 *
 * weights_hash: CRC-32 (zlib) over, in tensor order, each tensor's int16 values little-endian,
 * followed by one byte per tensor holding its frac_bits (in the same order).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../../../../harness/src/protocol/crc32.ts';
import { BIAS_FRAC, type QuantTensor, quantiseCheckpoint } from '../../../../harness/src/dsp/model-s/quantise.ts';
import { CheckpointError, parseSafetensors } from '../../../../harness/src/dsp/model-s/safetensors.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const MODEL_DIR = resolve(HERE, '..');
const TS_DIR = join(ROOT, 'harness/src/dsp/model-s');
const COMMAND = 'npx tsx firmware/models/model-s/tools/gen-weights.ts';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) {
    console.error(`gen-weights: ${name} needs a value`);
    process.exit(2);
  }
  return v;
};
for (const a of argv) {
  if (a.startsWith('--') && !['--check', '--checkpoint', '--out-dir'].includes(a)) {
    console.error(`gen-weights: unknown option ${a} (expected --check, --checkpoint FILE, --out-dir DIR)`);
    process.exit(2);
  }
}
const CKPT = resolve(opt('--checkpoint') ?? join(MODEL_DIR, 'model-s.safetensors'));
const OUT_DIR = opt('--out-dir');

// Architecture (must match ms_config.h and harness/src/dsp/model-s/config.ts).
const WIN = 320;
const NFFT = 512;
const TANH_STEPS = 32; // table entries per unit of input
const TANH_N = 8 * TANH_STEPS + 1; // tanh(i / 32), i = 0 .. 256
const LOG2_N = 65; // log2(1 + i / 64), i = 0 .. 64

// ---- checkpoint ----
let ckptBytes: Uint8Array;
let TENSORS: QuantTensor[];
const CKPT_NAME = relative(ROOT, CKPT).startsWith('..') ? CKPT : relative(ROOT, CKPT);
try {
  ckptBytes = readFileSync(CKPT);
} catch (e) {
  console.error(`gen-weights: cannot read checkpoint ${CKPT_NAME} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  process.exit(1);
}
const CKPT_SHA = createHash('sha256').update(ckptBytes).digest('hex');
const CKPT_ID = CKPT_SHA.slice(0, 12);
let META: Readonly<Record<string, string>>;
try {
  const ckpt = parseSafetensors(ckptBytes, CKPT_NAME);
  META = ckpt.metadata;
  TENSORS = quantiseCheckpoint(ckpt, CKPT_NAME);
} catch (e) {
  if (!(e instanceof CheckpointError)) throw e;
  console.error(`gen-weights: ${e.message}`);
  process.exit(1);
}

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
  `/* GENERATED FILE - do not edit. ${what}\n * Generated by firmware/models/model-s/tools/gen-weights.ts \n * from ${basename(CKPT)} (sha256 ${CKPT_SHA}).\n * Regenerate: ${COMMAND}\n * Check:      ${COMMAND} --check\n */\n`;

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
wh.push(`${banner('Model S weights: trained (float checkpoint, quantised per tensor).')}#ifndef MS_WEIGHTS_H
#define MS_WEIGHTS_H

#include <stdint.h>

/** CRC-32 (zlib) of every tensor's int16 LE bytes in the order below, then one frac_bits byte per
 *  tensor in the same order. */
#define MS_WEIGHTS_HASH ${hex(HASH)}u
/** Total number of int16 weight and bias values. */
#define MS_WEIGHTS_COUNT ${nWeights}u
/** Pre-activations and biases are Q12. */
#define MS_BIAS_FRAC ${BIAS_FRAC}u
/** First 12 hex digits of the float checkpoint's sha256 (named in the model description). */
#define MS_CHECKPOINT_ID "${CKPT_ID}"
`);
for (const t of TENSORS) {
  wh.push(`/** ${t.doc}; real = value / 2^${t.frac}. */\n#define MS_${t.name.toUpperCase()}_FRAC ${t.frac}u\nextern const int16_t ms_${t.name}[${t.data.length}];`);
}
wh.push(`\n#endif /* MS_WEIGHTS_H */\n`);
files.set(join(MODEL_DIR, 'ms_weights.h'), wh.join('\n'));

files.set(join(MODEL_DIR, 'ms_weights.c'), `${banner('Model S weights: trained (float checkpoint, quantised per tensor).')}#include "ms_weights.h"

/* 4-byte alignment lets the DSP path load int16 pairs with single 32-bit loads. */
${TENSORS.map((t) => `__attribute__((aligned(4))) ${cArray('int16_t', `ms_${t.name}`, t.data, 16)}`).join('\n')}`);

const ts: string[] = [];
ts.push(`// GENERATED FILE - do not edit. Model S quantised weights (trained, quantised per tensor).
// Generated by firmware/models/model-s/tools/gen-weights.ts from ${basename(CKPT)} (sha256 ${CKPT_SHA}).
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
files.set(join(TS_DIR, 'weights.gen.ts'), ts.join('\n'));

// The checkpoint's float32 values, exact (little-endian bytes in base64), for the float reference.
const fl: string[] = [];
fl.push(`// GENERATED FILE - do not edit. Model S float weights, exactly as in the checkpoint.
// Generated by firmware/models/model-s/tools/gen-weights.ts from ${basename(CKPT)} (sha256 ${CKPT_SHA}).
// Regenerate: ${COMMAND}   Check: ${COMMAND} --check
// Each tensor: row-major [rows][cols] float32, little-endian, base64.

/** sha256 of the float checkpoint these values come from. */
export const MODEL_S_CHECKPOINT_SHA256 = '${CKPT_SHA}';
/** How the checkpoint was made (its safetensors metadata). */
export const MODEL_S_CHECKPOINT_META: Readonly<Record<string, string>> = ${JSON.stringify(Object.fromEntries(Object.entries(META).sort()), null, 2)};

export const MODEL_S_FLOAT_BASE64: Readonly<Record<string, { rows: number; cols: number; f32le: string }>> = {`);
for (const t of TENSORS) {
  const b = Buffer.alloc(t.real.length * 4);
  t.real.forEach((v, i) => b.writeFloatLE(v, i * 4));
  const s64 = b.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < s64.length; i += 96) lines.push(`      '${s64.slice(i, i + 96)}'`);
  fl.push(`  ${t.name}: {\n    rows: ${t.rows},\n    cols: ${t.cols},\n    f32le:\n${lines.join(' +\n')},\n  },`);
}
fl.push('};\n');
files.set(join(TS_DIR, 'weights-float.gen.ts'), fl.join('\n'));

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
    const dest = OUT_DIR ? join(resolve(OUT_DIR), basename(path)) : path;
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
    console.log(`wrote ${relative(ROOT, dest)}`);
  }
}
console.log(`checkpoint=${CKPT_NAME} sha256=${CKPT_ID} weights=${nWeights} hash=${hex(HASH)} fracs=${TENSORS.map((t) => `${t.name}:${t.frac}`).join(' ')}`);
if (check) {
  if (drift) process.exit(1);
  console.log('check: all generated files match');
}
