/**
 * How long a session waits for progress before it declares the device unresponsive (a hang, or a
 * device that stopped answering): derived from the frame budget and the link rate, not a fixed
 * guess. Pure.
 *
 *   stall = max(FLOOR, SAFETY * W * (hop / rate * slowdown + (L_process + L_result) / R))
 *
 * W: frames in flight (the effective window); hop / rate: the real-time budget of one frame in
 * seconds (a device slower than that fails its margin anyway; `slowdown` > 1 allows targets that
 * are not real time); L_process, L_result: bytes of one PROCESS and one RESULT line; R: the link's
 * bytes per second (Infinity for pipes). W frames' worth of both lines and of processing is the
 * most that can legitimately be in flight when the oldest answer is due; SAFETY covers a loaded
 * host, FLOOR the scheduling jitter of a busy machine (GC pauses, process start-up).
 */
import { CRC_SIZE, HEADER_SIZE, LINE_MARKER } from '../protocol/messages.ts';

/** Multiple of the in-flight work allowed before a stall is declared. */
export const STALL_SAFETY = 4;
/** Shortest stall timeout, ms. */
export const STALL_FLOOR_MS = 2000;
/** RESULT payload bytes before the samples: cycles (u32) and flags (u32). */
const RESULT_PREFIX = 8;

export interface LinkRate {
  /** Bytes per second one direction carries (Infinity: a pipe, transfer time negligible). */
  readonly bytesPerSecond: number;
  /** Wall time of one frame on the target over its real-time budget (1: real time or faster). */
  readonly slowdown: number;
  /** Where the figures come from, for the report. */
  readonly source: string;
}

export interface StallInputs extends LinkRate {
  readonly window: number;
  readonly hop: number;
  readonly rate: number;
}

export interface StallTimeout {
  readonly ms: number;
  /** The terms of the formula, for the report. */
  readonly frameMs: number;
  readonly wireMs: number;
  readonly window: number;
  readonly formula: string;
}

/** Bytes of one protocol line (marker, base64 of header + payload + CRC, newline). */
export function protocolLineBytes(payloadBytes: number): number {
  return LINE_MARKER.length + 4 * Math.ceil((HEADER_SIZE + payloadBytes + CRC_SIZE) / 3) + 1;
}

export function stallTimeout(i: StallInputs): StallTimeout {
  const frameMs = ((1000 * i.hop) / i.rate) * Math.max(1, i.slowdown);
  const lineBytes = protocolLineBytes(2 * i.hop) + protocolLineBytes(RESULT_PREFIX + 2 * i.hop);
  const wireMs = Number.isFinite(i.bytesPerSecond) && i.bytesPerSecond > 0 ? (1000 * lineBytes) / i.bytesPerSecond : 0;
  const derived = STALL_SAFETY * i.window * (frameMs + wireMs);
  const ms = Math.ceil(Math.max(STALL_FLOOR_MS, derived));
  return {
    ms,
    frameMs,
    wireMs,
    window: i.window,
    formula: `max(${STALL_FLOOR_MS} ms, ${STALL_SAFETY} x ${i.window} frames x (${frameMs.toFixed(1)} ms frame + ${wireMs.toFixed(1)} ms on the wire)) = ${ms} ms`,
  };
}
