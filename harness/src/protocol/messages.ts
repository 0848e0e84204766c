/** Message types, NAK reasons and ERROR codes of protocol version 1 (PROTOCOL.md section 4). */

export const PROTO_VERSION = 1;
export const HEADER_SIZE = 8;
export const CRC_SIZE = 4;
export const PAYLOAD_HARD_LIMIT = 4096;
export const HOST_LINE_LIMIT = 8192;
export const LINE_MARKER = '@:';

export const MsgType = {
  HELLO: 0x01,
  RESET: 0x02,
  SET_PARAM: 0x03,
  GET_PARAM: 0x04,
  PROCESS: 0x05,
  STATS: 0x06,
  PROFILE: 0x07,
  TAP: 0x08,
  INFO: 0x81,
  OK: 0x82,
  PARAM: 0x83,
  RESULT: 0x85,
  STATS_REPLY: 0x86,
  TAP_DATA: 0x88,
  BOOT: 0xc0,
  FAULT: 0xc1,
  /** framing v2 only: a device log line as a frame (PROTOCOL.md 8.2) */
  LOG: 0xc2,
  NAK: 0xe0,
  ERROR: 0xe1,
} as const;
export type MsgTypeName = keyof typeof MsgType;
export type MsgTypeCode = (typeof MsgType)[MsgTypeName];

export const NakReason = { CRC: 1, GAP: 2, TOO_LONG: 3, BAD_VERSION: 4, BAD_LENGTH: 5 } as const;
export type NakReasonName = keyof typeof NakReason;

export const DeviceErrorCode = {
  UNKNOWN_TYPE: 1,
  BAD_PAYLOAD: 2,
  BAD_PARAM: 3,
  PARAM_RANGE: 4,
  MODEL: 5,
  UNSUPPORTED: 6,
} as const;
export type DeviceErrorName = keyof typeof DeviceErrorCode;

/**
 * RESULT.flags: bit 0 count overflow; bit 1 stage counts follow the samples, their number in bits
 * 8..15; bit 2 stage digests follow those, their number in bits 16..23 (PROTOCOL.md 4.5).
 */
export const ResultFlag = { COUNT_OVERFLOW: 1, STAGES: 2, DIGESTS: 4 } as const;

/** TAP request operations (PROTOCOL.md 4.5). */
export const TapOp = { OFF: 0, DIGESTS: 1, CAPTURE: 2, READ: 3 } as const;

function reverse<T extends Record<string, number>>(o: T): Map<number, keyof T> {
  return new Map(Object.entries(o).map(([k, v]) => [v, k as keyof T]));
}
const TYPE_NAMES = reverse(MsgType);
const NAK_NAMES = reverse(NakReason);
const ERROR_NAMES = reverse(DeviceErrorCode);

export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `0x${type.toString(16).padStart(2, '0')}`;
}
export function nakReasonName(reason: number): string {
  return NAK_NAMES.get(reason) ?? `reason ${reason}`;
}
export function deviceErrorName(code: number): string {
  return ERROR_NAMES.get(code) ?? `code ${code}`;
}

/** The response type expected for each request type. */
export function isRequest(type: number): boolean {
  return type < 0x80;
}
