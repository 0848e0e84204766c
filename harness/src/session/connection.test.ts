/**
 * Connection's output batching: the requests one event-loop turn sends leave in one write of the
 * link (one system call and one wake-up of the device side), in order and byte for byte.
 */
import { Readable, Writable } from 'node:stream';

import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { encodeFrame } from '../protocol/frame-codec.ts';
import { encodeFrameV2 } from '../protocol/frame-codec-v2.ts';
import { MsgType } from '../protocol/messages.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { Connection } from './connection.ts';

/** A link whose output records each write that reaches it (after the stream's own batching). */
function recordingLink(): { link: ByteLink; writes: Buffer[]; batching: boolean[] } {
  const writes: Buffer[] = [];
  const batching: boolean[] = [];
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(Buffer.from(chunk));
      cb();
    },
    writev(chunks, cb) {
      writes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
      cb();
    },
  });
  const input = new Readable({ read() {} });
  return { link: { description: 'recording', input, output, close: async () => undefined, readBatching: (on) => void batching.push(on) }, writes, batching };
}

const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
const payload = (k: number): Uint8Array => Uint8Array.from({ length: 320 }, (_, i) => (i * 31 + k) & 0xff);

describe('Connection output batching', () => {
  it('framing v2: the frames of one turn go out in one write, in order; the next turn writes again', async () => {
    const { link, writes } = recordingLink();
    const conn = new Connection(link, 'recording');
    conn.setFraming(2);
    const expected: Uint8Array[] = [];
    for (let k = 0; k < 4; k++) {
      const h = { type: MsgType.PROCESS, seq: 10 + k, tx: conn.nextTx() };
      expected.push(encodeFrameV2(h, payload(k)));
      conn.sendFrame(h, payload(k));
    }
    expect(writes, 'nothing leaves before the turn ends').to.have.length(0);
    await turn();
    expect(writes).to.have.length(1);
    expect(writes[0]!.equals(Buffer.concat(expected))).to.equal(true);

    const h = { type: MsgType.PROCESS, seq: 14, tx: conn.nextTx() };
    conn.sendFrame(h, payload(4));
    await turn();
    expect(writes).to.have.length(2);
    expect(writes[1]!.equals(Buffer.from(encodeFrameV2(h, payload(4))))).to.equal(true);
    conn.detach(new HarnessError('INTERRUPTED', 'done'));
  });

  it('framing v1: the lines of one turn go out in one write', async () => {
    const { link, writes } = recordingLink();
    const conn = new Connection(link, 'recording');
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) {
      const h = { type: MsgType.PROCESS, seq: k + 1, tx: conn.nextTx() };
      lines.push(encodeFrame(h, payload(k)));
      conn.sendFrame(h, payload(k));
    }
    await turn();
    expect(writes).to.have.length(1);
    expect(writes[0]!.toString('latin1')).to.equal(lines.map((l) => `${l}\n`).join(''));
  });

  it('a failed connection sends nothing, batched or not', async () => {
    const { link, writes } = recordingLink();
    const conn = new Connection(link, 'recording');
    conn.setFraming(2);
    conn.sendFrame({ type: MsgType.PROCESS, seq: 1, tx: conn.nextTx() }, payload(0));
    conn.fail(new HarnessError('LINK', 'gone'));
    conn.sendFrame({ type: MsgType.PROCESS, seq: 2, tx: conn.nextTx() }, payload(1));
    await turn();
    expect(writes).to.have.length(1);
    expect(writes[0]!.length).to.equal(encodeFrameV2({ type: MsgType.PROCESS, seq: 1, tx: 0 }, payload(0)).length);
  });

  it('tells the link to batch reads while audio streams and to read at once while a control request waits', () => {
    const { link, batching } = recordingLink();
    const conn = new Connection(link, 'recording');
    conn.send(encodeFrame({ type: MsgType.HELLO, seq: 0, tx: conn.nextTx() })); // the handshake
    conn.setFraming(2);
    for (const type of [MsgType.RESET, MsgType.SET_PARAM, MsgType.PROCESS, MsgType.PROCESS, MsgType.PROCESS, MsgType.STATS, MsgType.RESET, MsgType.PROCESS]) {
      conn.sendFrame({ type, seq: 1, tx: conn.nextTx() }, payload(0));
    }
    // told only on a change: off for the HELLO (batching is on until told), on for the stream, ...
    expect(batching).to.deep.equal([false, true, false, true]);
  });
});
