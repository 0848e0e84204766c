/**
 * Seeded property tests of the payload codecs (issue 8.6): every pack/unpack pair round-trips,
 * and arbitrary bytes given to any unpacker or parser either decode or raise a HarnessError with
 * a protocol-level code (PROTOCOL, HANDSHAKE): never a TypeError, RangeError or anything else.
 * Together with frame-codec.test.ts (lines) this covers everything the host decodes from a device.
 */
import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { Prng } from '../core/prng.ts';
import { formatDeviceInfo, parseDeviceInfo } from './device-info.ts';
import { parseBoot, parseDeviceStats, parseFault } from './device-reports.ts';
import {
  formatKeyValues,
  packError,
  packNak,
  packParam,
  packResult,
  packSamples,
  packTapData,
  parseKeyValues,
  unpackError,
  unpackNak,
  unpackParam,
  unpackResult,
  unpackTapData,
} from './payloads.ts';
import { FakeDevice } from '../session/fake-device.ts';

const PROTOCOL_CODES = new Set(['PROTOCOL', 'HANDSHAKE']);

/** Run fn; it may return or throw a HarnessError with a protocol-level code, nothing else. */
function onlyProtocolErrors(what: string, fn: () => unknown): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof HarnessError) || !PROTOCOL_CODES.has(e.code)) {
      throw new Error(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    expect(e.message.split('\n')).to.have.length(1);
    return 'refused';
  }
}

/** Bytes biased towards the shapes the parsers look for (key=value lines, digits, commas). */
function arbitrary(rng: Prng): Uint8Array {
  if (rng.next() < 0.4) return rng.bytes(rng.int(80));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_=,\n-0123456789 \u00ff';
  let s = '';
  for (let i = rng.int(200); i > 0; i--) s += alphabet[rng.int(alphabet.length)];
  return Buffer.from(s, 'latin1');
}

