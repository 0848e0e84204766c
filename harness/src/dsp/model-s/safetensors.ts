/**
 * safetensors (https://huggingface.co/docs/safetensors): the framework-neutral checkpoint format
 * of model S. Pure: bytes in, tensors out (and back, for tests and fixtures).
 *
 * Layout: u64 little-endian N, then N bytes of JSON header
 * `{ "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, "__metadata__": {..} }`,
 * then the data buffer (offsets relative to its start, row-major, little endian). Only F32
 * tensors are read (model S's checkpoints are float32); anything else is a typed error naming the
 * file and the tensor.
 */

export interface FloatTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Checkpoint {
  readonly tensors: ReadonlyMap<string, FloatTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export class CheckpointError extends Error {
  readonly code = 'CHECKPOINT' as const;
}

interface HeaderEntry {
  dtype: unknown;
  shape: unknown;
  data_offsets: unknown;
}

export function parseSafetensors(bytes: Uint8Array, file: string): Checkpoint {
  const fail = (what: string): never => {
    throw new CheckpointError(`${file}: ${what}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file (${bytes.length} bytes, expected an 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n < 2 || 8 + n > bytes.length) fail(`header length ${n} does not fit in the file's ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, FloatTensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k}: expected a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const e = raw as HeaderEntry;
    if (e?.dtype !== 'F32') fail(`tensor ${name}: dtype ${JSON.stringify(e?.dtype)}, expected "F32" (float32)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor ${name}: shape must be a list of non-negative integers`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor ${name}: data_offsets must be [begin, end]`);
    const [begin, end] = off as [number, number];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (end - begin !== count * 4) fail(`tensor ${name}: ${end - begin} data bytes, expected ${count * 4} for shape [${(shape as number[]).join(', ')}]`);
    if (end > data.length) fail(`tensor ${name}: data_offsets end ${end} beyond the ${data.length}-byte data buffer`);
    const out = new Float32Array(count);
    const dv = new DataView(data.buffer, data.byteOffset + begin, count * 4);
    for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
    tensors.set(name, { shape: shape as number[], data: out });
  }
  return { tensors, metadata };
}

/** Encode float32 tensors (in the given order) and string metadata as safetensors bytes. */
export function encodeSafetensors(tensors: ReadonlyArray<readonly [string, FloatTensor]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = JSON.stringify(header);
  const bytes = new TextEncoder().encode(json).length;
  // the reference writer pads the header with spaces to a multiple of 8 bytes
  const head = new TextEncoder().encode(json + ' '.repeat((8 - ((8 + bytes) % 8)) % 8));
  const out = new Uint8Array(8 + head.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const [, t] of tensors) {
    for (const v of t.data) {
      dv.setFloat32(p, v, true);
      p += 4;
    }
  }
  return out;
}
