import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { decodeFrameV2, encodeFrameV2, nextTxV2, seqFrom8, v2WireSize, V2_SKIPPED_TX } from './frame-codec-v2.ts';
import { MsgType } from './messages.ts';

const TYPES = Object.values(MsgType);

function frameOf(r: ReturnType<typeof decodeFrameV2>) {
  if (r.kind !== 'frame') throw new Error(`not a frame: ${JSON.stringify(r)}`);
  return r.frame;
}

describe('framing v2 codec (PROTOCOL.md 8)', () => {
  it('round-trips every message type with random headers and payloads; nothing but the delimiter is 0x00', () => {
    const rng = new Prng(0xf2);
    for (let i = 0; i < 3000; i++) {
      const type = TYPES[rng.int(TYPES.length)]!;
      let tx = rng.int(128);
      if (tx === V2_SKIPPED_TX) tx++;
      const ref = rng.int(0x10000);
      const seq = (ref + rng.int(255) - 127) & 0xffff;
      const payload = Uint8Array.from({ length: rng.int(700) }, () => (rng.next() < 0.2 ? 0 : rng.int(256)));
      const wire = encodeFrameV2({ type, seq, tx }, payload);
      expect(wire[wire.length - 1]).to.equal(0);
      expect(wire.subarray(0, -1).includes(0)).to.equal(false);
      expect(wire.length).to.be.at.most(v2WireSize(type, payload.length));
      const audioAs = type === MsgType.PROCESS || type === MsgType.RESULT ? type : MsgType.RESULT;
      const f = frameOf(decodeFrameV2(wire.subarray(0, -1), audioAs, ref));
      expect({ type: f.type, seq: f.seq, tx: f.tx, ver: f.ver }).to.deep.equal({ type, seq, tx, ver: 2 });
      expect(Buffer.from(f.payload).equals(Buffer.from(payload))).to.equal(true);
    }
  });

  it('a 160-sample PROCESS takes 329 wire bytes and a RESULT 337: payload / wire >= 0.97 both ways', () => {
    const samples = new Uint8Array(320).fill(0x55);
    expect(encodeFrameV2({ type: MsgType.PROCESS, seq: 7, tx: 9 }, samples).length).to.equal(329);
    expect(encodeFrameV2({ type: MsgType.RESULT, seq: 7, tx: 9 }, new Uint8Array(328).fill(0x55)).length).to.equal(337);
    expect(320 / v2WireSize(MsgType.PROCESS, 320)).to.be.at.least(0.97);
    expect(328 / v2WireSize(MsgType.RESULT, 328)).to.be.at.least(0.97);
  });

  it('no audio frame begins with the v1 marker "@:", whatever its sequence number and payload', () => {
    const rng = new Prng(0x403a);
    let tx = 0;
    for (let i = 0; i < 20000; i++) {
      tx = nextTxV2(tx);
      expect(tx).to.not.equal(V2_SKIPPED_TX);
      const lead = 40 + rng.int(40); // payload bytes before the first 0x00 decide the COBS code
      const payload = Uint8Array.from({ length: 320 }, (_, k) => (k === lead ? 0 : 1 + rng.int(255)));
      const w = encodeFrameV2({ type: MsgType.PROCESS, seq: rng.int(0x10000), tx }, payload);
      expect(w[0] === 0x40 && w[1] === 0x3a).to.equal(false);
    }
    expect(() => encodeFrameV2({ type: MsgType.RESULT, seq: 0, tx: V2_SKIPPED_TX })).to.throw(/0x3a is never sent/);
  });

  it('the 7-bit tags cycle through 127 values', () => {
    const seen = new Set<number>();
    let tx = 0;
    for (let i = 0; i < 127; i++) seen.add((tx = nextTxV2(tx)));
    expect(seen.size).to.equal(127);
    expect(nextTxV2(127)).to.equal(0);
  });

  it('sequence numbers: the 16-bit value nearest the reference, across the wrap', () => {
    expect(seqFrom8(0x05, 0x0100)).to.equal(0x0105);
    expect(seqFrom8(0xfe, 0x0100)).to.equal(0x00fe);
    expect(seqFrom8(0x02, 0xfffe)).to.equal(0x0002);
    expect(seqFrom8(0xfd, 0x0003)).to.equal(0xfffd);
    const rng = new Prng(8);
    for (let i = 0; i < 5000; i++) {
      const ref = rng.int(0x10000);
      const s = (ref + rng.int(255) - 127) & 0xffff;
      expect(seqFrom8(s & 0xff, ref)).to.equal(s);
    }
  });

  it('every single-byte error and every truncation is detected: never a wrong frame', () => {
    const rng = new Prng(0xbad);
    const payload = Uint8Array.from({ length: 320 }, () => rng.int(256));
    const wire = encodeFrameV2({ type: MsgType.PROCESS, seq: 300, tx: 5 }, payload).subarray(0, -1);
    for (let at = 0; at < wire.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Uint8Array.from(wire);
        bad[at]! ^= flip;
        const r = decodeFrameV2(bad, MsgType.PROCESS, 300);
        expect(r.kind, `byte ${at} ^ ${flip}`).to.equal('corrupt');
      }
    }
    for (let n = 0; n < wire.length; n++) expect(decodeFrameV2(wire.subarray(0, n), MsgType.PROCESS, 300).kind, `first ${n} bytes`).to.equal('corrupt');
    expect(decodeFrameV2(Uint8Array.from([0x02, 0x80]), MsgType.RESULT, 0)).to.deep.include({ kind: 'corrupt', reason: 'size' });
    expect(decodeFrameV2(Uint8Array.from([0x07, 0x11, 0x22]), MsgType.RESULT, 0)).to.deep.include({ kind: 'corrupt', reason: 'stuffing' });
  });
});