describe('protocol payload properties (seeded)', () => {
  it('pack/unpack round-trip: PARAM, RESULT, NAK, ERROR, key/value text', () => {
    const rng = new Prng(0xc0dec);
    for (let i = 0; i < 2000; i++) {
      const id = rng.int(0x10000);
      const value = (rng.int(0x10000) << 16) | rng.int(0x10000);
      expect(unpackParam(packParam(id, value))).to.deep.equal({ id, value });
      const samples = new Int16Array(rng.int(300)).map(() => rng.int(0x10000) - 0x8000);
      // bits 1, 2, 8..15 and 16..23 describe the stage counts and digests
      const flags = rng.int(0x10000) & ~0xff06;
      const words = () => (rng.int(2) ? Uint32Array.from({ length: 1 + rng.int(16) }, () => rng.int(0x10000) * 0x10000 + rng.int(0x10000)) : undefined);
      const stages = words();
      const digests = words();
      const r = unpackResult(packResult({ cycles: rng.int(0x10000) * 0x10000 + rng.int(0x10000), flags, samples, ...(stages ? { stages } : {}), ...(digests ? { digests } : {}) }));
      expect(Array.from(r.samples)).to.deep.equal(Array.from(samples));
      expect(r.flags & ~0xffff06).to.equal(flags);
      expect(r.stages && Array.from(r.stages)).to.deep.equal(stages && Array.from(stages));
      expect(r.digests && Array.from(r.digests)).to.deep.equal(digests && Array.from(digests));
      const elemBytes = [2, 4, 8][rng.int(3)]!;
      const count = 1 + rng.int(600);
      const offset = rng.int(count * elemBytes + 1);
      const tap = { stage: rng.int(16), elemBytes, count, offset, bytes: rng.bytes(rng.int(count * elemBytes - offset + 1)) };
      const t = unpackTapData(packTapData(tap));
      expect({ ...t, bytes: Array.from(t.bytes) }).to.deep.equal({ ...tap, bytes: Array.from(tap.bytes) });
      expect(packSamples(samples).length).to.equal(2 * samples.length);
      const expected = rng.int(0x10000);
      const reason = 1 + rng.int(5);
      expect(unpackNak(packNak(expected, reason))).to.deep.equal({ expected, reason });
      const message = Buffer.from(rng.bytes(rng.int(40))).toString('latin1').replace(/[^\x20-\x7e]/g, 'x');
      expect(unpackError(packError(rng.int(256), message)).message).to.equal(message);
      const kv: Array<[string, string]> = Array.from({ length: rng.int(6) }, (_, k) => [`k${k}`, message.replace(/[=\n]/g, '-')]);
      expect(parseKeyValues(formatKeyValues(kv))).to.deep.equal(kv);
    }
  });

  it('RESULT samples read the same from any byte alignment; packSamples pads to the hop with zeros', () => {
    const rng = new Prng(0xa11);
    const samples = Int16Array.from({ length: 160 }, () => rng.int(65536) - 32768);
    const packed = packResult({ cycles: 0xdeadbeef, flags: 7, samples });
    for (const shift of [0, 1, 2, 3]) {
      const store = new Uint8Array(packed.length + 4);
      store.set(packed, shift);
      const r = unpackResult(store.subarray(shift, shift + packed.length));
      expect([r.cycles, r.flags], `shift ${shift}`).to.deep.equal([0xdeadbeef, 7]);
      expect(Array.from(r.samples), `shift ${shift}`).to.deep.equal(Array.from(samples));
    }
    const padded = packSamples(samples.subarray(0, 100), 160);
    expect(padded.length).to.equal(320);
    expect(Array.from(new Int16Array(Uint8Array.from(padded).buffer))).to.deep.equal([...Array.from(samples.subarray(0, 100)), ...new Array(60).fill(0)]);
  });

  it('INFO round-trips through formatDeviceInfo / parseDeviceInfo, with and without stages and taps', () => {
    const info = new FakeDevice().info;
    expect(parseDeviceInfo(formatDeviceInfo(info))).to.deep.equal(info);
    const staged = { ...info, stages: ['input', 'fft', 'gru1'] };
    expect(parseDeviceInfo(formatDeviceInfo(staged))).to.deep.equal(staged);
    const tapped = { ...staged, taps: [{ bits: 16 as const, count: 320 }, null, { bits: 64 as const, count: 20 }] };
    expect(parseDeviceInfo(formatDeviceInfo(tapped))).to.deep.equal(tapped);
  });

  it('a RESULT whose flags announce more stage digests than it carries is a protocol error naming them', () => {
    const packed = Buffer.from(packResult({ cycles: 1, flags: 0, samples: new Int16Array(3), stages: Uint32Array.of(1), digests: Uint32Array.of(1, 2) }));
    expect(() => unpackResult(packed.subarray(0, 16))).to.throw(HarnessError, /not 8 \+ 2\*n \+ 4\*1 \(stage counts\) \+ 4\*2 \(stage digests\)/);
  });

  it('a RESULT whose flags announce more stage counts than it carries is a protocol error naming them', () => {
    const packed = Buffer.from(packResult({ cycles: 1, flags: 0, samples: new Int16Array(3), stages: Uint32Array.of(1, 2) }));
    expect(() => unpackResult(packed.subarray(0, 12))).to.throw(HarnessError, /not 8 \+ 2\*n \+ 4\*2 \(stage counts\)/);
  });

  it('arbitrary payloads never throw anything but protocol errors', () => {
    const rng = new Prng(0xbad5eed);
    const refused: Record<string, number> = {};
    const parsers: Array<[string, (p: Uint8Array) => unknown]> = [
      ['unpackParam', unpackParam],
      ['unpackResult', unpackResult],
      ['unpackTapData', unpackTapData],
      ['unpackNak', unpackNak],
      ['unpackError', unpackError],
      ['parseKeyValues', parseKeyValues],
      ['parseDeviceInfo', (p) => parseDeviceInfo(p, { target: 't' })],
      ['parseDeviceStats', (p) => parseDeviceStats(p, { target: 't' })],
      ['parseBoot', parseBoot],
      ['parseFault', parseFault],
    ];
    for (let i = 0; i < 4000; i++) {
      const p = arbitrary(rng);
      for (const [name, fn] of parsers) if (onlyProtocolErrors(name, () => fn(p)) === 'refused') refused[name] = (refused[name] ?? 0) + 1;
    }
    // the malformed inputs really were refused (the property is not vacuous)
    for (const name of ['unpackParam', 'unpackResult', 'unpackTapData', 'unpackNak', 'parseDeviceInfo', 'parseDeviceStats']) expect(refused[name], name).to.be.above(100);
  });

  it('mutations of a valid INFO are parsed or refused with a HANDSHAKE error', () => {
    const rng = new Prng(42);
    const good = Buffer.from(formatDeviceInfo(new FakeDevice().info));
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(good);
      for (let k = 1 + rng.int(4); k > 0; k--) b[rng.int(b.length)] = rng.int(256);
      if (onlyProtocolErrors('parseDeviceInfo', () => parseDeviceInfo(b, { target: 't' })) === 'refused') refused++;
    }
    expect(refused).to.be.above(500);
  });
});
