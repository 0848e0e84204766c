/** Property tests of the frame codec with a seeded PRNG: round trips and total robustness. */
import { expect } from 'chai';
import { Prng } from '../core/prng.ts';
import { decodeLine, decodeLineBytes, encodeFrame, type LineKind } from './frame-codec.ts';
import { LINE_MARKER, MsgType, PAYLOAD_HARD_LIMIT } from './messages.ts';

const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

function randomFrame(rng: Prng) {
  const size = rng.next() < 0.1 ? rng.int(PAYLOAD_HARD_LIMIT + 1) : rng.int(400);
  return { type: rng.int(256), seq: rng.int(65536), tx: rng.int(65536), payload: rng.bytes(size) };
}

function mutate(rng: Prng, line: string): string {
  const chars = [...line];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const at = rng.int(chars.length + 1);
    switch (rng.int(5)) {
      case 0: // replace with a base64 character
        if (at < chars.length) chars[at] = rng.pick([...BASE64_CHARS]);
        break;
      case 1: // replace with any byte value
        if (at < chars.length) chars[at] = String.fromCharCode(rng.int(256));
        break;
      case 2:
        chars.splice(at, 1);
        break;
      case 3:
        chars.splice(at, 0, rng.pick([...BASE64_CHARS]));
        break;
      default: // truncate
        chars.length = at;
    }
  }
  return chars.join('');
}

function expectClassified(d: LineKind): void {
  expect(d.kind).to.be.oneOf(['frame', 'corrupt', 'log']);
}

describe('frame codec properties (seeded)', () => {
  it('random frames round-trip exactly', () => {
    const rng = new Prng(0xc0ffee);
    for (let i = 0; i < 500; i++) {
      const f = randomFrame(rng);
      const line = encodeFrame(f, f.payload);
      expect(line.startsWith(LINE_MARKER)).to.equal(true);
      const d = decodeLine(line);
      expect(d.kind, `frame ${i}`).to.equal('frame');
      if (d.kind !== 'frame') return;
      expect(d.frame.type).to.equal(f.type);
      expect(d.frame.seq).to.equal(f.seq);
      expect(d.frame.tx).to.equal(f.tx);
      expect(Buffer.from(d.frame.payload).equals(Buffer.from(f.payload))).to.equal(true);
    }
  });

  it('wraps seq and tx to 16 bits', () => {
    const d = decodeLine(encodeFrame({ type: MsgType.PROCESS, seq: 0x1_0005, tx: -1 }));
    expect(d.kind === 'frame' && [d.frame.seq, d.frame.tx]).to.deep.equal([5, 0xffff]);
  });

  it('refuses to encode a payload over the hard limit', () => {
    expect(() => encodeFrame({ type: 1, seq: 0, tx: 0 }, new Uint8Array(PAYLOAD_HARD_LIMIT + 1))).to.throw(RangeError);
  });

  it('random byte strings never throw and are classified', () => {
    const rng = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = rng.bytes(rng.int(300));
      const prefix = rng.next() < 0.5 ? LINE_MARKER : '';
      expectClassified(decodeLine(prefix + Buffer.from(bytes).toString('latin1')));
      expectClassified(decodeLine(prefix + Buffer.from(bytes).toString('utf8')));
    }
  });

  it('random mutations of valid lines never throw; none decodes to a different frame', () => {
    const rng = new Prng(0x5eed);
    let corrupt = 0;
    for (let i = 0; i < 3000; i++) {
      const f = randomFrame(rng);
      const line = encodeFrame(f, f.payload);
      const bad = mutate(rng, line);
      const d = decodeLine(bad);
      expectClassified(d);
      if (d.kind === 'corrupt') corrupt++;
      if (d.kind === 'frame') {
        // Only a mutation that kept the decoded bytes (e.g. non-canonical base64 padding bits)
        // may still decode; it must then carry the original frame.
        expect(d.frame.seq).to.equal(f.seq);
        expect(Buffer.from(d.frame.payload).equals(Buffer.from(f.payload))).to.equal(true);
      }
    }
    expect(corrupt).to.be.greaterThan(2500);
  });

  it('decodeLineBytes classifies the bytes of a line exactly as decodeLine classifies its text', () => {
    const rng = new Prng(0xb17e5);
    for (let i = 0; i < 3000; i++) {
      const f = randomFrame(rng);
      const good = encodeFrame(f, f.payload);
      const line = rng.next() < 0.2 ? good : rng.next() < 0.1 ? `${good}\r` : rng.next() < 0.5 ? mutate(rng, good) : `log ${mutate(rng, 'température ok \u00e9\r')}`;
      // mutate() may insert any code point below 256: the device sends those as UTF-8.
      expect(decodeLineBytes(Buffer.from(line, 'utf8')), JSON.stringify(line.slice(0, 40))).to.deep.equal(decodeLine(line));
    }
    expect(decodeLineBytes(Buffer.from('@:QUJD-A==')).kind).to.equal('corrupt'); // base64url alphabet refused
    expect(decodeLineBytes(Uint8Array.from([0x40, 0x3a]))).to.deep.equal(decodeLine('@:'));
  });

  it('lines without the marker are logs, verbatim', () => {
    for (const t of ['', '@', '@;AQID', ' @:AQID', '<script>alert(1)</script>', 'boot\tok']) {
      expect(decodeLine(t)).to.deep.equal({ kind: 'log', text: t });
    }
  });
  it('NULs before the marker (a device resync after a reset, PROTOCOL.md 8.1) are skipped; NULs elsewhere stay text', () => {
    const line = encodeFrame({ type: MsgType.BOOT, seq: 0, tx: 0 }, Buffer.from('reason=power-on\n'));
    for (const d of [decodeLine(`\0${line}`), decodeLineBytes(Buffer.from(`\0\0${line}`, 'latin1'))]) {
      expect(d.kind).to.equal('frame');
      if (d.kind === 'frame') expect(d.frame.type).to.equal(MsgType.BOOT);
    }
    expect(decodeLine('\0boot text').kind).to.equal('log');
    expect(decodeLineBytes(Buffer.from('\0x@:', 'latin1')).kind).to.equal('log');
  });
});
