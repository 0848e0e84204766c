/**
 * Framing v2 (PROTOCOL.md 8): binary frames, COBS-stuffed and ended by 0x00. A 2-byte header for
 * audio frames (PROCESS, RESULT) and 3 bytes for the others, the same CRC-32 as v1, the payload
 * length implied by the delimiter. The 16-bit sequence number travels as its low 8 bits and the
 * receiver takes the nearest 16-bit value to its own reference; the transmission tag has 7 bits.
 * Pure functions; no I/O.
 */
import { cobsDecodeInto, cobsEncodeInto, cobsMaxEncodedSize } from './cobs.ts';
import { crc32 } from './crc32.ts';
import type { CorruptReason, Frame, FrameHeader, LineKind } from './frame-codec.ts';
import { CRC_SIZE, MsgType, PAYLOAD_HARD_LIMIT } from './messages.ts';

export const FRAMING_V2 = 2;
/** The frame delimiter: ends every v2 frame; no COBS-encoded byte is 0x00. */
export const V2_DELIMITER = 0x00;
/** Transmission tags have 7 bits in v2. */
export const V2_TX_MODULUS = 128;
/**
 * The one tag an audio frame never carries: an audio frame with tag 0x3A whose COBS code is 0x40
 * would begin with the v1 marker `@:`, and a receiver must be able to tell a v1 line (a HELLO, a
 * BOOT) from a v2 frame by its first two bytes.
 */
export const V2_SKIPPED_TX = 0x3a;
const K_OTHER = 0x80;

/** Audio frames (PROCESS from the host, RESULT from the device) carry no type byte. */
export function isAudioType(type: number): boolean {
  return type === MsgType.PROCESS || type === MsgType.RESULT;
}

/** The next 7-bit transmission tag after `tx`, skipping V2_SKIPPED_TX. */
export function nextTxV2(tx: number): number {
  const n = (tx + 1) % V2_TX_MODULUS;
  return n === V2_SKIPPED_TX ? n + 1 : n;
}

/** Header bytes of a frame of `type`: 2 for audio frames, 3 for the others. */
export function v2HeaderSize(type: number): number {
  return isAudioType(type) ? 2 : 3;
}

/** Largest wire size of a v2 frame with `payloadBytes` of payload, delimiter included. */
export function v2WireSize(type: number, payloadBytes: number): number {
  return cobsMaxEncodedSize(v2HeaderSize(type) + payloadBytes + CRC_SIZE) + 1;
}

/** The 16-bit sequence number nearest `ref` whose low 8 bits are `seq8`. */
export function seqFrom8(seq8: number, ref: number): number {
  const d = ((seq8 - ref) & 0xff) << 24 >> 24; // signed 8-bit difference
  return (ref + d) & 0xffff;
}

/** Encode a frame for the wire: COBS(header, payload, CRC-32) and the 0x00 delimiter. */
export function encodeFrameV2(h: FrameHeader, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > PAYLOAD_HARD_LIMIT) throw new RangeError(`payload of ${payload.length} bytes exceeds the protocol limit ${PAYLOAD_HARD_LIMIT}`);
  const audio = isAudioType(h.type);
  const tx = h.tx & 0x7f;
  if (audio && tx === V2_SKIPPED_TX) throw new RangeError(`transmission tag 0x3a is never sent in a v2 audio frame`);
  const hs = audio ? 2 : 3;
  const raw = new Uint8Array(hs + payload.length + CRC_SIZE);
  raw[0] = (audio ? 0 : K_OTHER) | tx;
  raw[1] = h.seq & 0xff;
  if (!audio) raw[2] = h.type & 0xff;
  raw.set(payload, hs);
  const end = hs + payload.length;
  const crc = crc32(raw.subarray(0, end));
  raw[end] = crc & 0xff;
  raw[end + 1] = (crc >>> 8) & 0xff;
  raw[end + 2] = (crc >>> 16) & 0xff;
  raw[end + 3] = (crc >>> 24) & 0xff;
  const out = new Uint8Array(cobsMaxEncodedSize(raw.length) + 1);
  const n = cobsEncodeInto(raw, out);
  out[n] = V2_DELIMITER;
  return out.subarray(0, n + 1);
}

const corrupt = (reason: CorruptReason, detail: string): LineKind => ({ kind: 'corrupt', reason, detail });

/**
 * Decode one v2 frame: its COBS bytes without the delimiter. `audioType` is the type an audio
 * frame stands for at this receiver (RESULT on the host, PROCESS on the device); `seqRef` the
 * 16-bit reference the sequence number is taken nearest to. The payload is a fresh copy.
 */
export function decodeFrameV2(enc: Uint8Array, audioType: number, seqRef: number): LineKind {
  const raw = new Uint8Array(enc.length);
  const n = cobsDecodeInto(enc, raw);
  if (n < 0) return corrupt('stuffing', 'invalid COBS stuffing');
  if (n < 2 + CRC_SIZE) return corrupt('size', `frame of ${n} bytes is shorter than a header`);
  const audio = (raw[0]! & K_OTHER) === 0;
  const hs = audio ? 2 : 3;
  if (n < hs + CRC_SIZE) return corrupt('size', `frame of ${n} bytes is shorter than a header`);
  const end = n - CRC_SIZE;
  const crc = (raw[end]! | (raw[end + 1]! << 8) | (raw[end + 2]! << 16) | (raw[end + 3]! << 24)) >>> 0;
  if (crc32(raw.subarray(0, end)) !== crc) return corrupt('crc', 'CRC mismatch');
  const frame: Frame = {
    ver: FRAMING_V2,
    type: audio ? audioType : raw[2]!,
    seq: seqFrom8(raw[1]!, seqRef),
    tx: raw[0]! & 0x7f,
    payload: raw.slice(hs, end),
  };
  return { kind: 'frame', frame };
}
