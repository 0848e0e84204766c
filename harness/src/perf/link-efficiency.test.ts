import { expect } from 'chai';

import { encodeFrame } from '../protocol/frame-codec.ts';
import { MsgType } from '../protocol/messages.ts';
import { packResult, packSamples } from '../protocol/payloads.ts';
import {
  bottleneck,
  directionEfficiency,
  hilFraming,
  hilLineBytes,
  linkBytesPerSecond,
  mlperfTinyFraming,
  payloadCapacity,
} from './link-efficiency.ts';

/** The MLPerf Tiny runner's host->device bytes for one buffer, built the way DUT.load builds
 *  them (`db load N`, then `db ` + lowercase hex of up to 31 bytes), each terminated by `%`. */
function mlperfCommands(data: Uint8Array, max = 31): string[] {
  const out = [`db load ${data.length}%`];
  for (let i = 0; i < data.length; i += max) out.push(`db ${Buffer.from(data.subarray(i, i + max)).toString('hex')}%`);
  return out;
}

describe('link efficiency', () => {
  it('counts a hil line exactly as the frame codec writes it (marker, base64, newline)', () => {
    for (const hop of [1, 2, 3, 80, 160, 256]) {
      const s = Int16Array.from({ length: hop }, (_, i) => (i * 977) % 30000);
      const process = encodeFrame({ type: MsgType.PROCESS, seq: 1, tx: 1 }, packSamples(s)).length + 1;
      const result = encodeFrame({ type: MsgType.RESULT, seq: 1, tx: 1 }, packResult({ cycles: 123, flags: 0, samples: s })).length + 1;
      const f = hilFraming(hop);
      expect(f.hostToDevice.wireBytes, `PROCESS hop ${hop}`).to.equal(process);
      expect(f.deviceToHost.wireBytes, `RESULT hop ${hop}`).to.equal(result);
      expect(f.hostToDevice.payloadBytes).to.equal(2 * hop);
      expect(f.deviceToHost.payloadBytes).to.equal(2 * hop); // cycles and flags are not audio
    }
    expect(hilLineBytes(0)).to.equal(3 + 16); // 12 bytes -> 16 base64 characters
  });

  it('gives the reference frame (160 samples) 447 bytes down, 459 up, the RESULT line the bottleneck', () => {
    const f = hilFraming(160);
    expect(f.hostToDevice.wireBytes).to.equal(447);
    expect(f.deviceToHost.wireBytes).to.equal(459);
    expect(bottleneck(f)).to.equal('deviceToHost');
    const e = directionEfficiency(f.deviceToHost);
    expect(e.byteEfficiency).to.be.closeTo(320 / 459, 1e-12);
    expect(e.lineEfficiency).to.be.closeTo((320 * 8) / (459 * 10), 1e-12);
  });

  it('counts the MLPerf Tiny db framing byte for byte as the runner sends it', () => {
    for (const samples of [1, 15, 16, 160, 490]) {
      const data = Uint8Array.from({ length: 2 * samples }, (_, i) => (i * 37) & 0xff);
      const cmds = mlperfCommands(data);
      const f = mlperfTinyFraming(samples);
      expect(f.hostToDevice.wireBytes, `samples ${samples}`).to.equal(cmds.join('').length);
      expect(f.hostToDevice.lines).to.equal(cmds.length);
      expect(f.stopAndWaitRoundTrips).to.equal(cmds.length);
      // one m-ready per command, plus the load answer and m-load-done
      const answers = cmds.length * 'm-ready\r\n'.length + `m-[Expecting ${2 * samples} bytes]\r\n`.length + 'm-load-done\r\n'.length;
      expect(f.deviceToHost.wireBytes).to.equal(answers);
    }
    const ref = mlperfTinyFraming(160); // 320 bytes: 11 db lines (10 x 31 + 10)
    expect(ref.hostToDevice.wireBytes).to.equal('db load 320%'.length + 11 * 4 + 640);
    expect(bottleneck(ref)).to.equal('hostToDevice');
    expect(directionEfficiency(ref.deviceToHost).byteEfficiency).to.equal(null);
    expect(directionEfficiency(ref.hostToDevice).byteEfficiency!).to.be.below(0.5); // hex alone halves it
  });

  it('honours a smaller db line (26 bytes with an energy monitor)', () => {
    expect(mlperfTinyFraming(160, 26).hostToDevice.lines).to.equal(1 + Math.ceil(320 / 26));
    expect(mlperfTinyFraming(160, 26).hostToDevice.wireBytes).to.be.above(mlperfTinyFraming(160).hostToDevice.wireBytes);
  });

  it('derives the payload capacity from baud/10 and the bottleneck direction', () => {
    expect(linkBytesPerSecond(115200)).to.equal(11520);
    expect(linkBytesPerSecond(115200, 11)).to.be.closeTo(10472.7, 0.1); // 8E1 / 8O1
    const c = payloadCapacity(hilFraming(160), 921600);
    expect(c.bottleneck).to.equal('deviceToHost');
    expect(c.framesPerSecond).to.be.closeTo(92160 / 459, 1e-9);
    expect(c.payloadBytesPerSecond).to.be.closeTo((92160 * 320) / 459, 1e-9);
  });

  it('rejects nonsense inputs', () => {
    expect(() => hilFraming(0)).to.throw(RangeError);
    expect(() => mlperfTinyFraming(160, 0)).to.throw(RangeError);
    expect(() => linkBytesPerSecond(0)).to.throw(RangeError);
    expect(() => linkBytesPerSecond(9600, 7)).to.throw(RangeError);
  });
});
