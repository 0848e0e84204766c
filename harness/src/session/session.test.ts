import { expect } from 'chai';
import { Duplex } from 'node:stream';

import { HarnessError } from '../core/errors.ts';
import { Prng } from '../core/prng.ts';
import { MsgType } from '../protocol/messages.ts';
import { duplexLink } from '../transport/byte-link.ts';
import { faultyLink } from '../transport/faulty-link.ts';
import { memoryDuplexPair } from '../transport/memory-duplex.ts';
import { FakeDevice } from './fake-device.ts';
import { applyFakeGain, fakeGainQ15 } from './fake-model.ts';
import { Session, type SessionOptions } from './session.ts';

/** The expected output of the fake gain, computed here independently of the session. */
function gained(input: Int16Array, db: number): Int16Array {
  const g = fakeGainQ15(Math.round(db * 256));
  return input.map((x) => applyFakeGain(x, g));
}

function firstDiff(a: Int16Array, b: Int16Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

async function rejection(p: Promise<unknown>): Promise<HarnessError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessError);
    return e as HarnessError;
  }
  throw new Error('expected a rejection');
}

function open(dev: FakeDevice, opts: Partial<SessionOptions> = {}): Promise<Session> {
  return Session.open(dev.hostLink, { target: 'fake:gain', minRtoMs: 5, rtoMs: 50, ...opts });
}

const tenSeconds = new Prng(0xa0d10).int16(160_000);

