import { expect } from 'chai';

import { besselI0, kaiserWindow, resampleFilter, resamplePoly } from './resample.ts';

const sine = (n: number, freq: number, rate: number, amp: number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
const rms = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0) / x.length);

/** Interior samples, away from the filter's edge transients. */
const EDGE = 100;
const interior = (x: Float64Array): Float64Array => x.subarray(EDGE, x.length - EDGE);

describe('resamplePoly', () => {
  it('16 kHz -> 10 kHz keeps a 1 kHz sine a 1 kHz sine of the same amplitude and phase', () => {
    const y = resamplePoly(sine(16000, 1000, 16000, 10000), 5, 8);
    expect(y).to.have.length(10000);
    const expected = sine(10000, 1000, 10000, 10000);
    let maxErr = 0;
    for (let m = EDGE; m < y.length - EDGE; m++) maxErr = Math.max(maxErr, Math.abs(y[m]! - expected[m]!));
    expect(maxErr).to.be.lessThan(2); // 2e-4 of the amplitude (measured 0.72)
    expect(rms(interior(y)) * Math.SQRT2).to.be.closeTo(10000, 10);
    // frequency: 2 zero crossings per period, 1000 periods in 1 s
    let crossings = 0;
    for (let m = 1; m < y.length; m++) if (y[m - 1]! < 0 !== y[m]! < 0) crossings++;
    expect(crossings).to.be.within(1998, 2000);
  });

  it('16 kHz -> 10 kHz attenuates a 7 kHz sine (above the new Nyquist) by more than 40 dB', () => {
    const x = sine(16000, 7000, 16000, 10000);
    const y = resamplePoly(x, 5, 8);
    expect(20 * Math.log10(rms(interior(y)) / rms(x))).to.be.lessThan(-40);
  });

  it('upsamples too: 8 kHz -> 10 kHz keeps a 1 kHz sine', () => {
    const y = resamplePoly(sine(8000, 1000, 8000, 1), 5, 4);
    expect(y).to.have.length(10000);
    const expected = sine(10000, 1000, 10000, 1);
    for (let m = EDGE; m < y.length - EDGE; m += 37) expect(y[m]).to.be.closeTo(expected[m]!, 1e-3);
  });

  it('has unit DC gain away from the edges, and output length ceil(n * up / down)', () => {
    const y = resamplePoly(new Float64Array(1001).fill(1), 5, 8);
    expect(y).to.have.length(626);
    for (const v of interior(y)) expect(v).to.be.closeTo(1, 1e-3);
    expect(resamplePoly(new Float64Array(7), 5, 8)).to.have.length(5);
    expect(resamplePoly(new Float64Array(0), 5, 8)).to.have.length(0);
  });

  it('reduces up/down by their gcd, and returns a copy for equal rates', () => {
    const x = sine(999, 440, 16000, 1);
    expect(resamplePoly(x, 10, 16)).to.deep.equal(resamplePoly(x, 5, 8));
    const same = resamplePoly(x, 3, 3);
    expect(same).to.deep.equal(x);
    expect(same).to.not.equal(x);
  });

  it('designs the scipy filter: 2 * 10 * max(up, down) + 1 symmetric taps summing to up', () => {
    const h = resampleFilter(5, 8);
    expect(h).to.have.length(161);
    expect(h.reduce((a, v) => a + v, 0)).to.be.closeTo(5, 1e-12);
    for (let n = 0; n < 80; n++) expect(h[n]).to.be.closeTo(h[160 - n]!, 1e-15);
    expect(h[80]).to.be.closeTo(5 / 8, 1e-2); // sinc peak cutoff * up, windowed and normalised
    expect(besselI0(0)).to.equal(1);
    expect(besselI0(5)).to.be.closeTo(27.239871823604442, 1e-12); // scipy.special.i0(5)
    const w = kaiserWindow(5, 5);
    expect(w[2]).to.equal(1);
    expect(w[0]).to.be.closeTo(1 / 27.239871823604442, 1e-15);
  });

  it('rejects non-integer or non-positive factors', () => {
    expect(() => resamplePoly([1, 2, 3], 0, 8)).to.throw(RangeError, /up must be a positive integer/);
    expect(() => resamplePoly([1, 2, 3], 5, 2.5)).to.throw(RangeError, /down must be a positive integer/);
  });
});
