/**
 * Payload efficiency of serial framings: audio payload bytes per byte on the wire, per direction,
 * for one frame of audio. A UART byte in 8N1 costs 10 bit times (start, 8 data, stop), so a link
 * of `baud` carries baud/10 bytes per second each way (full duplex) and the audio it can carry is
 * that times the byte efficiency of the busier direction. Pure functions.
 *
 * Three framings are modelled:
 *
 * - `hil` protocol, framing v2 (PROTOCOL.md 8): binary frames, COBS-stuffed, ended by 0x00: a
 *   2-byte header for PROCESS and RESULT, the payload, CRC-32. The COBS cost is its bound (one byte
 *   per 254 plus one), reached by audio with no zero byte.
 * - `hil` protocol v1 (firmware/agent/PROTOCOL.md 1-2): one line per frame each way, `@:` marker
 *   + base64(8-byte header + payload + 4-byte CRC) + `\n`. PROCESS carries `hop` int16 samples;
 *   RESULT carries `u32 cycles, u32 flags` and `hop` int16 samples (only the samples count as
 *   audio payload).
 * - MLPerf Tiny / EEMBC runner (mlcommons/tiny, benchmark/runner/device_under_test.py `DUT.load`
 *   and serial_device.py; firmware side benchmark/api/internally_implemented.{h,cpp}
 *   `ee_buffer_parse`): the host sends `db load N`, then the input as lowercase hex in `db HHHH..`
 *   commands of at most 31 bytes (`_max_bytes = 31`; 26 with an energy monitor), every command
 *   terminated by `%` (EE_CMD_TERMINATOR; SerialDevice's delimiter). The device answers each
 *   command with its output and `m-ready\r\n` (EE_MSG_READY): `m-[Expecting N bytes]\r\n` for
 *   `db load`, `m-load-done\r\n` after the last byte. The runner waits for `m-ready` after every
 *   command (stop-and-wait per 31 bytes). It has no path that streams samples back: results are a
 *   short text vector, so its device-to-host direction carries no audio payload.
 */

import { v2WireSize } from '../protocol/frame-codec-v2.ts';
import { MsgType } from '../protocol/messages.ts';

/** Bit times per byte in 8N1 (start + 8 data + stop). */
export const BITS_PER_BYTE_8N1 = 10;

/** Bytes of the protocol's frame header and CRC (PROTOCOL.md 2). */
const HIL_HEADER = 8;
const HIL_CRC = 4;
/** `@:` marker and `\n`. */
const HIL_LINE_OVERHEAD = 3;
/** RESULT's `u32 cycles, u32 flags` ahead of the samples. */
const HIL_RESULT_PREFIX = 8;

/** MLPerf Tiny runner constants (see the file comment for the sources). */
export const MLPERF_DB_MAX_BYTES = 31;
const MLPERF_TERMINATOR = '%';
const MLPERF_READY = 'm-ready\r\n';
const MLPERF_LOAD_DONE = 'm-load-done\r\n';

export interface DirectionCost {
  /** Audio payload bytes carried per frame. */
  readonly payloadBytes: number;
  /** Message payload bytes per frame: the audio and the message's own fields (RESULT's cycle
   *  count and flags); absent: the audio only. */
  readonly messageBytes?: number;
  /** Bytes on the wire per frame, every framing byte included. */
  readonly wireBytes: number;
  /** Lines (commands or messages) per frame. */
  readonly lines: number;
}

export interface FramingCost {
  readonly name: string;
  /** Audio samples per frame (int16). */
  readonly samples: number;
  readonly hostToDevice: DirectionCost;
  readonly deviceToHost: DirectionCost;
  /** Round trips the framing needs per frame when the host waits for each answer (0: pipelined). */
  readonly stopAndWaitRoundTrips: number;
  readonly note: string;
}

export type Direction = 'hostToDevice' | 'deviceToHost';

export interface DirectionEfficiency {
  /** Audio payload bytes / bytes on the wire (null when the direction carries no audio). */
  readonly byteEfficiency: number | null;
  /** Audio payload data bits / line bit times (8N1: 0.8 x byteEfficiency). */
  readonly lineEfficiency: number | null;
  /** Message payload bytes (audio and the message's fields) / bytes on the wire. */
  readonly messageEfficiency: number | null;
}

/** Bytes of one `hil` protocol line whose frame carries `payloadLen` payload bytes. */
export function hilLineBytes(payloadLen: number): number {
  if (!Number.isInteger(payloadLen) || payloadLen < 0) throw new RangeError(`payload length ${payloadLen} is not a natural number`);
  return HIL_LINE_OVERHEAD + 4 * Math.ceil((HIL_HEADER + payloadLen + HIL_CRC) / 3);
}

/** The `hil` protocol at `hop` samples per frame with `wire(n)` bytes on the wire for a message
 *  of n payload bytes: one PROCESS down, one RESULT (cycles, flags, samples) up, pipelined. */
function hilFramingWith(name: string, note: string, hop: number, wire: (payloadLen: number) => number): FramingCost {
  checkSamples(hop);
  const audio = 2 * hop;
  return {
    name,
    samples: hop,
    hostToDevice: { payloadBytes: audio, messageBytes: audio, wireBytes: wire(audio), lines: 1 },
    deviceToHost: { payloadBytes: audio, messageBytes: HIL_RESULT_PREFIX + audio, wireBytes: wire(HIL_RESULT_PREFIX + audio), lines: 1 },
    stopAndWaitRoundTrips: 0,
    note,
  };
}

