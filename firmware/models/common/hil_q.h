/**
 * @file hil_q.h
 * @brief The one header of saturating and rounding fixed-point helpers shared by every model.
 *
 * Conventions: Qm.n means a signed value with n fraction bits. "Round" is round half up
 * (add 2^(s-1) then arithmetic shift right), which is what the host-side mirrors in
 * harness/src/dsp/ implement. Right shifts of negative values are arithmetic: the code relies on
 * the two's complement behaviour every supported compiler (gcc, clang, arm-none-eabi-gcc)
 * documents, and hil_q_selftest() checks it.
 */
#ifndef HIL_Q_H
#define HIL_Q_H

#include <stdint.h>

/** Saturate a 32-bit value to int16 [-32768, 32767]. */
static inline int16_t hil_sat16(int32_t x)
{
    if (x > INT16_MAX) return INT16_MAX;
    if (x < INT16_MIN) return INT16_MIN;
    return (int16_t)x;
}

/** Saturate a 64-bit value to int32. */
static inline int32_t hil_sat32(int64_t x)
{
    if (x > INT32_MAX) return INT32_MAX;
    if (x < INT32_MIN) return INT32_MIN;
    return (int32_t)x;
}

/** Rounding arithmetic right shift of a 64-bit value: (x + 2^(s-1)) >> s, s in [1, 62].
 *  No overflow for |x| < 2^62. */
static inline int64_t hil_rshr64(int64_t x, unsigned s)
{
    return (x + ((int64_t)1 << (s - 1u))) >> s;
}

/** Rounding arithmetic right shift of a 32-bit value, s in [1, 30]; computed in 64 bits so the
 *  rounding constant cannot overflow. */
static inline int32_t hil_rshr32(int32_t x, unsigned s)
{
    return (int32_t)hil_rshr64((int64_t)x, s);
}

/** The shared rounding-and-saturation step: round a 64-bit accumulator right by s bits and
 *  saturate to int16. This is the only way a model turns an accumulator into a Q15 sample. */
static inline int16_t hil_round_sat16(int64_t acc, unsigned s)
{
    int64_t r = s == 0u ? acc : hil_rshr64(acc, s);
    if (r > INT16_MAX) return INT16_MAX;
    if (r < INT16_MIN) return INT16_MIN;
    return (int16_t)r;
}

/** Q15 x Q15 -> Q15 with rounding and saturation (only -1 x -1 saturates). */
static inline int16_t hil_mul_q15(int16_t a, int16_t b)
{
    return hil_round_sat16((int64_t)a * (int64_t)b, 15u);
}

/** Apply a linear gain g in Q15 extended to 32 bits (32768 = unity, > 32768 amplifies) to a
 *  sample: round((x * g) / 2^15), saturated to int16. Exact for every x, g >= 0. */
static inline int16_t hil_apply_gain_q15(int16_t x, int32_t g)
{
    return hil_round_sat16((int64_t)x * (int64_t)g, 15u);
}

/* ======================================================================================
 * dB -> linear gain (integer only) and self test.
 * Section owned by the agent / gain model work; other models add their helpers in their own
 * clearly marked section below this one.
 * ====================================================================================== */

#include "hil_exp2_table.h"

/** round(2^22 * log2(10) / 20): converts dB in Q8 to log2 in Q16 after a rounding shift by 14
 *  (|db_q8 * K| < 2^51: exact in int64 and in a JS Number). */
#define HIL_LOG2_10_OVER_20_Q22 696659

/** Largest gain hil_db_to_gain_q15() returns (it saturates here). */
#define HIL_GAIN_Q15_MAX INT32_MAX

/**
 * Convert a level in dB to a linear amplitude gain, integer only (bit-exact on every target; no
 * libm). Mirrored exactly by dbToGainQ15() in harness/src/dsp/gain-q15.ts.
 *
 * @param db_q8 level in dB, Q8 (raw / 256 dB), any int32 value.
 * @return the linear gain 10^(dB/20) in Q15 extended to 32 bits (32768 = 0 dB, 65529 = +6.0195
 *         dB), >= 0. Saturates at INT32_MAX (= 65536.0, about +96.33 dB); tends to 0 for large
 *         negative inputs (0 below about -96.3 dB).
 *
 * Algorithm (every step rounds half up):
 *  1. l = round(db_q8 * HIL_LOG2_10_OVER_20_Q22 / 2^14): log2 of the gain in Q16 (int64, exact).
 *  2. n = floor(l / 2^16), f = l - n * 2^16 in [0, 2^16).
 *  3. v = 2^(f / 2^16) in Q30 from the 65-entry table of 2^(k/64) (hil_exp2_table.h) with linear
 *     interpolation on the low 10 bits of f: v = T[k] + round((T[k+1] - T[k]) * r / 2^10),
 *     k = f >> 10, r = f & 1023. v is in [2^30, 2^31).
 *  4. gain = v * 2^n / 2^15 = round(v / 2^(15 - n)); n > 15 saturates; 15 - n > 40 gives 0.
 * Accuracy: relative error below 3e-5 of 10^(dB/20) plus the rounding of the result to an integer
 * (checked over -96 .. +96 dB by models/common/test/test_q.c).
 */
static inline int32_t hil_db_to_gain_q15(int32_t db_q8)
{
    static const uint32_t table[HIL_EXP2_TABLE_STEPS + 1u] = HIL_EXP2_Q30_TABLE_INIT;
    const int64_t l = hil_rshr64((int64_t)db_q8 * HIL_LOG2_10_OVER_20_Q22, 14u);
    const int64_t n = l >> 16;
    const uint32_t f = (uint32_t)(l & 0xFFFF);
    const uint32_t k = f >> 10;
    const uint32_t r = f & 0x3FFu;
    const uint64_t v =
        (uint64_t)table[k] + (((uint64_t)(table[k + 1u] - table[k]) * r + 512u) >> 10);
    const int64_t s = 15 - n;
    if (s < 0) return HIL_GAIN_Q15_MAX; /* v >= 2^30, so v * 2 >= 2^31 */
    if (s == 0) return v > (uint64_t)INT32_MAX ? HIL_GAIN_Q15_MAX : (int32_t)v;
    if (s > 40) return 0;
    return (int32_t)((v + ((uint64_t)1 << (unsigned)(s - 1))) >> (unsigned)s);
}

/**
 * Check the arithmetic assumptions the helpers rely on (two's complement, arithmetic right shift
 * of negative values, rounding half up) and a few fixed points of hil_db_to_gain_q15().
 * @return 0 if all hold, else the number of the first failed check.
 */
static inline int hil_q_selftest(void)
{
    const int32_t minus_three = -3;
    if ((minus_three >> 1) != -2) return 1;                  /* arithmetic shift, floor */
    if (hil_rshr32(-3, 1u) != -1 || hil_rshr32(3, 1u) != 2) return 2; /* half up */
    if (hil_sat16(40000) != INT16_MAX || hil_sat16(-40000) != INT16_MIN) return 3;
    if (hil_mul_q15(INT16_MIN, INT16_MIN) != INT16_MAX) return 4;
    if (hil_apply_gain_q15(-32768, 65536) != INT16_MIN) return 5;
    if (hil_db_to_gain_q15(0) != 32768) return 6;
    if (hil_db_to_gain_q15(INT32_MAX) != INT32_MAX || hil_db_to_gain_q15(INT32_MIN) != 0) return 7;
    return 0;
}

/* ==== end of dB -> linear gain section ==== */

#endif /* HIL_Q_H */
