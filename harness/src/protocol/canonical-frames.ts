/**
 * The canonical frames shared byte for byte by the TS and C protocol tests
 * (firmware/agent/test/canonical-frames.txt). Deterministic: no randomness, no clock.
 *
 * Regenerate with `npx tsx harness/src/protocol/write-canonical-frames.ts` (a test fails when the
 * committed file differs from what this module produces).
 *
 * File format, one record a line, fields separated by '|':
 *   frame|NAME|TYPE_HEX|SEQ|TX|PAYLOAD_HEX|LINE      LINE decodes to exactly these fields
 *   corrupt|NAME|CLASS|LINE                          CLASS is `crc` or `version`
 *   log|NAME|LINE                                    not a protocol line
 *   frame2|NAME|TYPE_HEX|SEQ|TX|PAYLOAD_HEX|WIRE_HEX framing v2 (PROTOCOL.md 8): the wire bytes,
 *                                                    delimiter included; decoded with the
 *                                                    sequence reference SEQ
 *   corrupt2|NAME|CLASS|WIRE_HEX                     a v2 unit (delimiter included) refused as
 *                                                    CLASS: `crc` or `length` (payload over 1024)
 */
import { crc32 } from './crc32.ts';
import { encodeFrame } from './frame-codec.ts';
import { encodeFrameV2, isAudioType, V2_SKIPPED_TX } from './frame-codec-v2.ts';
import { cobsEncode } from './cobs.ts';
import { CRC_SIZE, HEADER_SIZE, LINE_MARKER, MsgType, NakReason, DeviceErrorCode } from './messages.ts';
import { formatKeyValues, packError, packNak, packParam, packResult, packSamples, packTap, packTapData } from './payloads.ts';

export interface CanonicalFrame {
  readonly name: string;
  readonly type: number;
  readonly seq: number;
  readonly tx: number;
  readonly payload: Uint8Array;
}

function ramp(n: number, mul: number): Int16Array {
  const s = new Int16Array(n);
  for (let i = 0; i < n; i++) s[i] = ((i * mul + 0x8000) & 0xffff) - 0x8000;
  s[0] = -32768;
  s[n - 1] = 32767;
  return s;
}

/** Raw frame bytes with a chosen version/length field and a valid CRC. */
function rawLine(ver: number, type: number, declaredLen: number, payload: Uint8Array): string {
  const b = Buffer.alloc(HEADER_SIZE + payload.length + CRC_SIZE);
  b.writeUInt8(ver, 0);
  b.writeUInt8(type, 1);
  b.writeUInt16LE(3, 2);
  b.writeUInt16LE(9, 4);
  b.writeUInt16LE(declaredLen, 6);
  b.set(payload, HEADER_SIZE);
  b.writeUInt32LE(crc32(b.subarray(0, HEADER_SIZE + payload.length)), HEADER_SIZE + payload.length);
  return LINE_MARKER + b.toString('base64');
}

const MODEL_S_STAGES = 'input,window,fft,bands,features,dense1,gru1,gru2,dense2,gains,ifft,synthesis';
const modelSInfo = (extra: ReadonlyArray<readonly [string, string]>) =>
  formatKeyValues([['proto', '1'], ['model', 'model-s'], ['hop', '160'], ['stages', MODEL_S_STAGES], ...extra]);