describe('Session against the fake device', function () {
  this.timeout(60_000);

  it('handshakes and reports the device identity, window and parameters', async () => {
    const dev = new FakeDevice({ bootReason: 'power-on', window: 4 });
    const s = await open(dev);
    try {
      expect(s.info).to.deep.include({ fw: 'fake-device', hop: 160, rate: 16000, window: 4, counter: 'none' });
      expect(s.info.params.map((p) => p.name)).to.deep.equal(['gain_db', 'mute']);
      expect(s.effectiveWindow).to.equal(4);
      expect(s.boot?.reason).to.equal('power-on');
      expect(dev.stats.hellos).to.be.at.least(1);
    } finally {
      await s.close();
    }
  });

  it('sets and gets parameters in real units, checking the range locally first', async () => {
    const dev = new FakeDevice();
    const s = await open(dev);
    try {
      expect(await s.setParam('gain_db', -6.5)).to.equal(-6.5);
      expect(dev.model.getParam(0)).to.equal(-6.5 * 256);
      expect(await s.getParam('gain_db')).to.equal(-6.5);
      expect(await s.setParam('gain_db', 1 / 1000)).to.equal(0); // rounded to the Q8 grid
      const e = await rejection(s.setParam('gain_db', 30));
      expect(e.code).to.equal('CONFIG');
      expect(e.message).to.contain('gain_db').and.contain('-60').and.contain('24').and.contain('dB');
      expect(e.context).to.include({ param: 'gain_db', min: -60, max: 24, unit: 'dB' });
      expect((await rejection(s.setParam('volume', 1))).message).to.contain('gain_db, mute');
      expect((await rejection(s.setParam('gain_db', Number.NaN))).code).to.equal('CONFIG');
      const st = await s.stats();
      expect(st.errors).to.equal(0);
      await s.reset();
    } finally {
      await s.close();
    }
  });

  it('maps a device ERROR reply to a DEVICE error with the code name', async () => {
    // The INFO claims a wider range than the device accepts: the device refuses.
    const dev = new FakeDevice();
    (dev.info as { params: unknown }).params = [{ ...dev.model.params[0]!, max: 100 * 256 }, dev.model.params[1]!];
    const s = await open(dev);
    try {
      const e = await rejection(s.setParam('gain_db', 50));
      expect(e.code).to.equal('DEVICE');
      expect(e.message).to.contain('PARAM_RANGE').and.contain('SET_PARAM').and.contain('gain_db');
      expect(e.context.deviceCode).to.equal('PARAM_RANGE');
      expect(await s.getParam('gain_db')).to.equal(0); // the session goes on
    } finally {
      await s.close();
    }
  });

  async function stream10s(window: number) {
    const dev = new FakeDevice();
    const s = await open(dev, { window });
    try {
      await s.setParam('gain_db', 9);
      await s.reset();
      let calls = 0;
      const r = await s.stream(tenSeconds, { onFrame: (done, total) => {
        calls++;
        expect(done).to.equal(calls);
        expect(total).to.equal(1000);
      } });
      expect(calls).to.equal(1000);
      return { r, dev, stats: s.linkStats };
    } finally {
      await s.close();
    }
  }

  it('streams 10 s bit-exact with window 8 and window 1, identically, each frame exactly once', async () => {
    const w8 = await stream10s(8);
    const w1 = await stream10s(1);
    const want = gained(tenSeconds, 9);
    expect(firstDiff(w8.r.output, want)).to.equal(-1);
    expect(firstDiff(w1.r.output, w8.r.output)).to.equal(-1);
    for (const { r, dev, stats } of [w8, w1]) {
      expect(r.frames).to.equal(1000);
      expect(dev.stats.frames).to.equal(1000);
      expect(r.cycles[0]).to.equal(1000);
      expect(r.cycles[999]).to.equal(1999); // the fake counts frames: any double processing shows
      expect(stats.txLines).to.equal(stats.resentLines + 1000 + 2 + 1 + (dev.stats.hellos - 1));
    }
  });

  it('pads the last frame and trims the output; an empty input streams nothing', async () => {
    const dev = new FakeDevice();
    const s = await open(dev);
    try {
      const input = new Prng(1).int16(1000); // 6.25 frames
      const r = await s.stream(input);
      expect(r.frames).to.equal(7);
      expect(r.output.length).to.equal(1000);
      expect(firstDiff(r.output, input)).to.equal(-1); // 0 dB is identity
      expect((await s.stream(new Int16Array(0))).frames).to.equal(0);
    } finally {
      await s.close();
    }
  });

  it('wraps the 16-bit sequence number mid-stream', async () => {
    const dev = new FakeDevice();
    const s = await open(dev, { initialSeq: 0xfff0 });
    try {
      const input = new Prng(2).int16(160 * 40);
      const r = await s.stream(input);
      expect(firstDiff(r.output, input)).to.equal(-1);
      expect(dev.expected).to.equal((0xfff0 + 1 + 40) & 0xffff);
    } finally {
      await s.close();
    }
  });

  for (const window of [8, 1]) {
    it(`stays bit-exact through a faulty link at 1e-3 both ways (window ${window})`, async () => {
      const dev = new FakeDevice();
      const link = faultyLink(dev.hostLink, { seed: 1234 + window, rxErrorRate: 1e-3, txErrorRate: 1e-3, maxStallMs: 5 });
      const s = await Session.open(link, { target: 'fake:faulty', window, minRtoMs: 5, rtoMs: 50, maxRetries: 60 });
      const input = tenSeconds.subarray(0, window === 8 ? 160_000 : 32_000);
      try {
        await s.setParam('gain_db', -3);
        const r = await s.stream(input);
        expect(firstDiff(r.output, gained(input, -3))).to.equal(-1);
        expect(dev.stats.frames).to.equal(input.length / 160);
        for (let i = 0; i < r.frames; i++) if (r.cycles[i] !== 1000 + i) expect.fail(`frame ${i} processed more than once`);
        const st = s.linkStats;
        expect(st.resentLines).to.be.greaterThan(0);
        expect(st.hostCrcErrors).to.be.greaterThan(0);
        expect(dev.stats.crcErrors + dev.stats.gapNaks).to.be.greaterThan(0);
        expect(dev.stats.historyResends).to.be.greaterThan(0);
        const inj = link.injected;
        expect(Object.values(inj.rx).reduce((a, b) => a + b)).to.be.greaterThan(10);
        expect(Object.values(inj.tx).reduce((a, b) => a + b)).to.be.greaterThan(10);
      } finally {
        await s.close();
      }
    });
  }

  it('keeps device log lines verbatim, timestamped, HTML included', async () => {
    const html = '<script>alert("x")</script> & <b>bold</b> \u00b5s';
    const dev = new FakeDevice({
      beforeExecute: (f, d) => {
        if (f.type === MsgType.PROCESS && d.stats.frames === 2) d.log(html);
      },
    });
    dev.log('early line');
    const s = await open(dev);
    try {
      await s.stream(new Int16Array(160 * 5));
      const texts = s.deviceLog.map((l) => l.text);
      expect(texts).to.deep.equal(['early line', html]);
      expect(s.deviceLog[1]!.t).to.be.a('number').and.at.least(s.deviceLog[0]!.t);
      expect(s.linkStats.logLines).to.equal(2);
    } finally {
      await s.close();
    }
  });
});

