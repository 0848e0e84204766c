import * as chai from 'chai';
import { expect } from 'chai';

import { builtinProfile } from '../config/builtin-profiles.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { hilChai } from './chai-plugin.ts';
import type { Processed, ProcessedCase } from './connect.ts';

chai.use(hilChai);

function info(o: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    proto: 1, fw: 'fw', fwVersion: '0', build: 'b', board: 'qemu-mps2-an386', model: 'model-s', modelVersion: '0', modelDesc: '', weights: '0',
    rate: 16000, hop: 160, format: 's16le', channels: 1, latency: 0, clock: 0, counter: 'icount', window: 8, history: 8, maxPayload: 1024, params: [],
    ...o,
  };
}

function processed(output: Int16Array, counts: number[], o: Partial<DeviceInfo> = {}): Processed {
  return { input: output, output, counts: Uint32Array.from(counts), frames: counts.length, params: {}, wallMs: 1, info: info(o), profile: builtinProfile('qemu') };
}

/** Deterministic samples and a copy with one sample off by `delta`. */
function pair(n: number, at: number, delta = 1): { a: Int16Array; b: Int16Array } {
  const a = Int16Array.from({ length: n }, (_, i) => ((i * 7919) % 2000) - 1000);
  const b = a.slice();
  b[at] = b[at]! + delta;
  return { a, b };
}

function failure(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(chai.AssertionError);
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('chai plugin (hilChai)', () => {
  it('bitExactWith passes on equal samples and names sample, frame and time of the first mismatch', () => {
    const { a, b } = pair(16000, 6407);
    expect(processed(a, [1])).to.be.bitExactWith(a.slice());
    const msg = failure(() => expect(processed(b, [1])).to.be.bitExactWith(a));
    expect(msg).to.include('1 of 16000 samples differ, max 1 LSB');
    expect(msg).to.include('first at sample 6407 (frame 40, 0.4004 s)');
    expect(failure(() => expect(processed(a, [1])).not.to.be.bitExactWith(a))).to.include('it is bit-exact');
  });

  it("takes the frame geometry from the device's handshake (hop 80 at 8 kHz)", () => {
    const { a, b } = pair(8000, 6407);
    expect(failure(() => expect(processed(b, [1], { hop: 80, rate: 8000 })).to.be.bitExactWith(a))).to.include('sample 6407 (frame 80, 0.8009 s)');
    expect(failure(() => expect(b).to.be.bitExactWith(a, { hop: 80, rate: 8000 }))).to.include('(frame 80, 0.8009 s)');
    expect(failure(() => expect(b).to.be.bitExactWith(a))).to.include('(frame 40, 0.4004 s)'); // bare arrays: 160 @ 16 kHz
  });

  it("matchGolden() uses a processCase() result's own golden and tolerance", () => {
    const { a, b } = pair(1600, 100, 2);
    const c: ProcessedCase = { ...processed(b, [1]), golden: a, tolerance: { mode: 'max-lsb', maxLsb: 2 }, case: {} as ProcessedCase['case'] };
    expect(c).to.matchGolden();
    expect(failure(() => expect({ ...c, tolerance: { mode: 'max-lsb', maxLsb: 1 } }).to.matchGolden())).to.include('max difference 1 LSB violated');
    expect(failure(() => expect(c).to.matchGolden(a, { mode: 'bit-exact' }))).to.include('bit-exact violated');
  });

  it('meetRealTime computes the margin from counts, clock and CPI, with the figures in the message', () => {
    // qemu profile: 100 MHz, CPI 1.25, hop 160 @ 16 kHz -> 1,000,000-cycle budget
    const r = processed(new Int16Array(480), [600_000, 640_000, 620_000]); // worst 800,000 est. cycles: margin 20 %
    expect(r).to.meetRealTime({ requiredMargin: 0.1 });
    const msg = failure(() => expect(r).to.meetRealTime({ requiredMargin: 0.25 }));
    expect(msg).to.include('worst frame 1 takes 800000 estimated cycles');
    expect(msg).to.include('1000000-cycle budget');
    expect(msg).to.include('margin 20.0 %, required 25.0 %');
    expect(r).not.to.meetRealTime({ clockHz: 80e6, requiredMargin: 0.1 }); // 800,000 budget: margin 0
  });

  it('meetRealTime without a counter is not applicable: the assertion and its negation both fail', () => {
    const r = processed(new Int16Array(160), [0], { counter: 'none' });
    expect(failure(() => expect(r).to.meetRealTime())).to.include('not applicable');
    expect(failure(() => expect(r).not.to.meetRealTime())).to.include('not applicable');
  });

  it('refuses what is neither a process() result nor samples, with a clear TypeError', () => {
    expect(() => expect([1, 2, 3]).to.be.bitExactWith(new Int16Array(3))).to.throw(TypeError, /expected the result of device.process\(\) or an Int16Array/);
    expect(() => expect(new Int16Array(3)).to.matchGolden()).to.throw(TypeError, /no golden samples given/);
  });
});
