/**
 * The checkpoint path of model S without PyTorch: safetensors parsing, validation with one-line
 * errors naming the tensor, per-tensor Q formats, and gen-weights.ts refusing a bad checkpoint
 * without writing anything.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './ms-batch.ts';
import { BIAS_FRAC, MODEL_S_TENSOR_SPECS, quantiseCheckpoint } from './quantise.ts';
import { CheckpointError, encodeSafetensors, type FloatTensor, parseSafetensors } from './safetensors.ts';

const CKPT = join(REPO_ROOT, 'firmware/models/model-s/model-s.safetensors');
const GEN = join(REPO_ROOT, 'firmware/models/model-s/tools/gen-weights.ts');

/** The committed checkpoint's tensors, as mutable copies. */
function committed(): Array<[string, FloatTensor]> {
  const c = parseSafetensors(readFileSync(CKPT), 'model-s.safetensors');
  return [...c.tensors].map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.data) }]);
}
const withTensor = (name: string, f: (t: FloatTensor) => FloatTensor): Array<[string, FloatTensor]> =>
  committed().map(([k, t]) => [k, k === name ? f(t) : t]);
const errorOf = (tensors: Array<[string, FloatTensor]>): string => {
  try {
    quantiseCheckpoint(parseSafetensors(encodeSafetensors(tensors), 'bad.safetensors'), 'bad.safetensors');
  } catch (e) {
    expect(e).to.be.instanceOf(CheckpointError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('model S checkpoint (safetensors) and quantisation', () => {
  it('round-trips tensors and metadata through the safetensors codec', () => {
    const t: FloatTensor = { shape: [2, 3], data: Float32Array.from([1, -2.5, 3e-8, 0, Math.fround(0.1), -1e30]) };
    const c = parseSafetensors(encodeSafetensors([['w', t]], { by: 'test', 'ünï': 'cödé' }), 'x');
    expect(Array.from(c.tensors.get('w')!.data)).to.deep.equal(Array.from(t.data));
    expect(c.metadata).to.deep.equal({ by: 'test', 'ünï': 'cödé' });
  });

  it('quantises the committed checkpoint within half an LSB of each tensor', () => {
    const q = quantiseCheckpoint(parseSafetensors(readFileSync(CKPT), 'ckpt'), 'ckpt');
    expect(q.map((t) => t.name)).to.deep.equal(MODEL_S_TENSOR_SPECS.map((s) => s.name));
    for (const t of q) {
      if (t.kind === 'bias') expect(t.frac).to.equal(BIAS_FRAC);
      let max = 0;
      for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(t.data[i]! / 2 ** t.frac - t.real[i]!));
      expect(max, t.name).to.be.at.most(2 ** -(t.frac + 1));
      // weights: the largest frac that fits, so at least one value uses the top half of int16
      if (t.kind === 'weight' && t.frac < 20) expect(Math.max(...Array.from(t.data, Math.abs)), t.name).to.be.above(16383);
    }
  });

  it('names the tensor and what was expected for each kind of bad checkpoint', () => {
    expect(errorOf(withTensor('g1_wx', () => ({ shape: [144, 31], data: new Float32Array(144 * 31) }))))
      .to.equal('bad.safetensors: tensor g1_wx: shape [144, 31], expected [144, 32]');
    expect(errorOf(committed().filter(([k]) => k !== 'd2_b'))).to.equal('bad.safetensors: tensor d2_b missing; expected float32 [20]');
    expect(errorOf(withTensor('g2_uh', (t) => { t.data[3 * 48 + 7] = NaN; return t; })))
      .to.equal('bad.safetensors: tensor g2_uh[3][7] is NaN; expected a finite number');
    expect(errorOf(withTensor('d1_w', (t) => { t.data[0] = Infinity; return t; })))
      .to.equal('bad.safetensors: tensor d1_w[0][0] is Infinity; expected a finite number');
    expect(errorOf(withTensor('g1_bx', (t) => { t.data[17] = 9.5; return t; })))
      .to.equal('bad.safetensors: tensor g1_bx[17] = 9.5: a bias must lie in [-8, 7.999755859375] (Q12 int16)');
    expect(errorOf(withTensor('d2_w', (t) => { t.data[5] = 200; return t; })))
      .to.match(/^bad\.safetensors: tensor d2_w: largest \|weight\| 200, expected at most 127\.99/);
    expect(errorOf([...committed(), ['extra', { shape: [1], data: new Float32Array(1) }]])).to.match(/unexpected tensor extra/);
    expect(() => parseSafetensors(Uint8Array.from([1, 2, 3]), 'short.bin')).to.throw(CheckpointError, /short\.bin: not a safetensors file/);
  });

  it('gen-weights.ts refuses a bad checkpoint with one line and exit 1, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hil-genw-'));
    try {
      const bad = join(dir, 'bad.safetensors');
      writeFileSync(bad, encodeSafetensors(withTensor('g1_uh', (t) => { t.data[0] = NaN; return t; })));
      const out = join(dir, 'out');
      const r = spawnSync(process.execPath, ['--import', 'tsx', GEN, '--checkpoint', bad, '--out-dir', out], { encoding: 'utf8' });
      expect(r.status).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.contain('tensor g1_uh[0][0] is NaN');
      expect(existsSync(out) ? readdirSync(out) : []).to.deep.equal([]);
      const ok = spawnSync(process.execPath, ['--import', 'tsx', GEN, '--checkpoint', CKPT, '--out-dir', out], { encoding: 'utf8' });
      expect(ok.status, ok.stderr).to.equal(0);
      expect(readdirSync(out).sort()).to.deep.equal(['ms_tables.c', 'ms_tables.h', 'ms_weights.c', 'ms_weights.h', 'weights-float.gen.ts', 'weights.gen.ts']);
      expect(readFileSync(join(out, 'ms_weights.c'), 'utf8')).to.equal(readFileSync(join(REPO_ROOT, 'firmware/models/model-s/ms_weights.c'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
