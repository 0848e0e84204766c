import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { crc32, crc32Table } from './crc32.ts';

describe('crc32', () => {
  it('is the zlib CRC-32 (check value of "123456789"), native or table-driven alike', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).to.equal(0xcbf43926);
    expect(crc32Table(check)).to.equal(0xcbf43926);
    expect(crc32(new Uint8Array(0))).to.equal(0);
  });

  it('the native and the table-driven implementations agree, also when continued', () => {
    const rng = new Prng(0xc4c);
    for (let i = 0; i < 300; i++) {
      const bytes = rng.bytes(rng.int(700));
      const cut = rng.int(bytes.length + 1);
      const view = bytes.subarray(cut);
      expect(crc32(bytes)).to.equal(crc32Table(bytes));
      expect(crc32(view, crc32(bytes.subarray(0, cut)))).to.equal(crc32Table(bytes));
    }
  });
});
