/**
 * Models for the TS fake device (fake-device.ts). Not the firmware's models: just enough
 * behaviour to test the session, with outputs a test can compute independently.
 */
import type { ParamDesc } from '../protocol/device-info.ts';

export interface FakeModel {
  readonly id: string;
  readonly description: string;
  readonly rate: number;
  readonly hop: number;
  readonly latency: number;
  readonly params: readonly ParamDesc[];
  /** Clear streaming state (parameters kept). */
  reset(): void;
  /** One frame of `hop` samples; undefined = the model failed (ERROR MODEL). */
  process(input: Int16Array): Int16Array | undefined;
  /** Raw value, range already checked. */
  setParam(id: number, raw: number): void;
  getParam(id: number): number;
}

/** The fake gain's linear gain in Q15 for a gain in dB Q8: round(32768 * 10^(dB / 20)). */
export function fakeGainQ15(dbQ8: number): number {
  return Math.round(32768 * 10 ** (dbQ8 / 256 / 20));
}

/** out = sat16(floor((x * g + 2^14) / 2^15)); exact in doubles for |x * g| < 2^53. */
export function applyFakeGain(x: number, gainQ15: number): number {
  const y = Math.floor((x * gainQ15 + 16384) / 32768);
  return y > 32767 ? 32767 : y < -32768 ? -32768 : y;
}

export const GAIN_DB_PARAM: ParamDesc = { id: 0, name: 'gain_db', unit: 'dB', fracBits: 8, min: -15360, max: 6144, def: 0 };
export const MUTE_PARAM: ParamDesc = { id: 1, name: 'mute', unit: 'bool', fracBits: 0, min: 0, max: 1, def: 0 };

/** A gain (-60 .. +24 dB, Q8) with a mute switch. Stateless per frame. */
export function fakeGainModel(opts: { hop?: number; rate?: number } = {}): FakeModel {
  let gainDb = GAIN_DB_PARAM.def;
  let mute = MUTE_PARAM.def;
  const hop = opts.hop ?? 160;
  return {
    id: 'gain',
    description: 'fake int16 gain (TS)',
    rate: opts.rate ?? 16000,
    hop,
    latency: 0,
    params: [GAIN_DB_PARAM, MUTE_PARAM],
    reset() {},
    process(input) {
      const g = mute ? 0 : fakeGainQ15(gainDb);
      const out = new Int16Array(hop);
      for (let i = 0; i < hop; i++) out[i] = applyFakeGain(input[i]!, g);
      return out;
    },
    setParam(id, raw) {
      if (id === 0) gainDb = raw;
      else mute = raw;
    },
    getParam(id) {
      return id === 0 ? gainDb : mute;
    },
  };
}
