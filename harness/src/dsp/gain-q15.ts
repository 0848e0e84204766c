/**
 * Bit-exact TypeScript mirror of the firmware's integer gain helpers (firmware/models/common/hil_q.h):
 * hil_db_to_gain_q15() and hil_apply_gain_q15(). The host uses them to predict the device's
 * output exactly (bit-exactness checks) without floats: every step is integer arithmetic on values
 * below 2^53, and every division is by a power of two, so Number arithmetic is exact.
 *
 * Rounding is half up (add half, then floor), as in hil_q.h.
 */
import { EXP2_Q30_TABLE, EXP2_TABLE_STEPS } from './exp2-table.ts';

/** round(2^22 * log2(10) / 20), HIL_LOG2_10_OVER_20_Q22. */
export const LOG2_10_OVER_20_Q22 = 696659;
/** The saturation value of dbToGainQ15 (INT32_MAX, a gain of 65536.0). */
export const GAIN_Q15_MAX = 0x7fffffff;

/** floor(x / 2^s) for an exact integer x (|x| < 2^53); exact because 2^s is a power of two. */
function floorShift(x: number, s: number): number {
  return Math.floor(x / 2 ** s);
}

/**
 * dB in Q8 (raw / 256 dB, an int32) -> linear gain in Q15 extended to 32 bits (32768 = 0 dB),
 * saturating at INT32_MAX, never below 0. Same algorithm and result as hil_db_to_gain_q15().
 */
export function dbToGainQ15(dbQ8: number): number {
  if (!Number.isInteger(dbQ8) || dbQ8 < -0x80000000 || dbQ8 > 0x7fffffff) {
    throw new RangeError(`dbToGainQ15: ${dbQ8} is not an int32`);
  }
  // 1. log2 of the gain in Q16: |dbQ8 * K| < 2^51, exact.
  const l = floorShift(dbQ8 * LOG2_10_OVER_20_Q22 + 8192, 14);
  // 2. integer and fraction parts.
  const n = floorShift(l, 16);
  const f = l - n * 65536;
  // 3. 2^(f/2^16) in Q30 by table + linear interpolation.
  const k = f >>> 10;
  const r = f & 0x3ff;
  const t0 = EXP2_Q30_TABLE[k]!;
  const t1 = EXP2_Q30_TABLE[k + 1]!;
  const v = t0 + floorShift((t1 - t0) * r + 512, 10);
  // 4. shift by n - 15 with rounding.
  const s = 15 - n;
  if (s < 0) return GAIN_Q15_MAX;
  if (s === 0) return v > GAIN_Q15_MAX ? GAIN_Q15_MAX : v;
  if (s > 40) return 0;
  return floorShift(v + 2 ** (s - 1), s);
}

/** Saturate to int16. */
function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/**
 * Apply a Q15 gain (0 .. INT32_MAX, 32768 = unity) to int16 samples: (x * g + 16384) >> 15,
 * saturated to int16 (hil_apply_gain_q15()). |x * g| < 2^47, exact in a Number.
 */
export function applyGainQ15(samples: Int16Array, gainQ15: number): Int16Array {
  if (!Number.isInteger(gainQ15) || gainQ15 < 0 || gainQ15 > GAIN_Q15_MAX) {
    throw new RangeError(`applyGainQ15: gain ${gainQ15} is outside 0 .. 2^31-1`);
  }
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = sat16(floorShift(samples[i]! * gainQ15 + 16384, 15));
  return out;
}

// Keep the table size assumption visible to the type checker and readers.
if (EXP2_Q30_TABLE.length !== EXP2_TABLE_STEPS + 1) throw new Error('exp2 table has the wrong size');
