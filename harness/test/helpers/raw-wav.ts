/**
 * Write WAV files byte by byte, independently of the harness's WAV module, so tests can make
 * files the harness must reject (8-bit, stereo, other rates) without trusting the code under test.
 */
import { writeFileSync } from 'node:fs';

export interface RawWavSpec {
  readonly rate: number;
  readonly channels: number;
  readonly bits: 8 | 16;
  /** Interleaved samples; 8-bit values are written as unsigned bytes (x + 128). */
  readonly samples: ArrayLike<number>;
}

export function rawWavBytes(spec: RawWavSpec): Buffer {
  const bytesPer = spec.bits / 8;
  const dataLen = spec.samples.length * bytesPer;
  const b = Buffer.alloc(44 + dataLen);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataLen, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(spec.channels, 22);
  b.writeUInt32LE(spec.rate, 24);
  b.writeUInt32LE(spec.rate * spec.channels * bytesPer, 28);
  b.writeUInt16LE(spec.channels * bytesPer, 32);
  b.writeUInt16LE(spec.bits, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataLen, 40);
  for (let i = 0; i < spec.samples.length; i++) {
    if (spec.bits === 16) b.writeInt16LE(spec.samples[i]!, 44 + 2 * i);
    else b.writeUInt8((spec.samples[i]! + 128) & 0xff, 44 + i);
  }
  return b;
}

export function writeRawWav(path: string, spec: RawWavSpec): void {
  writeFileSync(path, rawWavBytes(spec));
}

/** Read the samples of a 16-bit mono PCM WAV with a canonical 44-byte header. */
export function readCanonicalMono16(bytes: Buffer): Int16Array {
  let off = 12;
  while (off + 8 <= bytes.length) {
    const id = bytes.toString('ascii', off, off + 4);
    const len = bytes.readUInt32LE(off + 4);
    if (id === 'data') {
      const n = len / 2;
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(off + 8 + 2 * i);
      return out;
    }
    off += 8 + len + (len & 1);
  }
  throw new Error('no data chunk');
}