describe('Session failures', function () {
  this.timeout(30_000);

  it('a silent device fails the handshake with HANDSHAKE naming the target and the last bytes', async () => {
    const [host, dev] = memoryDuplexPair();
    dev.on('data', () => undefined);
    dev.write('bootloader v1.2 waiting\n');
    const e = await rejection(Session.open(duplexLink(host, 'x'), { target: 'board:/dev/ttyACM0', handshakeTimeoutMs: 300, helloRetryMs: 50 }));
    expect(e.code).to.equal('HANDSHAKE');
    expect(e.message).to.contain('board:/dev/ttyACM0').and.contain('bootloader v1.2 waiting');
    expect(e.context.lastBytes).to.contain('waiting');
    host.destroy();
  });

  it('a device that sends endless bytes without a newline stays bounded and fails cleanly', async () => {
    const dev = new FakeDevice({
      beforeExecute: (f, d) => {
        if (f.type !== MsgType.PROCESS || d.stats.frames < 3) return true;
        const junk = Buffer.alloc(64 * 1024, 0x5a);
        for (let i = 0; i < 64; i++) d.writeRaw(junk); // 4 MiB, never a newline
        d.close();
        return false;
      },
    });
    const s = await open(dev);
    const e = await rejection(s.stream(new Int16Array(160 * 20)));
    expect(e.code).to.equal('LINK');
    expect(e.message).to.contain('fake:gain').and.contain('end of stream').and.contain('ZZZZ');
    const st = s.linkStats;
    expect(st.overlongLines).to.equal(1);
    expect(st.rxBytes).to.be.above(4 * 1024 * 1024);
    expect(st.discardedBytes).to.equal(4 * 1024 * 1024 - 8192); // dropped unread, not buffered
    expect(s.deviceLog).to.have.length(1);
    expect(s.deviceLog[0]!.text).to.match(/^Z{8192} \[line over 8192 bytes: rest discarded\]$/);
    await s.close();
  });

  it('a FAULT fails the stream with DEVICE, the fault fields and the frame index', async () => {
    const dev = new FakeDevice({
      beforeExecute: (f, d) => {
        if (f.type === MsgType.PROCESS && d.stats.frames === 5) {
          d.fault([['kind', 'hardfault'], ['pc', '0x08001234']]);
          return false;
        }
        return true;
      },
    });
    const s = await open(dev);
    const e = await rejection(s.stream(new Int16Array(160 * 50)));
    expect(e.code).to.equal('DEVICE');
    expect(e.message).to.contain('kind=hardfault').and.contain('frame 5');
    expect(e.context.frame).to.equal(5);
    expect(e.context.fault).to.deep.equal({ kind: 'hardfault', pc: '0x08001234' });
    expect((await rejection(s.stats())).code).to.equal('DEVICE'); // sticky
    await s.close();
  });

  it('a BOOT mid-session fails with DEVICE "device reset"', async () => {
    const dev = new FakeDevice({
      beforeExecute: (f, d) => {
        if (f.type === MsgType.PROCESS && d.stats.frames === 3) {
          d.boot('watchdog');
          return false;
        }
        return true;
      },
    });
    const s = await open(dev);
    const e = await rejection(s.stream(new Int16Array(160 * 10)));
    expect(e.code).to.equal('DEVICE');
    expect(e.message).to.contain('device reset').and.contain('reason=watchdog').and.contain('frame 3');
    await s.close();
  });

  it('a model ERROR fails the stream with DEVICE MODEL and the frame index', async () => {
    const dev = new FakeDevice();
    const proc = dev.model.process.bind(dev.model);
    let n = 0;
    (dev.model as { process: typeof proc }).process = (x) => (n++ === 7 ? undefined : proc(x));
    const s = await open(dev);
    try {
      const e = await rejection(s.stream(new Int16Array(160 * 20)));
      expect(e.code).to.equal('DEVICE');
      expect(e.context).to.include({ frame: 7, deviceCode: 'MODEL' });
      expect(e.message).to.contain('PROCESS').and.contain('frame 7');
    } finally {
      await s.close();
    }
  });

  for (const window of [8, 1]) {
    it(`no progress after maxRetries fails with LINK naming the request, target and last bytes (window ${window})`, async () => {
      // The device silently stops executing at frame 4: with a window the GAP NAKs of the frames
      // behind it drive the re-sends; stop-and-wait relies on the retransmission timer.
      const dev = new FakeDevice({ beforeExecute: (f, d) => !(f.type === MsgType.PROCESS && d.stats.frames >= 4) });
      const s = await open(dev, { window, maxRetries: 3, rtoMs: 10, minRtoMs: 2 });
      const e = await rejection(s.stream(new Int16Array(160 * 10)));
      expect(e.code).to.equal('LINK');
      expect(e.message).to.contain('fake:gain').and.contain('3 re-sends').and.contain('PROCESS seq 5 (frame 4)');
      expect(e.message).to.contain('last bytes received: "');
      expect(e.context).to.include({ request: 'PROCESS', seq: 5, frame: 4 });
      if (window === 1) expect(s.linkStats.timeouts).to.be.at.least(3);
      else expect(s.linkStats.naks.GAP).to.be.at.least(3);
      await s.close();
    });
  }

  it('end of stream fails promptly with LINK and the last bytes', async () => {
    const dev = new FakeDevice({
      beforeExecute: (f, d) => {
        if (f.type === MsgType.PROCESS && d.stats.frames === 2) {
          d.log('panic: out of memory');
          d.close();
          return false;
        }
        return true;
      },
    });
    const s = await open(dev, { rtoMs: 10_000, minRtoMs: 10_000, requestTimeoutMs: 60_000 });
    const e = await rejection(s.stream(new Int16Array(160 * 10)));
    expect(e.code).to.equal('LINK');
    expect(e.message).to.contain('end of stream').and.contain('panic: out of memory');
    expect(s.linkStats.timeouts).to.equal(0); // not a timeout
    await s.close();
  });

  it('an AbortSignal stops the stream with INTERRUPTED', async () => {
    const ac = new AbortController();
    const dev = new FakeDevice();
    const s = await open(dev, { signal: ac.signal });
    const e = await rejection(s.stream(new Int16Array(160 * 100), { onFrame: (done) => done === 10 && ac.abort() }));
    expect(e.code).to.equal('INTERRUPTED');
    expect(dev.stats.frames).to.be.below(100);
    await s.close();
    const already = await rejection(Session.open(new FakeDevice().hostLink, { target: 't', signal: ac.signal }));
    expect(already.code).to.equal('INTERRUPTED');
  });

  it('close() fails pending operations and closes the link', async () => {
    const dev = new FakeDevice({ beforeExecute: (f) => f.type !== MsgType.STATS });
    const s = await open(dev);
    const pending = s.stats();
    await new Promise((r) => setTimeout(r, 20));
    await s.close();
    expect((await rejection(pending)).message).to.contain('closed');
    expect((dev.hostLink.input as Duplex).destroyed).to.equal(true);
    expect((await rejection(s.getParam('gain_db'))).code).to.equal('LINK');
  });

  it('rejects bad options with CONFIG', async () => {
    const dev = new FakeDevice();
    expect((await rejection(Session.open(dev.hostLink, { target: 't', window: 0 }))).code).to.equal('CONFIG');
    expect((await rejection(Session.open(dev.hostLink, { target: 't', initialSeq: 70000 }))).code).to.equal('CONFIG');
  });
});
