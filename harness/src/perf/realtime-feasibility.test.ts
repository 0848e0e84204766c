import { expect } from 'chai';

import { hilFraming, mlperfTinyFraming } from './link-efficiency.ts';
import { linkFeasibilityRecord, realtimeFeasibility } from './realtime-feasibility.ts';

describe('real-time feasibility', () => {
  const ref = { rate: 16000, hop: 160 };

  it('115200 baud cannot carry 16 kHz: link-bound at about a quarter of real time', () => {
    const f = realtimeFeasibility({ ...ref, baud: 115200 });
    expect(f.feasible).to.equal(false);
    expect(f.level).to.equal('infeasible');
    expect(f.bottleneck).to.equal('deviceToHost');
    expect(f.deviceToHost.requiredBytesPerSecond).to.equal(45900); // 100 RESULT lines of 459 bytes
    expect(f.hostToDevice.requiredBytesPerSecond).to.equal(44700);
    expect(f.ratio).to.be.closeTo(11520 / 45900, 1e-12);
    expect(f.message).to.contain('link-bound').and.contain('115200').and.contain('0.25x real time');
  });

  it('460800 baud fits, but with less than 1% headroom: tight', () => {
    const f = realtimeFeasibility({ ...ref, baud: 460800 });
    expect(f.feasible).to.equal(true);
    expect(f.level).to.equal('tight');
    expect(f.ratio).to.be.closeTo(46080 / 45900, 1e-12);
    expect(f.message).to.contain('headroom');
  });

  it('921600 baud fits with about 2x to spare', () => {
    const f = realtimeFeasibility({ ...ref, baud: 921600 });
    expect(f.level).to.equal('ok');
    expect(f.ratio).to.be.closeTo(92160 / 45900, 1e-12);
    expect(f.deviceToHost.utilisation).to.be.closeTo(45900 / 92160, 1e-12);
    expect(f.message).to.match(/^real time fits/);
  });

  it('accounts for the sample rate and the framing', () => {
    expect(realtimeFeasibility({ rate: 8000, hop: 160, baud: 460800 }).level).to.equal('ok');
    const m = realtimeFeasibility({ ...ref, baud: 921600, framing: mlperfTinyFraming(160) });
    expect(m.bottleneck).to.equal('hostToDevice'); // hex down, acknowledgements up
    expect(m.ratio).to.be.below(realtimeFeasibility({ ...ref, baud: 921600 }).ratio);
  });

  it('makes the report record (target.linkFeasibility) of a board link', () => {
    const r = linkFeasibilityRecord(115200, 16000, 160);
    expect(r).to.include({ baud: 115200, rate: 16000, hop: 160, level: 'infeasible', bottleneck: 'deviceToHost' });
    expect(r.maxRealTimeFactor).to.be.closeTo(11520 / 45900, 1e-12);
    expect(r.message).to.match(/^link-bound: 115200 baud/);
    expect(linkFeasibilityRecord(921600, 16000, 160).level).to.equal('ok');
  });

  it('refuses a framing built for another frame size and impossible rates', () => {
    expect(() => realtimeFeasibility({ ...ref, baud: 921600, framing: hilFraming(80) })).to.throw(RangeError);
    expect(() => realtimeFeasibility({ rate: 0, hop: 160, baud: 921600 })).to.throw(RangeError);
    expect(() => realtimeFeasibility({ ...ref, baud: -1 })).to.throw(RangeError);
  });
});
