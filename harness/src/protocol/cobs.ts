/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999), the byte stuffing of protocol v2
 * frames (PROTOCOL.md 8): the encoded bytes contain no 0x00, so 0x00 can end a frame. The overhead
 * is bounded: at most one byte per 254 bytes of input, plus one. Pure functions, no I/O.
 */

/** Largest encoded size of `n` bytes (the terminating 0x00 not included). */
export function cobsMaxEncodedSize(n: number): number {
  return n + 1 + Math.floor(n / 254);
}

/** Encode `src` into `out` at `at` (which must have cobsMaxEncodedSize(src.length) bytes); returns the end. */
export function cobsEncodeInto(src: Uint8Array, out: Uint8Array, at = 0): number {
  let codeAt = at;
  let w = at + 1;
  let code = 1;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = w++;
      code = 1;
    } else {
      out[w++] = b;
      code++;
      if (code === 0xff) {
        out[codeAt] = code;
        codeAt = w++;
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return w;
}

export function cobsEncode(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedSize(src.length));
  return out.subarray(0, cobsEncodeInto(src, out));
}

/**
 * Decode the COBS bytes `enc` (without the terminating 0x00) into `out`; returns the decoded
 * length, or -1 when `enc` is not valid COBS (a 0x00 inside, a code running past the end) or the
 * result would not fit in `out`.
 */
export function cobsDecodeInto(enc: Uint8Array, out: Uint8Array): number {
  let r = 0;
  let w = 0;
  while (r < enc.length) {
    const code = enc[r++]!;
    if (code === 0 || r + code - 1 > enc.length || w + code - 1 > out.length) return -1;
    for (let k = 1; k < code; k++) {
      const b = enc[r++]!;
      if (b === 0) return -1;
      out[w++] = b;
    }
    if (code !== 0xff && r < enc.length) {
      if (w >= out.length) return -1;
      out[w++] = 0;
    }
  }
  return enc.length === 0 ? -1 : w;
}

/** Decode, or null when `enc` is not valid COBS. */
export function cobsDecode(enc: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(enc.length);
  const n = cobsDecodeInto(enc, out);
  return n < 0 ? null : out.subarray(0, n);
}
