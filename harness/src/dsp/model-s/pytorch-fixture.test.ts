/**
 * Reference cross-check: the TypeScript float64 reference (float checkpoint weights) equals
 * PyTorch's float32 output on the committed fixture (made once by
 * firmware/models/model-s/train/make_fixtures.py), within 1e-4: band gains absolutely, output
 * relative to full scale. CI checks the float chain this way without PyTorch.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWav, requireMono16 } from '../wav.ts';
import { runModelSFloat, type ModelSFloatTrace } from './float-ref.ts';
import { REPO_ROOT } from './ms-batch.ts';
import { MODEL_S_CHECKPOINT_SHA256 } from './weights-float.gen.ts';

interface Fixture {
  checkpointSha256: string;
  input: { file: string; start: number; length: number };
  frames: number;
  gainsF32le: string;
  outputF32le: string;
}

const f32 = (b64: string): Float32Array => {
  const b = Buffer.from(b64, 'base64');
  return Float32Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
};

describe('model S float reference vs PyTorch (committed fixture)', () => {
  const fx = JSON.parse(readFileSync(join(REPO_ROOT, 'harness/src/dsp/model-s/pytorch-fixture.json'), 'utf8')) as Fixture;

  it('was made from the committed checkpoint', () => {
    expect(fx.checkpointSha256).to.equal(MODEL_S_CHECKPOINT_SHA256);
  });

  it('gives the same band gains and output within 1e-4', async function () {
    const wav = await readWav(join(REPO_ROOT, fx.input.file));
    requireMono16(wav, { rate: 16000 }, fx.input.file);
    const x = wav.samples.subarray(fx.input.start, fx.input.start + fx.input.length);
    const trace: ModelSFloatTrace = { gains: [], features: [] };
    const y = runModelSFloat(x, {}, trace);
    const gains = f32(fx.gainsF32le);
    const out = f32(fx.outputF32le);
    expect(trace.gains.length).to.equal(fx.frames);
    expect(y.length).to.equal(out.length);
    let gErr = 0;
    for (let t = 0; t < fx.frames; t++) for (let b = 0; b < 20; b++) gErr = Math.max(gErr, Math.abs(trace.gains[t]![b]! - gains[t * 20 + b]!));
    let yErr = 0;
    for (let i = 0; i < y.length; i++) yErr = Math.max(yErr, Math.abs(y[i]! - out[i]!) / 32768);
    this.test!.title += ` (max gain error ${gErr.toExponential(1)}, max output error ${yErr.toExponential(1)} of full scale)`;
    expect(gErr).to.be.below(1e-4);
    expect(yErr).to.be.below(1e-4);
    // and the gains move: a fixture of constant gains would prove little
    const all = Array.from(gains);
    expect(Math.max(...all) - Math.min(...all)).to.be.above(0.5);
  });
});