export const CANONICAL_FRAMES: readonly CanonicalFrame[] = [
  { name: 'hello', type: MsgType.HELLO, seq: 0, tx: 0, payload: new Uint8Array(0) },
  { name: 'hello-wrap', type: MsgType.HELLO, seq: 0xffff, tx: 0xfffe, payload: new Uint8Array(0) },
  { name: 'reset', type: MsgType.RESET, seq: 1, tx: 2, payload: new Uint8Array(0) },
  { name: 'set-param', type: MsgType.SET_PARAM, seq: 2, tx: 3, payload: packParam(0, -1536) },
  { name: 'get-param', type: MsgType.GET_PARAM, seq: 3, tx: 4, payload: packParam(1) },
  { name: 'process-160', type: MsgType.PROCESS, seq: 4, tx: 5, payload: packSamples(ramp(160, 409)) },
  { name: 'process-512', type: MsgType.PROCESS, seq: 0x1234, tx: 0xabcd, payload: packSamples(ramp(512, 127)) },
  { name: 'stats', type: MsgType.STATS, seq: 5, tx: 6, payload: new Uint8Array(0) },
  { name: 'profile-on', type: MsgType.PROFILE, seq: 6, tx: 7, payload: Uint8Array.of(1) },
  { name: 'tap-digests', type: MsgType.TAP, seq: 7, tx: 8, payload: packTap('digests') },
  { name: 'tap-capture', type: MsgType.TAP, seq: 8, tx: 9, payload: packTap('capture', 6) },
  { name: 'tap-read', type: MsgType.TAP, seq: 9, tx: 10, payload: packTap('read', 0x0480) },
  {
    name: 'info',
    type: MsgType.INFO,
    seq: 0,
    tx: 0,
    payload: formatKeyValues([
      ['proto', '1'],
      ['fw', 'hil-sim-gain'],
      ['model', 'gain'],
      ['rate', '16000'],
      ['hop', '160'],
      ['param', '0,gain_db,dB,8,-15360,6144,0'],
    ]),
  },
  {
    name: 'info-stages',
    type: MsgType.INFO,
    seq: 0,
    tx: 0,
    payload: modelSInfo([]),
  },
  {
    name: 'info-taps',
    type: MsgType.INFO,
    seq: 0,
    tx: 0,
    payload: modelSInfo([['taps', 'i16x320,i32x512,i32x514,i64x20,i16x20,i16x32,i16x48,i16x48,i32x20,i32x514,i32x512,i16x160']]),
  },
  { name: 'ok', type: MsgType.OK, seq: 1, tx: 2, payload: new Uint8Array(0) },
  { name: 'param', type: MsgType.PARAM, seq: 2, tx: 3, payload: packParam(0, -1536) },
  {
    name: 'result',
    type: MsgType.RESULT,
    seq: 4,
    tx: 5,
    payload: packResult({ cycles: 0xdeadbeef, flags: 1, samples: ramp(160, 77) }),
  },
  {
    name: 'result-stages',
    type: MsgType.RESULT,
    seq: 7,
    tx: 8,
    payload: packResult({ cycles: 254880, flags: 0, samples: ramp(160, 91), stages: Uint32Array.of(3016, 9119, 46072, 9333, 1528, 3876, 44877, 49482, 3707, 9082, 60926, 14862) }),
  },
  {
    name: 'result-digests',
    type: MsgType.RESULT,
    seq: 10,
    tx: 11,
    payload: packResult({ cycles: 0, flags: 0, samples: ramp(160, 53), digests: Uint32Array.of(0x1c291ca3, 0xcbf43926, 0, 0xffffffff) }),
  },
  {
    name: 'tap-data',
    type: MsgType.TAP_DATA,
    seq: 9,
    tx: 10,
    payload: packTapData({ stage: 6, elemBytes: 2, count: 48, offset: 64, bytes: packSamples(ramp(16, 4099)) }),
  },
  {
    name: 'stats-reply',
    type: MsgType.STATS_REPLY,
    seq: 5,
    tx: 6,
    payload: formatKeyValues([
      ['frames', '1'],
      ['crc_errors', '0'],
      ['stack_hwm', '-1'],
    ]),
  },
  { name: 'boot', type: MsgType.BOOT, seq: 0, tx: 0, payload: formatKeyValues([['fw', 'hil-sim-gain'], ['reason', 'power-on']]) },
  {
    name: 'fault',
    type: MsgType.FAULT,
    seq: 0,
    tx: 0,
    payload: formatKeyValues([['kind', 'hardfault'], ['pc', '0x00001234'], ['frame', '17']]),
  },
  { name: 'nak-gap', type: MsgType.NAK, seq: 9, tx: 11, payload: packNak(7, NakReason.GAP) },
  { name: 'error', type: MsgType.ERROR, seq: 6, tx: 7, payload: packError(DeviceErrorCode.PARAM_RANGE, 'value out of range') },
];

export interface CanonicalCorrupt {
  readonly name: string;
  readonly klass: 'crc' | 'version';
  readonly line: string;
}

