import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { encodeFrame } from '../protocol/frame-codec.ts';
import { encodeFrameV2 } from '../protocol/frame-codec-v2.ts';
import { MsgType } from '../protocol/messages.ts';
import { UnitSplitter } from './unit-splitter.ts';

type Unit = readonly ['line' | 'frame' | 'overlong-line' | 'overlong-frame', string];

function split(stream: Buffer, chunks: number[], armed: boolean, frameLimit = 4120): Unit[] {
  const out: Unit[] = [];
  const s = new UnitSplitter(8192, frameLimit, {
    line: (b) => out.push(['line', b.toString('latin1')]),
    overlong: (b) => out.push(['overlong-line', b.toString('latin1')]),
    frame: (b) => out.push(['frame', b.toString('hex')]),
    overlongFrame: (b) => out.push(['overlong-frame', b.subarray(0, 4).toString('hex')]),
  });
  s.arm(armed);
  let at = 0;
  for (const n of chunks) {
    if (at >= stream.length) break;
    s.push(stream.subarray(at, at + n));
    at += n;
  }
  if (at < stream.length) s.push(stream.subarray(at));
  s.flush();
  return out;
}

/** A device's output around a switch to v2: v1 lines and log text, then frames, a v1 answer, frames again. */
function session(rng: Prng): { stream: Buffer; units: Unit[] } {
  const parts: Buffer[] = [];
  const units: Unit[] = [];
  const line = (text: string) => {
    parts.push(Buffer.from(`${text}\n`, 'latin1'));
    units.push(['line', text]);
  };
  const frame = (type: number, seq: number) => {
    const payload = Uint8Array.from({ length: rng.int(400) }, () => (rng.next() < 0.1 ? 0 : rng.int(256)));
    const w = Buffer.from(encodeFrameV2({ type, seq, tx: 1 + rng.int(50) }, payload));
    parts.push(w);
    units.push(['frame', w.subarray(0, -1).toString('hex')]);
  };
  line('boot log: hello');
  line(encodeFrame({ type: MsgType.INFO, seq: 1, tx: 1 }, Buffer.from('proto=1\nframing=2\n')));
  parts.push(Buffer.from([0])); // the delimiter after the switch
  for (let k = 0; k < 20; k++) frame(k % 3 === 0 ? MsgType.LOG : MsgType.RESULT, k);
  line(encodeFrame({ type: MsgType.RESULT, seq: 30, tx: 3 }, Buffer.from('v1 answer')));
  parts.push(Buffer.from([0]));
  frame(MsgType.RESULT, 31);
  return { stream: Buffer.concat(parts), units };
}

describe('UnitSplitter (framing v2 units, PROTOCOL.md 8.2)', () => {
  it('not armed: a LineSplitter, zeros and all', () => {
    const stream = Buffer.from('a\u0000b\n@:xyz\n', 'latin1');
    expect(split(stream, [3, 100], false)).to.deep.equal([['line', 'a\u0000b'], ['line', '@:xyz']]);
  });

  it('armed: v1 lines, then frames after the delimiter, a v1 line inside, frames again; the same units for any chunking', () => {
    const rng = new Prng(0x5e55);
    for (let round = 0; round < 60; round++) {
      const { stream, units } = session(rng);
      const chunks = Array.from({ length: 400 }, () => 1 + rng.int(round % 3 === 0 ? 3 : 700));
      expect(split(stream, chunks, true), `round ${round}`).to.deep.equal(units);
    }
  });

  it('a frame that starts with "@" but not "@:" is a frame, even when the "@" ends a chunk', () => {
    const w = Buffer.concat([Buffer.from([0]), Buffer.from([0x40, 0x81, 0x07]), Buffer.from([0])]);
    expect(split(w, [2, 1, 5], true)).to.deep.equal([['frame', '408107']]);
    expect(split(w, [100], true)).to.deep.equal([['frame', '408107']]);
  });

  it('bounded: an endless frame unit is cut once at the limit and discarded up to its delimiter', () => {
    const w = Buffer.concat([Buffer.from([0]), Buffer.alloc(10_000, 0x11), Buffer.from([0, 0x02, 0x05, 0])]);
    expect(split(w, [333, 333, 333, 10_000], true, 64)).to.deep.equal([
      ['overlong-frame', '11111111'],
      ['frame', '0205'],
    ]);
  });
});
