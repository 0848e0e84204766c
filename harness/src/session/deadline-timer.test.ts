import { expect } from 'chai';

import { DeadlineTimer } from './deadline-timer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
});