/** Framing v1: base64 lines. */
export function hilFraming(hop: number): FramingCost {
  return hilFramingWith('hil protocol v1 (base64 lines)', 'PROCESS/RESULT pipelined up to the window; RESULT also returns the processed samples', hop, hilLineBytes);
}

/** Framing v2: binary frames (PROCESS and RESULT have the same 2-byte header). */
export function hilFramingV2(hop: number): FramingCost {
  return hilFramingWith(
    'hil protocol v2 (binary frames, COBS)',
    'as v1, in binary: 2-byte header, CRC-32, COBS stuffing (at most 1 byte per 254 + 1) and a 0x00 delimiter',
    hop,
    (n) => v2WireSize(MsgType.PROCESS, n),
  );
}

/** The framing a session uses: v2 or v1. */
export function hilFramingOf(framing: 1 | 2, hop: number): FramingCost {
  return framing === 2 ? hilFramingV2(hop) : hilFraming(hop);
}

/**
 * The MLPerf Tiny runner's `db` framing for one frame of `samples` int16 samples loaded as one
 * `db load` buffer, at most `maxBytesPerLine` bytes per `db` command.
 */
export function mlperfTinyFraming(samples: number, maxBytesPerLine = MLPERF_DB_MAX_BYTES): FramingCost {
  checkSamples(samples);
  if (!Number.isInteger(maxBytesPerLine) || maxBytesPerLine < 1) throw new RangeError(`bytes per line ${maxBytesPerLine} must be >= 1`);
  const n = 2 * samples;
  const dbLines = Math.ceil(n / maxBytesPerLine);
  const load = `db load ${n}${MLPERF_TERMINATOR}`.length;
  // `db ` + 2 hex digits per byte + `%`, per line.
  const data = dbLines * ('db '.length + MLPERF_TERMINATOR.length) + 2 * n;
  const commands = 1 + dbLines;
  const expecting = `m-[Expecting ${n} bytes]\r\n`.length;
  const answers = commands * MLPERF_READY.length + expecting + MLPERF_LOAD_DONE.length;
  return {
    name: `MLPerf Tiny runner (hex, <= ${maxBytesPerLine} B per db line)`,
    samples,
    hostToDevice: { payloadBytes: n, wireBytes: load + data, lines: commands },
    deviceToHost: { payloadBytes: 0, wireBytes: answers, lines: commands + 2 },
    stopAndWaitRoundTrips: commands,
    note: 'each db command waits for m-ready; no path returns samples (device->host carries acknowledgements only)',
  };
}

/** Efficiency of one direction, with `bitsPerByte` bit times per byte on the wire. */
export function directionEfficiency(d: DirectionCost, bitsPerByte = BITS_PER_BYTE_8N1): DirectionEfficiency {
  checkBits(bitsPerByte);
  if (d.payloadBytes === 0 || d.wireBytes === 0) return { byteEfficiency: null, lineEfficiency: null, messageEfficiency: null };
  const byteEfficiency = d.payloadBytes / d.wireBytes;
  return { byteEfficiency, lineEfficiency: (byteEfficiency * 8) / bitsPerByte, messageEfficiency: (d.messageBytes ?? d.payloadBytes) / d.wireBytes };
}

/** The direction that limits audio throughput: the lower byte efficiency among those carrying audio. */
export function bottleneck(f: FramingCost): Direction {
  const h = directionEfficiency(f.hostToDevice).byteEfficiency;
  const d = directionEfficiency(f.deviceToHost).byteEfficiency;
  if (d === null) return 'hostToDevice';
  if (h === null) return 'deviceToHost';
  return d < h ? 'deviceToHost' : 'hostToDevice';
}

/** Raw bytes per second one direction of a `baud` link carries. */
export function linkBytesPerSecond(baud: number, bitsPerByte = BITS_PER_BYTE_8N1): number {
  if (!(baud > 0) || !Number.isFinite(baud)) throw new RangeError(`baud ${baud} must be a positive number`);
  checkBits(bitsPerByte);
  return baud / bitsPerByte;
}

export interface PayloadCapacity {
  /** Raw bytes/s per direction. */
  readonly linkBytesPerSecond: number;
  readonly bottleneck: Direction;
  /** Audio payload bytes/s the framing can carry through its bottleneck direction. */
  readonly payloadBytesPerSecond: number;
  /** Frames per second the bottleneck direction can carry. */
  readonly framesPerSecond: number;
}

/** Audio the framing can carry over a `baud` link when the link, not the round trip, is the limit. */
export function payloadCapacity(f: FramingCost, baud: number, bitsPerByte = BITS_PER_BYTE_8N1): PayloadCapacity {
  const raw = linkBytesPerSecond(baud, bitsPerByte);
  const dir = bottleneck(f);
  const framesPerSecond = raw / f[dir].wireBytes;
  return { linkBytesPerSecond: raw, bottleneck: dir, framesPerSecond, payloadBytesPerSecond: framesPerSecond * f[dir].payloadBytes };
}

function checkSamples(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`samples per frame ${n} must be an integer >= 1`);
}

function checkBits(b: number): void {
  if (!Number.isInteger(b) || b < 8) throw new RangeError(`bits per byte ${b} must be an integer >= 8`);
}
