/**
 * @file ms_intrin.h
 * @brief The one DSP intrinsic model S uses, SMLALD, with a portable C definition of its exact
 *        semantics for hosts (and for Cortex-M builds without the DSP extension).
 */
#ifndef MS_INTRIN_H
#define MS_INTRIN_H

#include <stdint.h>
#include <string.h>

#include "ms_config.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MS_SMLALD_NATIVE 1
#else
#define MS_SMLALD_NATIVE 0
#endif

/** The dot-product path this build runs, as the model descriptor reports it (INFO model_desc), so
 *  that a run can show which path produced its outputs. */
#if MS_BOTH_PATHS
#define MS_DOT_PATH_NAME "ref and dsp (run-time choice), dsp " MS_SMLALD_KIND
#elif MS_USE_DSP
#define MS_DOT_PATH_NAME "dsp " MS_SMLALD_KIND
#else
#define MS_DOT_PATH_NAME "ref (portable int64 C)"
#endif
#if MS_SMLALD_NATIVE
#define MS_SMLALD_KIND "(SMLALD instruction)"
#else
#define MS_SMLALD_KIND "(portable SMLALD emulation)"
#endif

/** Low signed halfword of a packed pair (bits 15..0). */
static inline int32_t ms_lo16(uint32_t v)
{
    return (int32_t)(v & 0xFFFFu) - (int32_t)((v & 0x8000u) << 1);
}

/** High signed halfword of a packed pair (bits 31..16). */
static inline int32_t ms_hi16(uint32_t v)
{
    return ms_lo16(v >> 16);
}

/**
 * SMLALD, portable definition: acc + lo(x) * lo(y) + hi(x) * hi(y), the products are exact
 * 16x16 -> 32-bit signed, the sum is 64-bit and wraps modulo 2^64 like the instruction (model S
 * keeps |acc| < 2^40, so it never wraps).
 */
static inline int64_t ms_smlald_c(uint32_t x, uint32_t y, int64_t acc)
{
    const uint64_t p = (uint64_t)(int64_t)(ms_lo16(x) * ms_lo16(y)) +
                       (uint64_t)(int64_t)(ms_hi16(x) * ms_hi16(y));
    return (int64_t)((uint64_t)acc + p);
}

/** SMLALD: the instruction on DSP cores, ms_smlald_c() elsewhere (identical results). */
static inline int64_t ms_smlald(uint32_t x, uint32_t y, int64_t acc)
{
#if MS_SMLALD_NATIVE
    return __smlald((int16x2_t)x, (int16x2_t)y, acc);
#else
    return ms_smlald_c(x, y, acc);
#endif
}

/** Load two consecutive int16 (p 2-byte aligned) as one packed word, element 0 in the low half
 *  (little-endian). memcpy compiles to a single LDR on Cortex-M4 and x86. */
static inline uint32_t ms_load_pair(const int16_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#endif /* MS_INTRIN_H */
