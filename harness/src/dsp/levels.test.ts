import { expect } from 'chai';

import { peakDbfs, rmsDbfs } from './levels.ts';

describe('levels', () => {
  it('a full-scale sine is -3.01 dBFS RMS and ~0 dBFS peak', () => {
    const x = Int16Array.from({ length: 16000 }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
    expect(rmsDbfs(x)).to.be.closeTo(-3.0103, 0.01);
    expect(peakDbfs(x)).to.be.closeTo(0, 0.001);
  });

  it('a -20 dBFS square wave reads -20 dB both ways; silence is -Infinity', () => {
    const x = Int16Array.from({ length: 1600 }, (_, i) => (i % 20 < 10 ? 3277 : -3277));
    expect(rmsDbfs(x)).to.be.closeTo(-20, 0.01);
    expect(peakDbfs(x)).to.be.closeTo(-20, 0.01);
    expect(rmsDbfs(new Int16Array(10))).to.equal(-Infinity);
  });
});
