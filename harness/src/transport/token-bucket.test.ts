import { expect } from 'chai';

import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('starts full to the burst and grants no more than it holds', () => {
    const b = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 50 }, 0);
    expect(b.take(0, 80)).to.equal(50);
    expect(b.take(0, 10)).to.equal(0);
    expect(b.take(10, 100)).to.equal(10); // 10 ms at 1000 B/s
  });

  it('refills at the rate, in whole bytes, keeping the fraction', () => {
    const b = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 10 }, 0);
    b.take(0, 10);
    expect(b.take(1.5, 100)).to.equal(1);
    expect(b.take(2.0, 100)).to.equal(1); // 0.5 left over + 0.5 new
    let sent = 0;
    for (let t = 2.25; t <= 1002; t += 0.25) sent += b.take(t, 1000);
    expect(sent).to.equal(1000);
  });

  it('an idle bucket fills only to the burst', () => {
    const b = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 32 }, 0);
    b.take(0, 32); // everything granted: not held back
    expect(b.available(10_000)).to.equal(32);
    expect(b.take(10_000, 1000)).to.equal(32);
  });

  it('a held-back writer catches up after a late wake-up, so the average rate is exact', () => {
    const b = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 10 }, 0);
    expect(b.take(0, 10_000)).to.equal(10);
    // The writer meant to come back after 5 ms but its timer fired 20 ms late.
    expect(b.take(25, 10_000)).to.equal(25);
    let sent = 35;
    for (let t = 26; t <= 1000; t++) sent += b.take(t, 10_000);
    expect(sent).to.equal(1010); // burst + 1 s at 1000 B/s, nothing lost to lateness
  });

  it('catch-up is bounded by maxCatchUpMs', () => {
    const b = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 10, maxCatchUpMs: 50 }, 0);
    b.take(0, 10_000);
    expect(b.take(5000, 10_000)).to.equal(50);
  });

  it('delayMs says when the wanted bytes (at most a burst) will be there', () => {
    const b = new TokenBucket({ bytesPerSecond: 2000, burstBytes: 100 }, 0);
    expect(b.delayMs(0, 50)).to.equal(0);
    b.take(0, 100);
    expect(b.delayMs(0, 50)).to.equal(25);
    expect(b.delayMs(0, 10_000)).to.equal(50); // capped at the burst
    expect(b.delayMs(10, 50)).to.equal(15);
  });

  it('rejects a zero rate or burst', () => {
    expect(() => new TokenBucket({ bytesPerSecond: 0, burstBytes: 1 }, 0)).to.throw(RangeError);
    expect(() => new TokenBucket({ bytesPerSecond: 10, burstBytes: 0 }, 0)).to.throw(RangeError);
  });
});
