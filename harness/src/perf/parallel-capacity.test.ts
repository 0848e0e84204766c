import { expect } from 'chai';

import { bracket, describeCapacity, isContended, median, REFERENCE_SPIN_SECONDS, scalingCeiling, summarizeCapacity, type SpinSample } from './parallel-capacity.ts';

const spin = (wallSeconds: number, cpuSeconds = wallSeconds, checksum = 7): SpinSample => ({ wallSeconds, cpuSeconds, checksum });
const extra = { at: '2026-12-01T00:00:00.000Z', loadAverage: [0.1, 0.2, 0.3], reference: 0.5 };

describe('parallel capacity', () => {
  it('is about 2 when two spins at once take as long as one alone (two idle cores)', () => {
    const m = summarizeCapacity(2, [spin(0.5), spin(0.52), spin(0.5)], [[spin(0.5), spin(0.5)], [spin(0.51), spin(0.49)], [spin(0.6), spin(0.6)]], extra);
    expect(m.singleSeconds).to.equal(0.5);
    expect(m.parallelSeconds).to.equal(0.5);
    expect(m.parallelCapacity).to.equal(2);
    expect(m.coreSpeed).to.equal(1);
    expect(m.singleShare).to.equal(1);
    expect(m.singleSpeed).to.equal(1);
    expect(m.repeats).to.equal(3);
  });

  it('is about 1 when two spins at once each run twice as long (one core\'s worth)', () => {
    const m = summarizeCapacity(2, [spin(0.5)], [[spin(0.95, 0.5), spin(1.05, 0.5)]], extra);
    expect(m.parallelCapacity).to.equal(1);
    expect(isContended(m, 2)).to.equal(true);
    expect(scalingCeiling(m.parallelCapacity, 2)).to.equal(1);
  });

  it('tells a slow core (CPU time up) from a busy one (a lone process gets less than a core)', () => {
    const slow = summarizeCapacity(2, [spin(0.65, 0.65)], [[spin(0.65), spin(0.65)]], extra);
    expect(slow.coreSpeed).to.be.closeTo(0.5 / 0.65, 1e-3);
    expect(slow.singleShare).to.equal(1);
    expect(isContended(slow, 2)).to.equal(false);
    const busy = summarizeCapacity(2, [spin(1, 0.5)], [[spin(1.5, 0.5), spin(1.5, 0.5)]], extra);
    expect(busy.coreSpeed).to.equal(1);
    expect(busy.singleShare).to.equal(0.5);
    expect(busy.singleSpeed).to.equal(0.5);
    expect(busy.parallelCapacity).to.be.closeTo(4 / 3, 1e-3);
    expect(isContended(busy, 2)).to.equal(true);
    expect(describeCapacity(busy)).to.contain('parallel capacity 1.33 of 2').and.contain('one core 1.00x the reference speed');
  });

  it('uses the reference constant by default and refuses a spin that is not the fixed workload', () => {
    const m = summarizeCapacity(1, [spin(REFERENCE_SPIN_SECONDS)], [[spin(REFERENCE_SPIN_SECONDS)]], { at: extra.at, loadAverage: [] });
    expect(m.coreSpeed).to.equal(1);
    expect(() => summarizeCapacity(2, [spin(0.5)], [[spin(0.5), spin(0.5, 0.5, 8)]], extra)).to.throw(/checksums differ/);
    expect(() => summarizeCapacity(2, [spin(0.5)], [[spin(0.5)]], extra)).to.throw(RangeError);
    expect(() => summarizeCapacity(2, [], [], extra)).to.throw(RangeError);
  });

  it('caps the ceiling at the job count and never below 1', () => {
    expect(scalingCeiling(2.04, 2)).to.equal(2);
    expect(scalingCeiling(1.6, 2)).to.equal(1.6);
    expect(scalingCeiling(0.8, 2)).to.equal(1);
  });

  it('brackets a benchmark with the measurements before and after it', () => {
    const idle = summarizeCapacity(2, [spin(0.5)], [[spin(0.5), spin(0.5)]], extra);
    const busy = summarizeCapacity(2, [spin(0.5)], [[spin(0.8), spin(0.8)]], extra);
    const b = bracket(idle, busy);
    expect(b.higher).to.equal(2);
    expect(b.lower).to.equal(1.25);
    expect(b.mean).to.equal(1.625);
    expect(b.changed).to.equal(true);
    expect(bracket(idle, idle).changed).to.equal(false);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([3, 1, 2, 4])).to.equal(2.5);
    expect(median([])).to.be.NaN;
  });
});
