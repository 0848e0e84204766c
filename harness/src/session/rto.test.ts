import { expect } from 'chai';
import { olderTx } from './request-pipe.ts';
import { MAX_BACKOFF, RtoEstimator } from './rto.ts';

describe('RtoEstimator', () => {
  it('starts at the initial value, adapts to samples, never goes below the floor', () => {
    const r = new RtoEstimator({ initialMs: 200, minMs: 20, maxMs: 4000 });
    expect(r.rtoMs).to.equal(200);
    for (let i = 0; i < 50; i++) r.sample(1);
    expect(r.rtoMs).to.equal(20);
    for (let i = 0; i < 50; i++) r.sample(100);
    expect(r.rtoMs).to.be.within(199, 260); // about twice the smoothed round trip
  });

  it('backs off on expiry up to MAX_BACKOFF times the estimate; the next sample clears it', () => {
    const r = new RtoEstimator({ initialMs: 50, minMs: 50, maxMs: 100_000 });
    for (let i = 0; i < 10; i++) r.backoff();
    expect(r.rtoMs).to.equal(50 * MAX_BACKOFF);
    r.sample(10);
    expect(r.rtoMs).to.equal(50);
  });
});

describe('olderTx (16-bit serial order)', () => {
  it('orders tags across the wrap', () => {
    expect(olderTx(1, 2)).to.equal(true);
    expect(olderTx(2, 1)).to.equal(false);
    expect(olderTx(5, 5)).to.equal(false);
    expect(olderTx(0xfffe, 3)).to.equal(true);
    expect(olderTx(3, 0xfffe)).to.equal(false);
    // framing v2's 7-bit tags
    expect(olderTx(126, 2, 128)).to.equal(true);
    expect(olderTx(2, 126, 128)).to.equal(false);
    expect(olderTx(5, 5, 128)).to.equal(false);
  });
});
