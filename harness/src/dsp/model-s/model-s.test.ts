/**
 * Model S tests: float64 reference sanity, generated weights, and the firmware build (through
 * firmware/build/host/ms-batch, built on demand): int16 vs float SNR, portable vs DSP path
 * bit-exactness, bypass exactness, gain steps, limiter.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '../../protocol/crc32.ts';
import { applyGainQ15, dbToGainQ15 } from '../gain-q15.ts';
import { readWav, requireMono16 } from '../wav.ts';
import { MS_HOP, MS_LATENCY, paramRaw } from './config.ts';
import { runModelSFloat, snrDb, type ModelSFloatTrace } from './float-ref.ts';
import { REPO_ROOT, msBatchInfo, runMsBatch } from './ms-batch.ts';
import { speechLike, type SpeechLikeOptions } from './signals.ts';
import { MODEL_S_CHECKPOINT_SHA256 } from './weights-float.gen.ts';
import { MODEL_S_TENSOR_ORDER, MODEL_S_WEIGHTS, MODEL_S_WEIGHTS_COUNT, MODEL_S_WEIGHTS_HASH } from './weights.gen.ts';

const CASES: Array<{ name: string; opts: SpeechLikeOptions }> = [
  { name: 'male -6 dBFS, noise -25 dB, bursts', opts: { seed: 1, seconds: 3, levelDbfs: -6, noiseDb: -25, bursts: true, f0: 120 } },
  { name: 'female -20 dBFS, noise -15 dB, bursts', opts: { seed: 2, seconds: 3, levelDbfs: -20, noiseDb: -15, bursts: true, f0: 210 } },
  { name: 'quiet -40 dBFS, noise -30 dB', opts: { seed: 3, seconds: 3, levelDbfs: -40, noiseDb: -30, bursts: false, f0: 100 } },
  { name: 'loud -1 dBFS, noise -10 dB (limiter active)', opts: { seed: 4, seconds: 3, levelDbfs: -1, noiseDb: -10, bursts: true, f0: 160 } },
];

/** raw parameter map from real values */
function raw(p: Record<string, number>): Record<string, number> {
  const r: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) r[k] = paramRaw(k as never, v);
  return r;
}

/** input delayed by the model latency and padded like ms-batch */
function delayed(x: Int16Array): Int16Array {
  const frames = Math.ceil(x.length / MS_HOP);
  const y = new Int16Array(frames * MS_HOP);
  y.set(x.subarray(0, y.length - MS_LATENCY), MS_LATENCY);
  return y;
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** SNR of the float output rounded to int16 against the float output: the best any int16 output
 *  can do. */
function roundingFloorDb(yf: Float64Array): number {
  return snrDb(yf, Float64Array.from(yf, (v) => Math.floor(v + 0.5)));
}

describe('model S float64 reference', () => {
  const x = speechLike(CASES[0]!.opts);

  it('pads to whole hops and maps silence to silence', () => {
    const y = runModelSFloat(new Int16Array(1000));
    expect(y.length).to.equal(1120);
    expect(Math.max(...y.map(Math.abs))).to.equal(0);
  });

  it('is a perfect-reconstruction STFT when every gain is 1 (max_atten_db = 0)', () => {
    const y = runModelSFloat(x, { max_atten_db: 0, limiter_dbfs: 0 });
    const d = delayed(x);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - d[i]!));
    expect(err).to.be.below(1e-6);
  });

  it('keeps band gains within [floor, 1] and the output below the limiter', () => {
    const trace: ModelSFloatTrace = { gains: [], features: [] };
    const y = runModelSFloat(x, { max_atten_db: 12, input_gain_db: 12 }, trace);
    const floor = 10 ** (-12 / 20);
    for (const g of trace.gains) for (const v of g) expect(v).to.be.within(floor - 1e-12, 1);
    const lim = 32768 * 10 ** (-1 / 20);
    for (const v of y) expect(Math.abs(v)).to.be.at.most(lim + 1e-9);
    // the network reacts to the input: gains vary over time
    let lo = 1, hi = 0;
    for (const g of trace.gains.slice(10)) for (const v of g) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(hi - lo).to.be.above(0.2);
  });

  it('bypass reproduces the delayed input', () => {
    const y = runModelSFloat(x, { bypass: 1, limiter_dbfs: 0 });
    expect(Array.from(y)).to.deep.equal(Array.from(delayed(x)));
  });
});

describe('model S weights', () => {
  it('hash and count match the tensors and the firmware descriptor', () => {
    const bytes: number[] = [];
    let count = 0;
    for (const name of MODEL_S_TENSOR_ORDER) {
      const t = MODEL_S_WEIGHTS[name];
      count += t.data.length;
      for (const v of t.data) bytes.push(v & 0xff, (v >> 8) & 0xff);
    }
    for (const name of MODEL_S_TENSOR_ORDER) bytes.push(MODEL_S_WEIGHTS[name].frac);
    expect(crc32(Uint8Array.from(bytes))).to.equal(MODEL_S_WEIGHTS_HASH);
    expect(count).to.equal(MODEL_S_WEIGHTS_COUNT);
    const info = msBatchInfo();
    expect(parseInt(info['weights_hash']!, 16)).to.equal(MODEL_S_WEIGHTS_HASH);
    expect(info['id']).to.equal('model-s');
    expect(info['description']).to.contain(`trained (checkpoint sha256 ${MODEL_S_CHECKPOINT_SHA256.slice(0, 12)})`);
    expect(Number(info['latency'])).to.equal(MS_LATENCY);
  });

  it('regenerating the tables reproduces the committed files (gen-weights.ts --check)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'firmware/models/model-s/tools/gen-weights.ts'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).to.equal(0);
  });
});