function corrupts(): CanonicalCorrupt[] {
  const good = encodeFrame({ type: MsgType.RESET, seq: 1, tx: 2 });
  const flipped = good.slice(0, 5) + (good[5] === 'A' ? 'B' : 'A') + good.slice(6);
  return [
    { name: 'bad-crc', klass: 'crc', line: flipped },
    { name: 'truncated', klass: 'crc', line: good.slice(0, good.length - 4) },
    { name: 'bad-char', klass: 'crc', line: good.slice(0, 4) + '*' + good.slice(5) },
    { name: 'empty', klass: 'crc', line: LINE_MARKER },
    { name: 'short', klass: 'crc', line: LINE_MARKER + 'AQIDBA==' },
    { name: 'length-mismatch', klass: 'crc', line: rawLine(1, MsgType.RESET, 10, new Uint8Array([1, 2, 3, 4])) },
    { name: 'version-2', klass: 'version', line: rawLine(2, MsgType.RESET, 0, new Uint8Array(0)) },
  ];
}

const LOGS: ReadonlyArray<readonly [string, string]> = [
  ['plain', 'boot: model gain ready'],
  ['at-sign', '@ not a frame'],
  ['empty', ''],
];

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

/** The v2 tag of a canonical frame: its v1 tag modulo 128, never the one audio frames skip. */
function txV2(f: CanonicalFrame): number {
  const tx = f.tx & 0x7f;
  return isAudioType(f.type) && tx === V2_SKIPPED_TX ? tx + 1 : tx;
}

/** Deliberately bad v2 units: each must be refused, and a request must not be executed. */
function corruptsV2(): Array<{ name: string; klass: 'crc' | 'length'; wire: Uint8Array }> {
  const good = encodeFrameV2({ type: MsgType.PROCESS, seq: 4, tx: 5 }, packSamples(ramp(160, 409)));
  const flipped = Uint8Array.from(good);
  flipped[100]! ^= 0x01;
  if (flipped[100] === 0) flipped[100] = 0x02;
  const unstuffed = Uint8Array.from([0x09, 0x85, 0x04, 0x02, 0x00]); // a code running past the end
  const short = Uint8Array.from([...cobsEncode(Uint8Array.from([0x85, 0x04, 0x02])), 0]);
  const truncated = Uint8Array.from([...good.subarray(0, 200), 0]);
  const long = encodeFrameV2({ type: MsgType.PROCESS, seq: 4, tx: 5 }, new Uint8Array(1026).fill(0x11));
  return [
    { name: 'v2-bit-flip', klass: 'crc', wire: flipped },
    { name: 'v2-bad-stuffing', klass: 'crc', wire: unstuffed },
    { name: 'v2-shorter-than-header', klass: 'crc', wire: short },
    { name: 'v2-truncated', klass: 'crc', wire: truncated },
    { name: 'v2-payload-over-1024', klass: 'length', wire: long },
  ];
}

/** Render the canonical file. */
export function renderCanonicalFile(): string {
  const out = [
    '# hil protocol canonical frames (framing v1 and v2). GENERATED by harness/src/protocol/canonical-frames.ts',
    '# (`npx tsx harness/src/protocol/write-canonical-frames.ts`); do not edit by hand.',
    '# frame|NAME|TYPE_HEX|SEQ|TX|PAYLOAD_HEX|LINE   corrupt|NAME|CLASS|LINE   log|NAME|LINE',
    '# frame2|NAME|TYPE_HEX|SEQ|TX|PAYLOAD_HEX|WIRE_HEX   corrupt2|NAME|CLASS|WIRE_HEX   (framing v2)',
  ];
  for (const f of CANONICAL_FRAMES) {
    const line = encodeFrame(f, f.payload);
    out.push(`frame|${f.name}|${f.type.toString(16).padStart(2, '0')}|${f.seq}|${f.tx}|${hex(f.payload)}|${line}`);
  }
  for (const c of corrupts()) out.push(`corrupt|${c.name}|${c.klass}|${c.line}`);
  for (const [name, line] of LOGS) out.push(`log|${name}|${line}`);
  for (const f of CANONICAL_FRAMES) {
    const tx = txV2(f);
    out.push(`frame2|${f.name}|${f.type.toString(16).padStart(2, '0')}|${f.seq}|${tx}|${hex(f.payload)}|${hex(encodeFrameV2({ ...f, tx }, f.payload))}`);
  }
  for (const c of corruptsV2()) out.push(`corrupt2|${c.name}|${c.klass}|${hex(c.wire)}`);
  return out.join('\n') + '\n';
}

export const CANONICAL_FILE = new URL('../../../firmware/agent/test/canonical-frames.txt', import.meta.url);
