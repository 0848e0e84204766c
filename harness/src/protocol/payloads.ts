/**
 * Payload layouts of protocol version 1 (PROTOCOL.md 4): binary packers and the key/value text
 * used by INFO, STATS_REPLY, BOOT and FAULT. Pure functions.
 */
import { HarnessError } from '../core/errors.ts';
import { ResultFlag } from './messages.ts';

export interface ResultPayload {
  readonly cycles: number;
  readonly flags: number;
  readonly samples: Int16Array;
  /** Per-stage counts of this frame (profiling on), in stage order; they add up to `cycles`. */
  readonly stages?: Uint32Array;
}

export function packParam(id: number, value?: number): Uint8Array {
  const b = Buffer.alloc(value === undefined ? 2 : 6);
  b.writeUInt16LE(id, 0);
  if (value !== undefined) b.writeInt32LE(value, 2);
  return b;
}

export function unpackParam(p: Uint8Array): { id: number; value: number } {
  if (p.length !== 6) throw new HarnessError('PROTOCOL', `PARAM payload of ${p.length} bytes, expected 6`);
  const b = Buffer.from(p.buffer, p.byteOffset, p.length);
  return { id: b.readUInt16LE(0), value: b.readInt32LE(2) };
}

/** Is this host little-endian (the wire order of samples): then samples are copied, not converted. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Samples as s16le bytes; with `length` > samples.length the rest is zeros (a last, partial frame
 * padded to the hop).
 */
export function packSamples(samples: Int16Array, length = samples.length): Uint8Array {
  if (length < samples.length) throw new RangeError(`packSamples: length ${length} < ${samples.length} samples`);
  // allocUnsafe takes a slice of Node's buffer pool (Buffer.alloc makes a new ArrayBuffer each
  // time); every byte is written below.
  const b = Buffer.allocUnsafe(length * 2);
  if (LITTLE_ENDIAN) b.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.length * 2));
  else for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, i * 2);
  if (length > samples.length) b.fill(0, samples.length * 2);
  return b;
}

/**
 * RESULT payload. On a little-endian host with the samples 2-byte aligned in memory (decoded
 * frames are), `samples` is a view of the payload's bytes, not a copy: copy it to keep it past
 * the payload's reuse.
 */
export function unpackResult(p: Uint8Array): ResultPayload {
  if (p.length < 8) throw new HarnessError('PROTOCOL', `RESULT payload of ${p.length} bytes is not 8 + 2*n`);
  const flags = u32le(p, 4);
  const nStages = flags & ResultFlag.STAGES ? (flags >>> 8) & 0xff : 0;
  const sampleBytes = p.length - 8 - 4 * nStages;
  if (sampleBytes < 0 || sampleBytes % 2 !== 0) {
    throw new HarnessError('PROTOCOL', nStages > 0 ? `RESULT payload of ${p.length} bytes is not 8 + 2*n + 4*${nStages} (stage counts)` : `RESULT payload of ${p.length} bytes is not 8 + 2*n`);
  }
  const n = sampleBytes / 2;
  const at = p.byteOffset + 8;
  let samples: Int16Array;
  if (LITTLE_ENDIAN && at % 2 === 0) samples = new Int16Array(p.buffer, at, n);
  else {
    samples = new Int16Array(n);
    for (let i = 0; i < n; i++) samples[i] = (p[8 + 2 * i]! | (p[9 + 2 * i]! << 8)) << 16 >> 16;
  }
  if (nStages === 0) return { cycles: u32le(p, 0), flags, samples };
  const stages = new Uint32Array(nStages);
  for (let k = 0; k < nStages; k++) stages[k] = u32le(p, 8 + sampleBytes + 4 * k);
  return { cycles: u32le(p, 0), flags, samples, stages };
}

function u32le(p: Uint8Array, at: number): number {
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
}

export function packResult(r: ResultPayload): Uint8Array {
  const nStages = r.stages?.length ?? 0;
  const b = Buffer.alloc(8 + r.samples.length * 2 + 4 * nStages);
  const flags = nStages > 0 ? (r.flags & ~0xff00) | ResultFlag.STAGES | (nStages << 8) : r.flags;
  b.writeUInt32LE(r.cycles >>> 0, 0);
  b.writeUInt32LE(flags >>> 0, 4);
  for (let i = 0; i < r.samples.length; i++) b.writeInt16LE(r.samples[i]!, 8 + 2 * i);
  for (let k = 0; k < nStages; k++) b.writeUInt32LE(r.stages![k]! >>> 0, 8 + r.samples.length * 2 + 4 * k);
  return b;
}

export function unpackNak(p: Uint8Array): { expected: number; reason: number } {
  if (p.length !== 3) throw new HarnessError('PROTOCOL', `NAK payload of ${p.length} bytes, expected 3`);
  const b = Buffer.from(p.buffer, p.byteOffset, p.length);
  return { expected: b.readUInt16LE(0), reason: b.readUInt8(2) };
}

export function packNak(expected: number, reason: number): Uint8Array {
  const b = Buffer.alloc(3);
  b.writeUInt16LE(expected & 0xffff, 0);
  b.writeUInt8(reason, 2);
  return b;
}

export function unpackError(p: Uint8Array): { code: number; message: string } {
  if (p.length < 2) throw new HarnessError('PROTOCOL', `ERROR payload of ${p.length} bytes, expected >= 2`);
  const b = Buffer.from(p.buffer, p.byteOffset, p.length);
  return { code: b.readUInt16LE(0), message: b.subarray(2).toString('utf8') };
}

export function packError(code: number, message: string): Uint8Array {
  return Buffer.concat([packParam(code), Buffer.from(message, 'utf8')]);
}

/** Ordered key/value pairs; a key may repeat (INFO's `param`). */
export type KeyValues = ReadonlyArray<readonly [string, string]>;

export function parseKeyValues(p: Uint8Array): KeyValues {
  const text = Buffer.from(p.buffer, p.byteOffset, p.length).toString('utf8');
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new HarnessError('PROTOCOL', `key/value payload line without '=': ${JSON.stringify(line.slice(0, 60))}`);
    out.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}

export function formatKeyValues(kv: KeyValues): Uint8Array {
  return Buffer.from(kv.map(([k, v]) => `${k}=${v}\n`).join(''), 'utf8');
}
