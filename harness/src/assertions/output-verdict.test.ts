import { createHash } from 'node:crypto';

import { expect } from 'chai';

import { checkOutput, hashSamples, snrDb } from './output-verdict.ts';

const base = { hop: 160, rate: 16000 };

function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((i * 37) % 2000) - 1000);
}

describe('output verdicts', () => {
  it('passes identical output bit-exact with equal hashes', () => {
    const g = ramp(1000);
    const v = checkOutput({ ...base, output: g.slice(), golden: g, tolerance: { mode: 'bit-exact' } });
    expect(v.status).to.equal('pass');
    expect(v.mismatches).to.equal(0);
    expect(v.outputHash).to.equal(v.goldenHash);
    expect(v.snrDb).to.equal(Infinity);
  });

  it('locates the first mismatch by sample, frame and time', () => {
    const g = ramp(1000);
    const o = g.slice();
    o[485] = (o[485]! + 3) as number;
    o[900] = (o[900]! - 7) as number;
    const v = checkOutput({ ...base, output: o, golden: g, tolerance: { mode: 'bit-exact' } });
    expect(v.status).to.equal('fail');
    expect(v.mismatches).to.equal(2);
    expect(v.firstMismatch).to.deep.equal({ sample: 485, frame: 3, timeS: 485 / 16000, got: o[485], want: g[485] });
    expect(v.maxAbsDiffLsb).to.equal(7);
    expect(v.outputHash).to.not.equal(v.goldenHash);
    expect(v.message).to.contain('sample 485').and.contain('frame 3');
  });

  it('applies max-lsb and snr tolerances', () => {
    const g = ramp(1000);
    const o = g.map((x, i) => (i % 10 === 0 ? x + 2 : x));
    expect(checkOutput({ ...base, output: o, golden: g, tolerance: { mode: 'max-lsb', maxLsb: 2 } }).status).to.equal('pass');
    expect(checkOutput({ ...base, output: o, golden: g, tolerance: { mode: 'max-lsb', maxLsb: 1 } }).status).to.equal('fail');
    const snr = snrDb(g, o);
    expect(checkOutput({ ...base, output: o, golden: g, tolerance: { mode: 'snr', minSnrDb: snr - 0.1 } }).status).to.equal('pass');
    expect(checkOutput({ ...base, output: o, golden: g, tolerance: { mode: 'snr', minSnrDb: snr + 0.1 } }).status).to.equal('fail');
  });

  it('fails a length mismatch even when the common part is equal', () => {
    const g = ramp(1000);
    const v = checkOutput({ ...base, output: g.slice(0, 990), golden: g, tolerance: { mode: 'bit-exact' } });
    expect(v.status).to.equal('fail');
    expect(v.firstMismatch?.sample).to.equal(990);
    expect(v.message).to.contain('990 samples, golden 1000');
  });

  it('hashes are content hashes', () => {
    expect(hashSamples(new Int16Array([1, 2]))).to.not.equal(hashSamples(new Int16Array([2, 1])));
    expect(hashSamples(new Int16Array([1, 2]))).to.match(/^[0-9a-f]{16}$/);
  });

  it('hashes the samples as int16 little-endian, also for a view into a larger buffer', () => {
    const all = ramp(1000);
    const view = all.subarray(123, 777);
    const le = Buffer.alloc(view.length * 2);
    view.forEach((x, i) => le.writeInt16LE(x, 2 * i));
    expect(hashSamples(view)).to.equal(createHash('sha256').update(le).digest('hex').slice(0, 16));
    // the identical-output fast path compares the views' bytes only, not the whole buffers
    const v = checkOutput({ ...base, output: view, golden: Int16Array.from(view), tolerance: { mode: 'snr', minSnrDb: 90 } });
    expect(v).to.include({ status: 'pass', mismatches: 0, maxAbsDiffLsb: 0, snrDb: Infinity, outputHash: hashSamples(view), goldenHash: hashSamples(view) });
    expect(checkOutput({ ...base, output: all.subarray(124, 778), golden: view, tolerance: { mode: 'bit-exact' } }).status).to.equal('fail');
  });
});
