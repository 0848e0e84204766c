/** The session against the TS fake device: handshake, parameters, bit-exact windowed streaming. */
import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { MsgType } from '../protocol/messages.ts';
import { faultyLink } from '../transport/faulty-link.ts';
import { FakeDevice } from './fake-device.ts';
import { applyFakeGain, fakeGainQ15 } from './fake-model.ts';
import { Session } from './session.ts';
import { rejection } from '../../test/helpers/rejection.ts';
import { openFakeSession as open } from './fake-device.ts';

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


const tenSeconds = new Prng(0xa0d10).int16(160_000);

describe('Session against the fake device', function () {
  this.timeout(60_000);

  it('framing: a v1-only device stays in v1 under auto, and --framing v2 fails the handshake with one line naming it', async () => {
    const auto = await open(new FakeDevice({}));
    try {
      expect(auto.framing).to.equal(1);
      expect(auto.info.framings).to.equal(undefined);
    } finally {
      await auto.close();
    }
    const e = await rejection(open(new FakeDevice({}), { framing: 'v2', handshakeTimeoutMs: 2000 }));
    expect(e.code).to.equal('HANDSHAKE');
    expect(e.message).to.equal("fake:gain: --framing v2: the device does not speak framing v2 (its INFO says framings=1): rebuild its firmware with this hil's agent, or use --framing v1 or auto");
  });

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
