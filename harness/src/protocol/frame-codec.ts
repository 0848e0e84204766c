/**
 * Frame codec: header + payload + CRC-32, base64, behind the `@:` marker (PROTOCOL.md 1-2).
 * Pure functions; no I/O.
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

export type CorruptReason = 'base64' | 'size' | 'crc' | 'version' | 'too-long';

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encode a frame as a protocol line, without the trailing newline. */
export function encodeFrame(h: FrameHeader, payload: Uint8Array = new Uint8Array(0)): string {
  if (payload.length > PAYLOAD_HARD_LIMIT) {
    throw new RangeError(`payload of ${payload.length} bytes exceeds the protocol limit ${PAYLOAD_HARD_LIMIT}`);
  }
  const buf = Buffer.alloc(HEADER_SIZE + payload.length + CRC_SIZE);
  buf.writeUInt8(PROTO_VERSION, 0);
  buf.writeUInt8(h.type & 0xff, 1);
  buf.writeUInt16LE(h.seq & 0xffff, 2);
  buf.writeUInt16LE(h.tx & 0xffff, 4);
  buf.writeUInt16LE(payload.length, 6);
  buf.set(payload, HEADER_SIZE);
  buf.writeUInt32LE(crc32(buf.subarray(0, HEADER_SIZE + payload.length)), HEADER_SIZE + payload.length);
  return LINE_MARKER + buf.toString('base64');
}

/** Classify and decode one received line (without its newline; a trailing '\r' is ignored). */
export function decodeLine(raw: string): LineKind {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (!line.startsWith(LINE_MARKER)) return { kind: 'log', text: line };
  const b64 = line.slice(LINE_MARKER.length);
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64)) {
    return { kind: 'corrupt', reason: 'base64', detail: 'invalid base64' };
  }
  const buf = Buffer.from(b64, 'base64');
  if (buf.length < HEADER_SIZE + CRC_SIZE) {
    return { kind: 'corrupt', reason: 'size', detail: `frame of ${buf.length} bytes is shorter than a header` };
  }
  const len = buf.readUInt16LE(6);
  if (buf.length !== HEADER_SIZE + len + CRC_SIZE) {
    return { kind: 'corrupt', reason: 'size', detail: `declared payload ${len} does not match frame size ${buf.length}` };
  }
  const crc = buf.readUInt32LE(HEADER_SIZE + len);
  if (crc32(buf.subarray(0, HEADER_SIZE + len)) !== crc) {
    return { kind: 'corrupt', reason: 'crc', detail: 'CRC mismatch' };
  }
  const ver = buf.readUInt8(0);
  if (ver !== PROTO_VERSION) {
    return { kind: 'corrupt', reason: 'version', detail: `protocol version ${ver}, expected ${PROTO_VERSION}` };
  }
  return {
    kind: 'frame',
    frame: {
      ver,
      type: buf.readUInt8(1),
      seq: buf.readUInt16LE(2),
      tx: buf.readUInt16LE(4),
      payload: new Uint8Array(buf.buffer, buf.byteOffset + HEADER_SIZE, len),
    },
  };
}
