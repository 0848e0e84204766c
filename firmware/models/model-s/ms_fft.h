/**
 * @file ms_fft.h
 * @brief 512-point real FFT / inverse FFT in 32-bit fixed point (radix-2 256-point complex FFT +
 *        real split), integer only, bit-exact on every target.
 *
 * Data are int32 with an implicit scale chosen by the caller (model S feeds windowed samples
 * scaled so |x| < 2^20, see ms_model.c). Twiddles are int32 Q15 (1.0 = 32768 exactly), products
 * are 64-bit, every rounding is half up (add half, arithmetic shift right). There is no
 * saturation: the preconditions below make every int32 intermediate overflow-free.
 */
#ifndef MS_FFT_H
#define MS_FFT_H

#include <stdint.h>

/**
 * Forward real FFT, unnormalised: X[k] = sum_n x[n] e^{-j 2 pi k n / 512}, k = 0 .. 256.
 *
 * @param buf  in: x[0 .. 511] (real), destroyed (used as the 256-point complex work buffer).
 * @param spec out: X as {re, im} pairs, spec[2k], spec[2k + 1], k = 0 .. 256 (514 values).
 * Precondition (no overflow): sum_n |x[n]| < 2^29. Every intermediate of a radix-2 DIT stage is
 * bounded by partial sums of |z|, so every |value| (and |A +- B| in the split) stays below 2^30.
 * Model S guarantees sum |x| < 320 * 2^20 < 2^28.33.
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
 * Precondition (no overflow): |X[k]| < 2^29 for all k, so |Z| < 2^30 after the split, every
 * stage keeps |value| < 2^30 and the unhalved sums stay below 2^31 (model S: |X| < 2^28.33 and
 * gains <= 1).
 */
void ms_irfft512(const int32_t spec[514], int32_t buf[512]);

#endif /* MS_FFT_H */