describe('model S int16 firmware (ms-batch)', () => {
  const signals = CASES.map((c) => ({ ...c, x: speechLike(c.opts) }));

  for (const s of signals) {
    it(`int16 vs float SNR >= 30 dB: ${s.name}`, function () {
      const yf = runModelSFloat(s.x);
      const yi = runMsBatch(s.x);
      expect(yi.length).to.equal(yf.length);
      const snr = snrDb(yf, yi);
      const floor = roundingFloorDb(yf);
      this.test!.title += ` (SNR ${snr.toFixed(2)} dB, int16 rounding floor ${floor.toFixed(2)} dB)`;
      expect(snr).to.be.at.least(30);
    });
  }

  it('portable oracle and DSP path are bit-exact', () => {
    for (const s of signals) {
      for (const p of [{}, raw({ max_atten_db: 40, input_gain_db: 9.5, output_gain_db: -3, limiter_dbfs: -6 })]) {
        const a = runMsBatch(s.x, { path: 'ref', raw: p });
        const b = runMsBatch(s.x, { path: 'dsp', raw: p });
        expect(firstDiff(a, b), s.name).to.equal(-1);
      }
    }
  });

  it(`bypass with 0 dB gains and a 0 dBFS limiter is the input delayed by exactly ${MS_LATENCY} samples`, () => {
    for (const s of signals) {
      const y = runMsBatch(s.x, { raw: raw({ bypass: 1, limiter_dbfs: 0 }) });
      expect(firstDiff(y, delayed(s.x)), s.name).to.equal(-1);
    }
  });

  it('bypass gain steps are exact: out = limit(gain_out(gain_in(in)))', () => {
    const x = signals[0]!.x;
    for (const [gi, go, lim] of [[-6.0206, 6.0206, 0], [12, -12, -3], [-24, 24, -20], [3.5, 0, 0], [0, -0.5, -1]] as const) {
      const p = raw({ bypass: 1, input_gain_db: gi, output_gain_db: go, limiter_dbfs: lim });
      const y = runMsBatch(x, { raw: p });
      const l = dbToGainQ15(p['limiter_dbfs']!);
      const want = applyGainQ15(applyGainQ15(delayed(x), dbToGainQ15(p['input_gain_db']!)), dbToGainQ15(p['output_gain_db']!))
        .map((v) => Math.max(-l, Math.min(Math.min(l, 32767), v)));
      expect(firstDiff(y, want), `gains ${gi} ${go} ${lim}`).to.equal(-1);
    }
  });

  it('output_gain_db = +6.0206 doubles the processed output (within rounding)', () => {
    const x = signals[1]!.x; // peak about -20 dBFS: no saturation at +6 dB
    const y0 = runMsBatch(x, { raw: raw({ limiter_dbfs: 0 }) });
    const p = raw({ limiter_dbfs: 0, output_gain_db: 6.0206 });
    const g = dbToGainQ15(p['output_gain_db']!);
    expect(g).to.be.within(65520, 65552); // 2.0 within 0.03 %
    const y6 = runMsBatch(x, { raw: p });
    let worst = 0;
    for (let i = 0; i < y0.length; i++) worst = Math.max(worst, Math.abs(y6[i]! - (y0[i]! * g) / 32768));
    expect(worst).to.be.at.most(1.5); // both outputs are rounded from the same Q8 value
  });

  it('the limiter caps the output at the threshold exactly', () => {
    const x = signals[3]!.x;
    const p = raw({ input_gain_db: 12, limiter_dbfs: -6 });
    const y = runMsBatch(x, { raw: p });
    let peak = 0;
    for (const v of y) peak = Math.max(peak, Math.abs(v));
    expect(peak).to.equal(dbToGainQ15(p['limiter_dbfs']!));
  });

  // every case of the speech suite (its manifest), the clean one included
  const speechDir = join(REPO_ROOT, 'vectors/speech');
  const manifest = join(speechDir, 'manifest.json');
  const speechCases = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { cases: Array<{ name: string; input: string }> }).cases
    : [];
  it('covers every case of the speech suite', () => {
    expect(speechCases.length).to.be.at.least(9);
  });
  for (const c of speechCases) {
    const f = c.input;
    it(`int16 vs float SNR >= 30 dB on speech/${c.name} (vectors/speech/${f})`, async function () {
      const wav = await readWav(join(speechDir, f));
      requireMono16(wav, { rate: 16000 }, f);
      const yf = runModelSFloat(wav.samples);
      const yi = runMsBatch(wav.samples);
      const snr = snrDb(yf, yi);
      this.test!.title += ` (SNR ${snr.toFixed(2)} dB, int16 rounding floor ${roundingFloorDb(yf).toFixed(2)} dB)`;
      expect(snr).to.be.at.least(30);
    });
  }
});
