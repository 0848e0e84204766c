/**
 * Frame codec: header + payload + CRC-32, base64, behind the `@:` marker (PROTOCOL.md 1-2).
 * Pure functions; no I/O. decodeLineBytes() is the receive path (a line's bytes as the line
 * reader hands them over: no string for a protocol line until its base64 is known to be valid);
 * decodeLine() takes the line as a string and classifies it the same way.
 */
import { crc32 } from './crc32.ts';
import { CRC_SIZE, HEADER_SIZE, LINE_MARKER, PAYLOAD_HARD_LIMIT, PROTO_VERSION } from './messages.ts';

export interface FrameHeader {
  readonly type: number;
  readonly seq: number;
  readonly tx: number;
}

export interface Frame extends FrameHeader {
  readonly ver: number;
  readonly payload: Uint8Array;
}

/** What one received line turned out to be. */
export type LineKind =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'corrupt'; readonly reason: CorruptReason; readonly detail: string }
  | { readonly kind: 'log'; readonly text: string };

/** 'stuffing': a v2 frame whose COBS bytes are invalid (PROTOCOL.md 8). */
export type CorruptReason = 'base64' | 'stuffing' | 'size' | 'crc' | 'version' | 'too-long';

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BAD_BASE64: LineKind = Object.freeze({ kind: 'corrupt', reason: 'base64', detail: 'invalid base64' });
const BAD_CRC: LineKind = Object.freeze({ kind: 'corrupt', reason: 'crc', detail: 'CRC mismatch' });

const MARKER_0 = LINE_MARKER.charCodeAt(0);
const MARKER_1 = LINE_MARKER.charCodeAt(1);
const CR = 0x0d;
const PAD = 0x3d; // '='
/** 1 for the 64 characters of the standard base64 alphabet (not '=', not base64url's '-' '_'). */
const BASE64_ALPHABET = (() => {
  const t = new Uint8Array(256);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') t[c.charCodeAt(0)] = 1;
  return t;
})();

/** Encode a frame as a protocol line, without the trailing newline. */
export function encodeFrame(h: FrameHeader, payload: Uint8Array = new Uint8Array(0)): string {
  if (payload.length > PAYLOAD_HARD_LIMIT) {
    throw new RangeError(`payload of ${payload.length} bytes exceeds the protocol limit ${PAYLOAD_HARD_LIMIT}`);
  }
  const end = HEADER_SIZE + payload.length;
  const buf = Buffer.allocUnsafe(end + CRC_SIZE);
  buf[0] = PROTO_VERSION;
  buf[1] = h.type & 0xff;
  buf.writeUInt16LE(h.seq & 0xffff, 2);
  buf.writeUInt16LE(h.tx & 0xffff, 4);
  buf.writeUInt16LE(payload.length, 6);
  buf.set(payload, HEADER_SIZE);
  buf.writeUInt32LE(crc32(buf.subarray(0, end)), end);
  return LINE_MARKER + buf.toString('base64');
}

/** Classify and decode one received line (without its newline; a trailing '\r' is ignored). */
export function decodeLine(raw: string): LineKind {
  // NULs before the marker are a device's resync after a reset (PROTOCOL.md 8.1), not text
  const line = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).replace(/^\0+(?=@:)/, '');
  if (!line.startsWith(LINE_MARKER)) return { kind: 'log', text: line };
  const b64 = line.slice(LINE_MARKER.length);
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64)) return BAD_BASE64;
  return decodeFrameBuffer(Buffer.from(b64, 'base64'));
}

/**
 * decodeLine() for a line's bytes (without its newline; a trailing '\r' is ignored). A log line's
 * text is its UTF-8 decoding. The frame's payload is a fresh buffer: `bytes` may be reused after.
 */
export function decodeLineBytes(bytes: Uint8Array): LineKind {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end--;
  let buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // NULs before the marker are a device's resync after a reset (PROTOCOL.md 8.1), not text
  let nuls = 0;
  while (nuls < end && buf[nuls] === 0) nuls++;
  if (nuls > 0 && buf[nuls] === MARKER_0) {
    buf = buf.subarray(nuls);
    end -= nuls;
  }
  if (end < 2 || buf[0] !== MARKER_0 || buf[1] !== MARKER_1) return { kind: 'log', text: buf.toString('utf8', 0, end) };
  if (!isBase64(buf, 2, end)) return BAD_BASE64;
  return decodeFrameBuffer(Buffer.from(buf.toString('latin1', 2, end), 'base64'));
}

/** Is bytes[start, end) canonical-alphabet base64 (a multiple of 4 characters, at most 2 '=' at the end)? */
function isBase64(b: Uint8Array, start: number, end: number): boolean {
  if ((end - start) % 4 !== 0) return false;
  let stop = end;
  if (stop > start && b[stop - 1] === PAD) {
    stop--;
    if (stop > start && b[stop - 1] === PAD) stop--;
  }
  for (let i = start; i < stop; i++) if (BASE64_ALPHABET[b[i]!] === 0) return false;
  return true;
}

/** Check and split the decoded bytes of a protocol line. */
function decodeFrameBuffer(buf: Buffer): LineKind {
  if (buf.length < HEADER_SIZE + CRC_SIZE) {
    return { kind: 'corrupt', reason: 'size', detail: `frame of ${buf.length} bytes is shorter than a header` };
  }
  const len = buf.readUInt16LE(6);
  if (buf.length !== HEADER_SIZE + len + CRC_SIZE) {
    return { kind: 'corrupt', reason: 'size', detail: `declared payload ${len} does not match frame size ${buf.length}` };
  }
  const crc = buf.readUInt32LE(HEADER_SIZE + len);
  if (crc32(buf.subarray(0, HEADER_SIZE + len)) !== crc) return BAD_CRC;
  const ver = buf[0]!;
  if (ver !== PROTO_VERSION) {
    return { kind: 'corrupt', reason: 'version', detail: `protocol version ${ver}, expected ${PROTO_VERSION}` };
  }
  return {
    kind: 'frame',
    frame: {
      ver,
      type: buf[1]!,
      seq: buf.readUInt16LE(2),
      tx: buf.readUInt16LE(4),
      payload: new Uint8Array(buf.buffer, buf.byteOffset + HEADER_SIZE, len),
    },
  };
}
