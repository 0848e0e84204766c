/**
 * Can a serial link carry a stream in real time? Required bytes per second in each direction for
 * `rate` Hz audio in frames of `hop` samples, against what `baud` carries (8N1: 10 bit times a
 * byte, full duplex). A run over a link that cannot keep up is link-bound: its wall time says
 * nothing about the model. Pure function; the caller decides where the message goes.
 */
import type { LinkFeasibilityRecord } from '../core/results.ts';
import { BITS_PER_BYTE_8N1, hilFraming, hilFramingOf, linkBytesPerSecond, type Direction, type FramingCost } from './link-efficiency.ts';

/** Below this headroom (capacity / need) a feasible link is reported as tight. */
export const TIGHT_HEADROOM = 1.1;

export interface FeasibilityInput {
  readonly baud: number;
  /** Sample rate, Hz. */
  readonly rate: number;
  /** Samples per frame. */
  readonly hop: number;
  /** Wire framing (default: the hil protocol at `hop`). Its `samples` must equal `hop`. */
  readonly framing?: FramingCost;
  readonly bitsPerByte?: number;
}

export interface DirectionNeed {
  /** Wire bytes/s real-time streaming needs. */
  readonly requiredBytesPerSecond: number;
  /** Required / link capacity (> 1: the direction cannot keep up). */
  readonly utilisation: number;
}

export interface Feasibility {
  /** Both directions fit in real time. */
  readonly feasible: boolean;
  /** 'ok', 'tight' (feasible with less than 10% headroom) or 'infeasible'. */
  readonly level: 'ok' | 'tight' | 'infeasible';
  /**
   * Link capacity / requirement of the busier direction: the fastest real-time factor the link
   * allows (>= 1 feasible; 0.25 means the run takes at least 4x the audio's duration).
   */
  readonly ratio: number;
  readonly bottleneck: Direction;
  readonly linkBytesPerSecond: number;
  readonly hostToDevice: DirectionNeed;
  readonly deviceToHost: DirectionNeed;
  /** One line for a report or a warning. */
  readonly message: string;
}

export function realtimeFeasibility(i: FeasibilityInput): Feasibility {
  if (!(i.rate > 0) || !Number.isFinite(i.rate)) throw new RangeError(`sample rate ${i.rate} must be a positive number`);
  const framing = i.framing ?? hilFraming(i.hop);
  if (framing.samples !== i.hop) throw new RangeError(`framing is for ${framing.samples} samples per frame, the stream uses ${i.hop}`);
  const bits = i.bitsPerByte ?? BITS_PER_BYTE_8N1;
  const cap = linkBytesPerSecond(i.baud, bits);
  const framesPerSecond = i.rate / i.hop;
  const need = (wire: number): DirectionNeed => ({ requiredBytesPerSecond: wire * framesPerSecond, utilisation: (wire * framesPerSecond) / cap });
  const h2d = need(framing.hostToDevice.wireBytes);
  const d2h = need(framing.deviceToHost.wireBytes);
  const bottleneck: Direction = d2h.utilisation > h2d.utilisation ? 'deviceToHost' : 'hostToDevice';
  const worst = bottleneck === 'deviceToHost' ? d2h : h2d;
  const ratio = 1 / worst.utilisation;
  const level = ratio < 1 ? 'infeasible' : ratio < TIGHT_HEADROOM ? 'tight' : 'ok';
  const dirName = bottleneck === 'deviceToHost' ? 'device->host' : 'host->device';
  const base =
    `${i.baud} baud (${bits} bits/byte) carries ${fmt(cap)} B/s each way; ${i.rate} Hz in ${i.hop}-sample frames needs ` +
    `${fmt(worst.requiredBytesPerSecond)} B/s ${dirName}`;
  const message =
    level === 'infeasible'
      ? `link-bound: ${base}, so the link allows at most ${ratio.toFixed(2)}x real time ` +
        `(a run takes at least ${(1 / ratio).toFixed(1)}x the audio's duration); wall time measures the link, not the model`
      : level === 'tight'
        ? `real time fits with only ${((ratio - 1) * 100).toFixed(1)}% headroom: ${base} (${(worst.utilisation * 100).toFixed(1)}% of the link)`
        : `real time fits: ${base} (${(worst.utilisation * 100).toFixed(1)}% of the link, up to ${ratio.toFixed(2)}x real time)`;
  return { feasible: ratio >= 1, level, ratio, bottleneck, linkBytesPerSecond: cap, hostToDevice: h2d, deviceToHost: d2h, message };
}

/** The report's record of a feasibility check at `baud` for a `rate` Hz, `hop`-sample stream in
 *  the session's `framing` (PROTOCOL.md 8). */
export function linkFeasibilityRecord(baud: number, rate: number, hop: number, framing: 1 | 2 = 1): LinkFeasibilityRecord {
  const f = realtimeFeasibility({ baud, rate, hop, framing: hilFramingOf(framing, hop) });
  return { baud, rate, hop, framing, level: f.level, maxRealTimeFactor: f.ratio, bottleneck: f.bottleneck, message: `${f.message} (framing v${framing})` };
}

function fmt(n: number): string {
  return Math.round(n).toString();
}
