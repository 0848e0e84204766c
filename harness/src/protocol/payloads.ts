/**
 * Payload layouts of protocol version 1 (PROTOCOL.md 4): binary packers and the key/value text
 * used by INFO, STATS_REPLY, BOOT and FAULT. Pure functions.
 */
import { HarnessError } from '../core/errors.ts';
import { ResultFlag, TapOp } from './messages.ts';

export interface ResultPayload {
  readonly cycles: number;
  readonly flags: number;
  readonly samples: Int16Array;
  /** Per-stage counts of this frame (profiling on), in stage order; they add up to `cycles`. */
  readonly stages?: Uint32Array;
  /** Per-stage CRC-32 of the stage taps (TAP DIGESTS on), in stage order; 0 for a stage without a tap. */
  readonly digests?: Uint32Array;
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
  const nDigests = flags & ResultFlag.DIGESTS ? (flags >>> 16) & 0xff : 0;
  const sampleBytes = p.length - 8 - 4 * (nStages + nDigests);
  if (sampleBytes < 0 || sampleBytes % 2 !== 0) {
    const extra = [nStages > 0 ? `4*${nStages} (stage counts)` : '', nDigests > 0 ? `4*${nDigests} (stage digests)` : ''].filter(Boolean).join(' + ');
    throw new HarnessError('PROTOCOL', `RESULT payload of ${p.length} bytes is not 8 + 2*n${extra ? ` + ${extra}` : ''}`);
  }
  const n = sampleBytes / 2;
  const at = p.byteOffset + 8;
  let samples: Int16Array;
  if (LITTLE_ENDIAN && at % 2 === 0) samples = new Int16Array(p.buffer, at, n);
  else {
    samples = new Int16Array(n);
    for (let i = 0; i < n; i++) samples[i] = (p[8 + 2 * i]! | (p[9 + 2 * i]! << 8)) << 16 >> 16;
  }
  const words = (count: number, from: number): Uint32Array => {
    const w = new Uint32Array(count);
    for (let k = 0; k < count; k++) w[k] = u32le(p, from + 4 * k);
    return w;
  };
  return {
    cycles: u32le(p, 0),
    flags,
    samples,
    ...(nStages > 0 ? { stages: words(nStages, 8 + sampleBytes) } : {}),
    ...(nDigests > 0 ? { digests: words(nDigests, 8 + sampleBytes + 4 * nStages) } : {}),
  };
}

function u32le(p: Uint8Array, at: number): number {
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
}

export function packResult(r: ResultPayload): Uint8Array {
  const nStages = r.stages?.length ?? 0;
  const nDigests = r.digests?.length ?? 0;
  const b = Buffer.alloc(8 + r.samples.length * 2 + 4 * (nStages + nDigests));
  let flags = r.flags;
  if (nStages > 0) flags = (flags & ~0xff00) | ResultFlag.STAGES | (nStages << 8);
  if (nDigests > 0) flags = (flags & ~0xff0000) | ResultFlag.DIGESTS | (nDigests << 16);
  b.writeUInt32LE(r.cycles >>> 0, 0);
  b.writeUInt32LE(flags >>> 0, 4);
  for (let i = 0; i < r.samples.length; i++) b.writeInt16LE(r.samples[i]!, 8 + 2 * i);
  const tail = 8 + r.samples.length * 2;
  for (let k = 0; k < nStages; k++) b.writeUInt32LE(r.stages![k]! >>> 0, tail + 4 * k);
  for (let k = 0; k < nDigests; k++) b.writeUInt32LE(r.digests![k]! >>> 0, tail + 4 * (nStages + k));
  return b;
}

/** TAP request payloads (PROTOCOL.md 4.5). */
export function packTap(op: 'off' | 'digests'): Uint8Array;
export function packTap(op: 'capture', stage: number): Uint8Array;
export function packTap(op: 'read', offset: number): Uint8Array;
export function packTap(op: 'off' | 'digests' | 'capture' | 'read', arg = 0): Uint8Array {
  switch (op) {
    case 'off':
      return Uint8Array.of(TapOp.OFF);
    case 'digests':
      return Uint8Array.of(TapOp.DIGESTS);
    case 'capture':
      return Uint8Array.of(TapOp.CAPTURE, arg & 0xff);
    case 'read':
      return Uint8Array.of(TapOp.READ, 0, arg & 0xff, (arg >>> 8) & 0xff);
  }
}

/** TAP_DATA: a chunk of a captured stage tap, elements little-endian. */
export interface TapDataPayload {
  readonly stage: number;
  /** Bytes per element: 2, 4 or 8 (signed). */
  readonly elemBytes: number;
  /** Elements in the whole tap. */
  readonly count: number;
  /** Byte offset of `bytes` in the whole tap. */
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export function unpackTapData(p: Uint8Array): TapDataPayload {
  if (p.length < 6) throw new HarnessError('PROTOCOL', `TAP_DATA payload of ${p.length} bytes, expected >= 6`);
  const elemBytes = p[1]!;
  if (elemBytes !== 2 && elemBytes !== 4 && elemBytes !== 8) throw new HarnessError('PROTOCOL', `TAP_DATA element size ${elemBytes}, expected 2, 4 or 8`);
  const count = p[2]! | (p[3]! << 8);
  const offset = p[4]! | (p[5]! << 8);
  const bytes = p.subarray(6);
  if (offset + bytes.length > count * elemBytes) throw new HarnessError('PROTOCOL', `TAP_DATA bytes ${offset}..${offset + bytes.length} beyond the tap's ${count * elemBytes} bytes`);
  return { stage: p[0]!, elemBytes, count, offset, bytes };
}

export function packTapData(t: TapDataPayload): Uint8Array {
  const b = Buffer.alloc(6 + t.bytes.length);
  b.writeUInt8(t.stage, 0);
  b.writeUInt8(t.elemBytes, 1);
  b.writeUInt16LE(t.count, 2);
  b.writeUInt16LE(t.offset, 4);
  b.set(t.bytes, 6);
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
