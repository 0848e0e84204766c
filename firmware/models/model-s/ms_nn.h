/**
 * @file ms_nn.h
 * @brief Model S network kernels: dense layer, GRU cell, LUT tanh / sigmoid. Integer only.
 *
 * Formats: activations Q15 int16; weights int16 with a per-tensor power-of-two scale
 * (real = w / 2^wfrac, wfrac in 8 .. 20 chosen per tensor by tools/gen-weights.ts, see ms_weights.h); biases Q12 int16; pre-activations
 * Q12 in int32 (not saturated to 16 bits, so the LUTs see the true value up to +-2^19);
 * accumulators int64 (|acc| <= 48 * 2^30 < 2^36: never overflows).
 */
#ifndef MS_NN_H
#define MS_NN_H

#include <stdint.h>

#include "ms_config.h"

/** Which dot-product implementation to use. */
typedef enum {
    MS_PATH_REF = 0, /**< portable C, int64 multiply-accumulate (the oracle) */
    MS_PATH_DSP = 1  /**< SMLALD dual MAC (ACLE on DSP cores, exact C emulation elsewhere) */
} ms_path_t;

/** One quantised dense layer / gate block: W[nout][nin] row-major, bias[nout] Q12. */
typedef struct {
    const int16_t *w;  /**< weights, 4-byte aligned, real = w / 2^wfrac */
    const int16_t *b;  /**< bias Q12 */
    uint16_t nin;      /**< inputs, even (pairs for SMLALD) */
    uint16_t nout;     /**< outputs */
    uint8_t wfrac;     /**< weight fraction bits, 3 .. 40 */
} ms_dense_t;

/** A GRU layer (PyTorch equations, gate order r | z | n in the stacked 3H rows):
 *  r = sig(Wr x + br + Ur h + cr), z = sig(Wz x + bz + Uz h + cz),
 *  n = tanh(Wn x + bn + r * (Un h + cn)), h' = (1 - z) n + z h. */
typedef struct {
    ms_dense_t wx; /**< x -> 3H, bias b (input bias) */
    ms_dense_t uh; /**< h -> 3H, bias c (recurrent bias) */
    uint16_t h;    /**< hidden units */
} ms_gru_t;

/**
 * Dense layer to Q12 pre-activations:
 * pre[o] = sat32(round((sum_i W[o][i] x[i] + b[o] * 2^(wfrac + 3)) / 2^(wfrac + 3))).
 * @param x   Q15 input [nin], 2-byte aligned.
 * @param pre Q12 output [nout].
 * Overflow: none (int64 accumulator; the result saturates to int32, which needs |pre| >= 2^19).
 */
void ms_dense_q12(const ms_dense_t *layer, const int16_t *x, int32_t *pre, ms_path_t path);

/** tanh of a Q12 value -> Q15: 257-entry table over [0, 8] (step 1/32) with linear
 *  interpolation, odd symmetry, |x| >= 8 gives +-32767. Max error about 1.5e-4. */
int16_t ms_tanh_q12(int32_t x);

/** Sigmoid of a Q12 value -> Q15 in [0, 32767]: floor((32768 + tanh(x / 2)) / 2) with tanh(x/2)
 *  from the same table (step 1/16 in x), |x| >= 16 saturates. Max error about 1e-4. */
int16_t ms_sigmoid_q12(int32_t x);

/**
 * One GRU step, in place on h.
 * @param x  Q15 input [g->wx.nin]
 * @param h  Q15 hidden state [g->h], updated: h = n + round(z (h - n) / 2^15), saturated (|h| <= 1
 *           in exact arithmetic, so it never saturates beyond rounding).
 * @param gx scratch int32 [3H], @param gh scratch int32 [3H]
 */
void ms_gru_step(const ms_gru_t *g, const int16_t *x, int16_t *h, int32_t *gx, int32_t *gh,
                 ms_path_t path);

#endif /* MS_NN_H */
