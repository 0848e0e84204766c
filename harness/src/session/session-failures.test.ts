/** How a session fails: every failure is a HarnessError with a code and the context to act on it. */
import { expect } from 'chai';
import { Duplex } from 'node:stream';

import { MsgType } from '../protocol/messages.ts';
import { duplexLink } from '../transport/byte-link.ts';
import { memoryDuplexPair } from '../transport/memory-duplex.ts';
import { FakeDevice } from './fake-device.ts';
import { Session } from './session.ts';
import { rejection } from '../../test/helpers/rejection.ts';
import { openFakeSession as open } from './fake-device.ts';


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
