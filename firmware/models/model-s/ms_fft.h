/**
 * @file ms_fft.h
 * @brief 512-point real FFT / inverse FFT in 32-bit fixed point (radix-2 256-point complex FFT +
 *        real split), integer only, bit-exact on every target.
 *
 * Data are int32 with an implicit scale chosen by the caller (model S feeds windowed samples
 * scaled so |x| < 2^21, see ms_model.c). Twiddles are int32 Q15 (1.0 = 32768 exactly), products
 * are 64-bit, every rounding is half up (hil_rshr64).
 */
#ifndef MS_FFT_H
#define MS_FFT_H

#include <stdint.h>

/**
 * Forward real FFT, unnormalised: X[k] = sum_n x[n] e^{-j 2 pi k n / 512}, k = 0 .. 256.
 *
 * @param buf  in: x[0 .. 511] (real), destroyed (used as the 256-point complex work buffer).
 * @param spec out: X as {re, im} pairs, spec[2k], spec[2k + 1], k = 0 .. 256 (514 values).
 * Overflow: none if sum_n |x[n]| < 2^30 (every intermediate of a radix-2 DIT stage is bounded by
 * the partial sums of |x|); model S guarantees sum |x| < 320 * 2^21 < 2^29.33.
 * Error: at most about 0.5 LSB per stage per value (8 stages + split).
 */
void ms_rfft512(int32_t buf[512], int32_t spec[514]);

/**
 * Inverse real FFT, normalised: x[n] = (1/512) sum_k X[k] e^{+j 2 pi k n / 512} for a Hermitian
 * spectrum given by k = 0 .. 256 (the imaginary parts of X[0] and X[256] are ignored, as for a
 * real signal). Each of the 8 complex stages and the split halve with rounding (1/512 in all).
 *
 * @param spec in: X as {re, im} pairs, k = 0 .. 256; not modified.
 * @param buf  out: x[0 .. 511].
 * Overflow: none if |X[k]| < 2^30 for all k (model S: |X| < 2^29.33, gains <= 1).
 */
void ms_irfft512(const int32_t spec[514], int32_t buf[512]);

#endif /* MS_FFT_H */
