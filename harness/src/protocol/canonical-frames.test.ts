/**
 * The canonical frames file is the contract shared byte for byte with the C agent's tests.
 * Every record is checked against the TS codec, and the committed file must equal what
 * canonical-frames.ts renders (so neither side can drift silently).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CANONICAL_FILE, CANONICAL_FRAMES, renderCanonicalFile } from './canonical-frames.ts';
import { decodeLine, encodeFrame } from './frame-codec.ts';
import { decodeFrameV2, encodeFrameV2 } from './frame-codec-v2.ts';
import { MsgType, PROTO_VERSION } from './messages.ts';

const text = readFileSync(CANONICAL_FILE, 'utf8');
const records = text
  .split('\n')
  .filter((l) => l.length > 0 && !l.startsWith('#'))
  .map((l) => l.split('|'));

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

describe('canonical frames file', () => {
  it('equals renderCanonicalFile() byte for byte', () => {
    expect(text).to.equal(renderCanonicalFile());
  });

  it('has frame, corrupt and log records of every kind', () => {
    const kinds = new Set(records.map((r) => r[0]));
    expect([...kinds].sort()).to.deep.equal(['corrupt', 'corrupt2', 'frame', 'frame2', 'log']);
    expect(records.filter((r) => r[0] === 'frame2')).to.have.length(CANONICAL_FRAMES.length);
    expect(records.filter((r) => r[0] === 'frame')).to.have.length(CANONICAL_FRAMES.length);
  });

  for (const r of records.filter((x) => x[0] === 'frame')) {
    const [, name, typeHex, seq, tx, payloadHex, line] = r as [string, string, string, string, string, string, string];
    it(`frame ${name}: decodes to its fields and re-encodes to the same line`, () => {
      const d = decodeLine(line);
      expect(d.kind).to.equal('frame');
      if (d.kind !== 'frame') return;
      expect(d.frame.ver).to.equal(PROTO_VERSION);
      expect(d.frame.type).to.equal(parseInt(typeHex, 16));
      expect(d.frame.seq).to.equal(Number(seq));
      expect(d.frame.tx).to.equal(Number(tx));
      expect(hex(d.frame.payload)).to.equal(payloadHex);
      expect(encodeFrame(d.frame, d.frame.payload)).to.equal(line);
      expect(encodeFrame(
        { type: parseInt(typeHex, 16), seq: Number(seq), tx: Number(tx) },
        Buffer.from(payloadHex, 'hex'),
      )).to.equal(line);
      // A trailing '\r' (CRLF links) is ignored.
      expect(decodeLine(line + '\r').kind).to.equal('frame');
    });
  }

  for (const r of records.filter((x) => x[0] === 'corrupt')) {
    const [, name, klass, line] = r as [string, string, string, string];
    it(`corrupt ${name}: classified as ${klass}`, () => {
      const d = decodeLine(line);
      expect(d.kind).to.equal('corrupt');
      if (d.kind !== 'corrupt') return;
      if (klass === 'crc') expect(d.reason).to.be.oneOf(['base64', 'size', 'crc']);
      else expect(d.reason).to.equal('version');
    });
  }

  for (const r of records.filter((x) => x[0] === 'log')) {
    const [, name, ...rest] = r as [string, string, ...string[]];
    const line = rest.join('|');
    it(`log ${name}: is a log line with its text verbatim`, () => {
      expect(decodeLine(line)).to.deep.equal({ kind: 'log', text: line });
    });
  }
});

describe('canonical frames file, framing v2 (PROTOCOL.md 8)', () => {
  for (const r of records.filter((x) => x[0] === 'frame2')) {
    const [, name, typeHex, seq, tx, payloadHex, wireHex] = r as [string, string, string, string, string, string, string];
    it(`frame2 ${name}: decodes to its fields and re-encodes to the same bytes`, () => {
      const type = parseInt(typeHex, 16);
      const wire = Buffer.from(wireHex, 'hex');
      expect(wire[wire.length - 1]).to.equal(0);
      const d = decodeFrameV2(wire.subarray(0, -1), type === MsgType.RESULT ? MsgType.RESULT : MsgType.PROCESS, (Number(seq) + 100) & 0xffff);
      expect(d.kind).to.equal('frame');
      if (d.kind !== 'frame') return;
      expect({ ver: d.frame.ver, type: d.frame.type, seq: d.frame.seq, tx: d.frame.tx }).to.deep.equal({ ver: 2, type, seq: Number(seq), tx: Number(tx) });
      expect(hex(d.frame.payload)).to.equal(payloadHex);
      expect(hex(encodeFrameV2({ type, seq: Number(seq), tx: Number(tx) }, Buffer.from(payloadHex, 'hex')))).to.equal(wireHex);
    });
  }
  for (const r of records.filter((x) => x[0] === 'corrupt2')) {
    const [, name, klass, wireHex] = r as [string, string, string, string];
    it(`corrupt2 ${name}: refused (${klass})`, () => {
      const wire = Buffer.from(wireHex, 'hex');
      const d = decodeFrameV2(wire.subarray(0, -1), MsgType.PROCESS, 4);
      if (klass === 'length') {
        // the host takes any length up to 4096; the agent's limit (1024) refuses it
        expect(d.kind === 'frame' && d.frame.payload.length > 1024).to.equal(true);
      } else {
        expect(d.kind).to.equal('corrupt');
      }
    });
  }
});
