import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { clippedSamples, crestFactorDb, noiseFloorDbfs, peakDbfs, rmsDbfs } from './levels.ts';

const sine = (n: number, amp: number, hz: number, rate = 16000) =>
  Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));

describe('levels', () => {
  it('a full-scale sine is -3.01 dBFS RMS and ~0 dBFS peak', () => {
    const x = sine(16000, 32767, 1000);
    expect(rmsDbfs(x)).to.be.closeTo(-3.0103, 0.01);
    expect(peakDbfs(x)).to.be.closeTo(0, 0.001);
  });

  it('a -20 dBFS square wave reads -20 dB both ways; silence is -Infinity', () => {
    const x = Int16Array.from({ length: 1600 }, (_, i) => (i % 20 < 10 ? 3277 : -3277));
    expect(rmsDbfs(x)).to.be.closeTo(-20, 0.01);
    expect(peakDbfs(x)).to.be.closeTo(-20, 0.01);
    expect(rmsDbfs(new Int16Array(10))).to.equal(-Infinity);
  });

  it('crest factor: 3.01 dB for a sine, 0 dB for a square, NaN for silence', () => {
    expect(crestFactorDb(sine(16000, 10000, 1000))).to.be.closeTo(3.0103, 0.01);
    expect(crestFactorDb(Int16Array.from({ length: 160 }, (_, i) => (i % 2 ? 500 : -500)))).to.be.closeTo(0, 1e-9);
    expect(crestFactorDb(new Int16Array(160))).to.be.NaN;
  });

  it('noise floor: the 10th percentile of 10 ms frames finds the background under bursts', () => {
    const prng = new Prng(7);
    const amp = 32768 * 10 ** (-60 / 20) * Math.sqrt(3); // uniform noise at -60 dBFS RMS
    const x = new Int16Array(16000 * 4);
    for (let i = 0; i < x.length; i++) {
      const loud = Math.floor(i / 8000) % 2 === 0; // 0.5 s bursts at -10 dBFS, 50 %
      x[i] = Math.round((prng.next() * 2 - 1) * amp + (loud ? 10362 * Math.sin(i / 3) : 0));
    }
    expect(noiseFloorDbfs(x, 16000)).to.be.closeTo(-60, 1);
    expect(rmsDbfs(x)).to.be.greaterThan(-20);
  });

  describe('clippedSamples', () => {
    it('counts every sample at the int16 rails, alone or in runs', () => {
      const x = new Int16Array([0, 32767, 0, -32768, -32768, 100, 32767, 32767, 32767, 0]);
      expect(clippedSamples(x)).to.deep.equal({ samples: 6, atRails: 6, runs: 3 });
    });

    it('counts flat tops of 3+ samples at the signal extreme (a -1 dBFS hard limiter)', () => {
      const t = 29204; // model S limiter threshold at -1 dBFS
      const x = Int16Array.from({ length: 1600 }, (_, i) => Math.max(-t, Math.min(t, Math.round(40000 * Math.sin((2 * Math.PI * 200 * i) / 16000)))));
      const c = clippedSamples(x);
      expect(c.atRails).to.equal(0);
      expect(c.samples).to.be.greaterThan(100);
      expect(c.runs).to.equal(2 * 20); // one flat top per half period, 20 periods
    });

    it('an unclipped full-scale sine and a quiet slow sine have no clipped samples', () => {
      expect(clippedSamples(sine(16000, 32000, 1000)).samples).to.equal(0);
      // 20 Hz at -40 dBFS holds its peak value for several samples: below the -20 dBFS floor
      expect(clippedSamples(sine(16000, 328, 20)).samples).to.equal(0);
    });
  });
});
