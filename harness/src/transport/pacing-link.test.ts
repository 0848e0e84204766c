import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { duplexLink } from './byte-link.ts';
import { memoryDuplexPair } from './memory-duplex.ts';
import { pacedLink, PacingStream, type PacingClock } from './pacing-link.ts';

/** A manual clock: timers fire only when the test advances time (optionally `lateMs` late). */
class FakeClock implements PacingClock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  constructor(private readonly lateMs = 0) {}
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms) + this.lateMs, fn, id });
    return id;
  }
  clearTimer(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  /** Advance to `until` in `step` ms steps, firing due timers and letting streams run between. */
  async runUntil(until: number, step = 0.25): Promise<void> {
    while (this.t < until) {
      this.t = Math.min(until, this.t + step);
      for (;;) {
        const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        this.clearTimer(due.id);
        due.fn();
      }
      await new Promise((r) => setImmediate(r));
    }
  }
}

function collect(s: NodeJS.ReadableStream): Buffer[] {
  const out: Buffer[] = [];
  s.on('data', (b: Buffer) => out.push(b));
  return out;
}

const total = (bs: Buffer[]): number => bs.reduce((n, b) => n + b.length, 0);

describe('PacingStream / pacedLink', () => {
  const data = Buffer.from(new Prng(7).bytes(30_000));

  it('releases bytes at the rate: after t seconds, burst + rate x t, in order and unchanged', async () => {
    const clock = new FakeClock();
    const s = new PacingStream(11_520, 32, clock);
    const out = collect(s);
    for (let i = 0; i < data.length; i += 459) s.write(data.subarray(i, i + 459));
    await clock.runUntil(1000);
    expect(total(out)).to.be.within(11_520 + 32 - 16, 11_520 + 32); // within a wake-up granule
    expect(s.bytes).to.equal(total(out));
    await clock.runUntil(3000);
    expect(Buffer.concat(out).equals(data)).to.equal(true);
  });

  it('keeps the average rate exact when every timer fires 3 ms late', async () => {
    const clock = new FakeClock(3);
    const s = new PacingStream(11_520, 32, clock);
    const out = collect(s);
    s.write(data);
    await clock.runUntil(1000);
    // Each late wake-up releases what accrued meanwhile: at most one wake-up (granule + 3 ms) behind.
    expect(total(out)).to.be.within(11_520 + 32 - 16 - 35, 11_520 + 32);
  });

  it('an idle stream sends at most one burst at once after a pause', async () => {
    const clock = new FakeClock();
    const s = new PacingStream(1000, 40, clock);
    const out = collect(s);
    await clock.runUntil(5000);
    s.write(data.subarray(0, 1000));
    await clock.runUntil(5000.01, 0.01);
    expect(total(out)).to.equal(40);
    await clock.runUntil(5100);
    expect(total(out)).to.be.within(40 + 100 - 20, 40 + 100);
  });

  it('paces both directions of a link independently (full duplex) and counts bytes', async () => {
    const clock = new FakeClock();
    const [host, dev] = memoryDuplexPair();
    const link = pacedLink(duplexLink(host, 'mem'), { baud: 115_200, clock, burstBytes: 32 });
    expect(link.bytesPerSecond).to.equal(11_520);
    expect(link.description).to.equal('mem @115200 baud');
    const atDevice = collect(dev);
    const atHost = collect(link.input);
    link.output.write(data);
    dev.write(data);
    await clock.runUntil(500);
    for (const got of [total(atDevice), total(atHost)]) expect(got).to.be.within(5760 + 32 - 16, 5760 + 32);
    expect(link.counts.toDevice).to.equal(total(atDevice));
    expect(link.counts.fromDevice).to.equal(total(atHost));
    await clock.runUntil(3000);
    expect(Buffer.concat(atDevice).equals(data)).to.equal(true);
    expect(Buffer.concat(atHost).equals(data)).to.equal(true);
    await link.close();
  });

  it('adds a fixed latency on top of the line time, keeping order, and ends after the delayed bytes', async () => {
    const clock = new FakeClock();
    const s = new PacingStream(1000, 40, clock, 16);
    const out = collect(s);
    const ended = new Promise((r) => s.on('end', r));
    s.write(data.subarray(0, 100));
    s.end();
    await clock.runUntil(15.9, 0.1);
    expect(total(out)).to.equal(0); // the first burst was released at t=0 but is still in flight
    await clock.runUntil(16.05, 0.05);
    expect(total(out)).to.equal(40);
    await clock.runUntil(200);
    await ended;
    expect(Buffer.concat(out).equals(data.subarray(0, 100))).to.equal(true);
    expect(() => new PacingStream(1000, 40, clock, -1)).to.throw(RangeError);
  });

  it('rejects impossible line settings', () => {
    const [host] = memoryDuplexPair();
    expect(() => pacedLink(duplexLink(host, 'x'), { baud: 0 })).to.throw(RangeError);
    expect(() => pacedLink(duplexLink(host, 'x'), { baud: 9600, bitsPerByte: 5 })).to.throw(RangeError);
    host.destroy();
  });
});
