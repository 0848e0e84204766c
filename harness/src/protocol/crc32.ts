/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320; the zlib crc32), as in PROTOCOL.md. */
import zlib from 'node:zlib';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The table-driven implementation (the oracle, and the fallback where zlib has no crc32). */
export function crc32Table(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib.crc32 (native; Node >= 20.15 and >= 22.2), or undefined on older Node 20 releases. */
const native = (zlib as Partial<Pick<typeof zlib, 'crc32'>>).crc32;

/** Is the native zlib.crc32 in use (else the table-driven one)? */
export const NATIVE_CRC32 = typeof native === 'function';

/** CRC-32 of `bytes`, continuing from `crc` (0 to start). */
export const crc32: (bytes: Uint8Array, crc?: number) => number = NATIVE_CRC32
  ? (bytes, crc = 0) => native!(bytes, crc) >>> 0
  : crc32Table;
