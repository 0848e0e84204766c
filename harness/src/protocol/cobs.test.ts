import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { cobsDecode, cobsEncode, cobsMaxEncodedSize } from './cobs.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('COBS byte stuffing', () => {
  it("encodes as the COBS paper's StuffData() does, byte for byte (a 254-byte run ends with its own code 0x01)", () => {
    const cases: Array<[number[], string]> = [
      [[0x00], '0101'],
      [[0x00, 0x00], '010101'],
      [[0x00, 0x11, 0x00], '01021101'],
      [[0x11, 0x22, 0x00, 0x33], '03112202 33'.replace(' ', '')],
      [[0x11, 0x22, 0x33, 0x44], '0511223344'],
      [[0x11, 0x00, 0x00, 0x00], '02110101 01'.replace(' ', '')],
    ];
    for (const [src, enc] of cases) expect(hex(cobsEncode(Uint8Array.from(src))), hex(Uint8Array.from(src))).to.equal(enc);
    const run254 = Uint8Array.from({ length: 254 }, (_, i) => i + 1);
    expect(hex(cobsEncode(run254))).to.equal(`ff${hex(run254)}01`);
    const run255 = Uint8Array.from({ length: 255 }, (_, i) => (i % 255) + 1);
    expect(hex(cobsEncode(run255))).to.equal(`ff${hex(run255.subarray(0, 254))}02${hex(run255.subarray(254))}`);
    // the shorter form of the same data (no final code after a full block) decodes too
    expect(hex(cobsDecode(Uint8Array.from([0xff, ...run254]))!)).to.equal(hex(run254));
  });

  it('round-trips random data of every length up to 1100 bytes with no 0x00 in the output and bounded overhead', () => {
    const rng = new Prng(0xc0b5);
    for (let n = 0; n <= 1100; n++) {
      const zeros = rng.next();
      const src = Uint8Array.from({ length: n }, () => (rng.next() < zeros * 0.3 ? 0 : 1 + rng.int(255)));
      const enc = cobsEncode(src);
      expect(enc.includes(0), `n=${n}`).to.equal(false);
      expect(enc.length).to.be.at.most(cobsMaxEncodedSize(n));
      expect(enc.length).to.be.at.least(n + 1);
      expect(hex(cobsDecode(enc)!), `n=${n}`).to.equal(hex(src));
    }
  });

  it('a 326-byte frame with no zeros costs exactly 2 bytes (PROTOCOL.md 8.3)', () => {
    expect(cobsEncode(new Uint8Array(326).fill(7)).length).to.equal(328);
    expect(cobsMaxEncodedSize(326)).to.equal(328);
  });

  it('refuses what is not COBS: empty, a 0x00 inside, a code running past the end', () => {
    expect(cobsDecode(new Uint8Array(0))).to.equal(null);
    expect(cobsDecode(Uint8Array.from([0x03, 0x11, 0x00]))).to.equal(null);
    expect(cobsDecode(Uint8Array.from([0x05, 0x11, 0x22]))).to.equal(null);
    expect(cobsDecode(Uint8Array.from([0x00]))).to.equal(null);
  });
});
