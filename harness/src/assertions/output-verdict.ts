/**
 * Output assertions: bit-exact (the default), max LSB difference, or minimum SNR against the
 * golden output. Pure.
 */
import { createHash } from 'node:crypto';

import type { FirstMismatch, OutputVerdict, ToleranceSpec } from './verdict.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The samples' bytes in memory (a view, no copy). */
const bytesOf = (s: Int16Array): Uint8Array => new Uint8Array(s.buffer, s.byteOffset, s.byteLength);

/** First 16 hex digits of the SHA-256 of the samples as int16 little-endian. */
export function hashSamples(s: Int16Array): string {
  let b: Uint8Array;
  if (LITTLE_ENDIAN) b = bytesOf(s);
  else {
    const c = Buffer.alloc(s.length * 2);
    for (let i = 0; i < s.length; i++) c.writeInt16LE(s[i]!, 2 * i);
    b = c;
  }
  return createHash('sha256').update(b).digest('hex').slice(0, 16);
}

/** SNR in dB of `test` against `ref` over their common length (Infinity if identical). */
export function snrDb(ref: Int16Array, test: Int16Array): number {
  const n = Math.min(ref.length, test.length);
  let sig = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    sig += ref[i]! * ref[i]!;
    const d = test[i]! - ref[i]!;
    err += d * d;
  }
  if (err === 0) return Number.POSITIVE_INFINITY;
  if (sig === 0) return Number.NEGATIVE_INFINITY;
  return 10 * Math.log10(sig / err);
}

export interface OutputCheckInput {
  readonly output: Int16Array;
  readonly golden: Int16Array;
  readonly tolerance: ToleranceSpec;
  readonly hop: number;
  readonly rate: number;
}

export function checkOutput({ output, golden, tolerance, hop, rate }: OutputCheckInput): OutputVerdict {
  // the usual case, identical output: one memcmp, one hash, and every tolerance holds
  if (output.length === golden.length && Buffer.compare(bytesOf(output), bytesOf(golden)) === 0) {
    const hash = hashSamples(output);
    return {
      kind: 'output',
      tolerance,
      status: 'pass',
      samples: output.length,
      goldenSamples: golden.length,
      mismatches: 0,
      firstMismatch: null,
      maxAbsDiffLsb: 0,
      snrDb: Number.POSITIVE_INFINITY,
      outputHash: hash,
      goldenHash: hash,
      message: `bit-exact over ${output.length} samples`,
    };
  }
  const n = Math.min(output.length, golden.length);
  let mismatches = Math.abs(output.length - golden.length);
  let maxAbs = 0;
  let first: FirstMismatch | null = null;
  for (let i = 0; i < n; i++) {
    const d = output[i]! - golden[i]!;
    if (d !== 0) {
      mismatches++;
      const a = Math.abs(d);
      if (a > maxAbs) maxAbs = a;
      if (!first) first = { sample: i, frame: Math.floor(i / hop), timeS: i / rate, got: output[i]!, want: golden[i]! };
    }
  }
  const lengthOk = output.length === golden.length;
  if (!first && !lengthOk) {
    first = { sample: n, frame: Math.floor(n / hop), timeS: n / rate, got: output[n] ?? 0, want: golden[n] ?? 0 };
  }
  const snr = snrDb(golden, output);
  let pass: boolean;
  let rule: string;
  switch (tolerance.mode) {
    case 'bit-exact':
      pass = mismatches === 0;
      rule = 'bit-exact';
      break;
    case 'max-lsb':
      pass = lengthOk && maxAbs <= tolerance.maxLsb;
      rule = `max difference ${tolerance.maxLsb} LSB`;
      break;
    case 'snr':
      pass = lengthOk && snr >= tolerance.minSnrDb;
      rule = `SNR >= ${tolerance.minSnrDb} dB`;
      break;
  }
  const where = first
    ? `first at sample ${first.sample} (frame ${first.frame}, ${first.timeS.toFixed(4)} s): got ${first.got}, want ${first.want}`
    : '';
  const lengthNote = lengthOk ? '' : `; output has ${output.length} samples, golden ${golden.length}`;
  const message = pass
    ? mismatches === 0
      ? `bit-exact over ${n} samples`
      : `${rule} holds: ${mismatches} samples differ, max ${maxAbs} LSB, SNR ${snr.toFixed(1)} dB`
    : `${rule} violated: ${mismatches} of ${Math.max(output.length, golden.length)} samples differ, max ${maxAbs} LSB; ${where}${lengthNote}`;
  return {
    kind: 'output',
    tolerance,
    status: pass ? 'pass' : 'fail',
    samples: output.length,
    goldenSamples: golden.length,
    mismatches,
    firstMismatch: first,
    maxAbsDiffLsb: maxAbs,
    snrDb: snr,
    outputHash: hashSamples(output),
    goldenHash: hashSamples(golden),
    message,
  };
}
