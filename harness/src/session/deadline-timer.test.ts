import { expect } from 'chai';

import { DeadlineTimer, type TimerFunctions } from './deadline-timer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A clock and timers that move only when told to (advance): deterministic schedules. */
class FakeTime implements TimerFunctions {
  now = 0;
  private next = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Move the clock to `t`, running the timers due on the way in order. */
  advance(t: number): void {
    for (;;) {
      const due = [...this.pending].filter(([, p]) => p.at <= t).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = t;
  }
}

describe('DeadlineTimer', () => {
  it('a deadline moved later many times expires once, never before the last setting', async () => {
    let fired: number[] = [];
    const t = new DeadlineTimer(() => void fired.push(performance.now()));
    let lastSet = 0;
    for (let i = 0; i < 20; i++) {
      lastSet = performance.now();
      t.set(30);
      await sleep(5);
    }
    expect(fired).to.deep.equal([]);
    while (t.armed) await sleep(5);
    expect(fired).to.have.length(1);
    // setTimeout's own granularity: up to a millisecond early against performance.now().
    expect(fired[0]! - lastSet).to.be.at.least(29);
    fired = [];
    await sleep(50);
    expect(fired).to.deep.equal([]);
  });

  it('an earlier deadline replaces a later pending one', async () => {
    let fired = 0;
    const t = new DeadlineTimer(() => void fired++);
    t.set(60_000);
    t.set(10);
    while (t.armed) await sleep(5); // the mocha timeout is the hang guard
    expect(fired).to.equal(1);
  });

  it('clear() cancels, and the timer can be set again', async () => {
    let fired = 0;
    const t = new DeadlineTimer(() => void fired++);
    t.set(10);
    t.clear();
    expect(t.armed).to.equal(false);
    await sleep(40);
    expect(fired).to.equal(0);
    t.set(5);
    while (t.armed) await sleep(5);
    expect(fired).to.equal(1);
  });

  it('follows an injected clock: a wake-up before the deadline re-arms for the rest', async () => {
    let clock = 0;
    let fired = 0;
    const t = new DeadlineTimer(() => void fired++, () => clock);
    t.set(10); // the real timer fires after ~10 ms, but the injected clock has not moved
    await sleep(40);
    expect(fired).to.equal(0);
    expect(t.armed).to.equal(true);
    clock = 10;
    while (t.armed) await sleep(5);
    expect(fired).to.equal(1);
  });

  it('a deadline moved at least every half period never wakes the loop early; it expires exactly ms after the last setting', () => {
    const time = new FakeTime();
    const expired: number[] = [];
    const t = new DeadlineTimer(() => void expired.push(time.now), () => time.now, time);
    // a stream's retransmission timer: 150 ms, moved on every batch of answers (every 30 ms) for 3 s
    for (let at = 0; at <= 3000; at += 30) {
      time.advance(at);
      t.set(150);
    }
    expect(t.wakeUps, 'no wake-up while the deadline keeps moving').to.equal(0);
    time.advance(3000 + 149);
    expect(expired).to.deep.equal([]);
    time.advance(3000 + 400);
    expect(expired).to.deep.equal([3150]);
    expect(t.wakeUps, 'the expiry, and at most one early wake-up before it').to.be.within(1, 2);
  });

  it('moved less often than every half period: at most one early wake-up per period, then exact expiry', () => {
    const time = new FakeTime();
    const expired: number[] = [];
    const t = new DeadlineTimer(() => void expired.push(time.now), () => time.now, time);
    for (let at = 0; at <= 1000; at += 90) {
      time.advance(at);
      t.set(150);
    }
    // sets at 0, 90, ..., 990: the one pending timer fires early at most once per 150 ms
    expect(t.wakeUps).to.be.at.most(Math.ceil(1000 / 150));
    time.advance(5000);
    expect(expired).to.deep.equal([990 + 150]);
  });
});
