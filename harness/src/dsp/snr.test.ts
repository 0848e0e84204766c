import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { enhancement, snr } from './snr.ts';

const RATE = 16000;

function speechish(n: number, seed: number): Int16Array {
  const prng = new Prng(seed);
  return Int16Array.from({ length: n }, (_, i) => {
    const env = Math.floor(i / 4000) % 2 === 0 ? 1 : 0.05;
    return Math.round(env * (6000 * Math.sin(i / 7) + 2000 * (prng.next() - 0.5)));
  });
}

function noise(n: number, rms: number, seed: number): Float64Array {
  const prng = new Prng(seed);
  return Float64Array.from({ length: n }, () => (prng.next() * 2 - 1) * rms * Math.sqrt(3));
}

const power = (x: ArrayLike<number>) => Array.from(x).reduce((a, v) => a + v * v, 0) / x.length;

describe('snr', () => {
  const ref = speechish(32000, 1);
  const nz = noise(ref.length, Math.sqrt(power(ref)) / 10, 2); // 20 dB below the reference

  it('reads the SNR of reference + noise (20 dB)', () => {
    const test = Int16Array.from(ref, (v, i) => Math.round(v + nz[i]!));
    expect(snr(ref, test).snrDb).to.be.closeTo(20, 0.2);
  });

  it('is scale invariant: a gain change is not noise', () => {
    const test = Int16Array.from(ref, (v, i) => Math.round(0.25 * (v + nz[i]!)));
    const r = snr(ref, test);
    expect(r.snrDb).to.be.closeTo(20, 0.3);
    expect(r.gain).to.be.closeTo(0.25, 0.01);
  });

  it('aligns for a delay: a delayed copy is a perfect match only with the delay given', () => {
    const delayed = new Int16Array(ref.length + 160);
    delayed.set(ref, 160);
    expect(snr(ref, delayed, { delay: 160 }).snrDb).to.equal(Infinity);
    expect(snr(ref, delayed).snrDb).to.be.lessThan(3);
  });

  it('segmental SNR skips reference pauses and clamps to [-10, 35] dB', () => {
    const test = Int16Array.from(ref, (v, i) => Math.round(v + nz[i]!));
    const r = snr(ref, test, { rate: RATE });
    // loud halves: ~20 + 3 dB (noise is set against the mean power, loud frames carry ~2x); quiet halves are
    // 26 dB lower but within the 40 dB active range, so they count with a negative SNR
    expect(r.frames).to.equal(100);
    expect(r.segSnrDb).to.be.within(-5, 15);
    const clean = snr(ref, ref, { rate: RATE });
    expect(clean.segSnrDb).to.equal(35);
  });

  it('enhancement: a model that removes half the noise power improves the SNR by 3 dB', () => {
    const input = Int16Array.from(ref, (v, i) => Math.round(v + nz[i]!));
    const output = new Int16Array(ref.length + 160);
    for (let i = 0; i < ref.length; i++) output[i + 160] = Math.round(0.5 * (ref[i]! + nz[i]! / Math.SQRT2));
    const e = enhancement(ref, input, output, 160, RATE);
    expect(e.input.snrDb).to.be.closeTo(20, 0.2);
    expect(e.output.snrDb).to.be.closeTo(23, 0.3);
    expect(e.improvementDb).to.be.closeTo(3, 0.3);
  });
});
