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

#endif /* HIL_Q_H */
