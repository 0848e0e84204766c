/**
 * @file ms_fft.c
 * @brief Fixed-point 512-point real FFT (see ms_fft.h). Portable C99, integer only.
 *
 * Why radix-2 on a zero-padded 512 frame rather than a mixed-radix 320 FFT: one small, simple,
 * well-tested kernel; 31.25 Hz bins whose band edges (ms_model.c) fall on power-of-two widths so
 * the band weights are exact; and 192 samples of zero padding that absorb most of the circular
 * time aliasing of the per-bin gains. The cost (2 x 1024 butterflies per frame) is small.
 *
 * Cortex-M4 notes: every product is int32 x int32 -> int64 (one SMULL/SMLAL); the butterflies
 * add and subtract in int32, which the bounds in ms_fft.h make overflow-free (so no saturation
 * code in the inner loops); the twiddle is loaded once per (stage, j) and the inner loop runs
 * over the groups.
 */
#include "ms_fft.h"

#include "ms_tables.h"

#define CN 256u /* complex FFT size */

/** round((x * c + y * s) / 2^15) with a 64-bit intermediate (exact, then one rounding). */
static inline int32_t mac2_q15(int32_t x, int32_t c, int32_t y, int32_t s)
{
    return (int32_t)(((int64_t)x * c + (int64_t)y * s + 16384) >> 15);
}

/** 8-bit bit reversal (swap network). */
static unsigned rev8(unsigned v)
{
    v = ((v & 0xF0u) >> 4) | ((v & 0x0Fu) << 4);
    v = ((v & 0xCCu) >> 2) | ((v & 0x33u) << 2);
    return ((v & 0xAAu) >> 1) | ((v & 0x55u) << 1);
}

static void bitrev256(int32_t *d)
{
    unsigned i;
    for (i = 0u; i < CN; i++) {
        const unsigned r = rev8(i);
        if (r > i) {
            int32_t t = d[2u * i];
            d[2u * i] = d[2u * r];
            d[2u * r] = t;
            t = d[2u * i + 1u];
            d[2u * i + 1u] = d[2u * r + 1u];
            d[2u * r + 1u] = t;
        }
    }
}

/**
 * In-place radix-2 DIT forward complex FFT of 256 points on interleaved {re, im} int32,
 * unscaled: a' = a + round(b W), b' = a - round(b W), W = W_256^j = cos - j sin (Q15 table
 * entry 2j * (256 / len) of the 512-point table). Values grow by at most 2 per stage.
 */
static void cfft256_fwd(int32_t *d)
{
    unsigned len, i, j;
    bitrev256(d);
    for (len = 2u; len <= CN; len <<= 1) {
        const unsigned half = len >> 1, tstep = 2u * (512u / len);
        for (j = 0u; j < half; j++) {
            const int32_t c = ms_twiddle_q15[j * tstep], s = ms_twiddle_q15[j * tstep + 1u];
            for (i = j; i < CN; i += len) {
                int32_t *a = &d[2u * i];
                int32_t *b = a + len; /* 2 * half */
                const int32_t tr = mac2_q15(b[0], c, b[1], s);  /* Re(b (c - j s)) */
                const int32_t ti = mac2_q15(b[1], c, -b[0], s); /* Im(b (c - j s)) */
                const int32_t ar = a[0], ai = a[1];
                a[0] = ar + tr;
                a[1] = ai + ti;
                b[0] = ar - tr;
                b[1] = ai - ti;
            }
        }
    }
}

/**
 * In-place inverse complex FFT of 256 points, scaled by 1/2 per stage (1/256 in all):
 * a' = (a + round(b W*) + 1) >> 1, b' = (a - round(b W*) + 1) >> 1, W* = cos + j sin.
 * Magnitudes never grow, so the int32 sums stay below 2^(bound + 1) (ms_fft.h).
 */
static void cfft256_inv(int32_t *d)
{
    unsigned len, i, j;
    bitrev256(d);
    for (len = 2u; len <= CN; len <<= 1) {
        const unsigned half = len >> 1, tstep = 2u * (512u / len);
        for (j = 0u; j < half; j++) {
            const int32_t c = ms_twiddle_q15[j * tstep], s = ms_twiddle_q15[j * tstep + 1u];
            for (i = j; i < CN; i += len) {
                int32_t *a = &d[2u * i];
                int32_t *b = a + len;
                const int32_t tr = mac2_q15(b[0], c, -b[1], s); /* Re(b (c + j s)) */
                const int32_t ti = mac2_q15(b[1], c, b[0], s);  /* Im(b (c + j s)) */
                const int32_t ar = a[0], ai = a[1];
                a[0] = (ar + tr + 1) >> 1;
                a[1] = (ai + ti + 1) >> 1;
                b[0] = (ar - tr + 1) >> 1;
                b[1] = (ai - ti + 1) >> 1;
            }
        }
    }
}

void ms_rfft512(int32_t buf[512], int32_t spec[514])
{
    unsigned k;
    /* z[n] = x[2n] + j x[2n+1] is buf itself read as 256 interleaved complex values. */
    cfft256_fwd(buf);
    /* k = 0 and 256: X0 = Re Z0 + Im Z0, X256 = Re Z0 - Im Z0 (exact). */
    spec[0] = buf[0] + buf[1];
    spec[1] = 0;
    spec[512] = buf[0] - buf[1];
    spec[513] = 0;
    for (k = 1u; k < CN; k++) {
        /* A = Z[k], B = conj(Z[256 - k]); X = ((A + B) + W^k (-j)(A - B)) / 2, W = e^{-j 2pi/512} */
        const int32_t ar = buf[2u * k], ai = buf[2u * k + 1u];
        const int32_t br = buf[2u * (CN - k)], bi = -buf[2u * (CN - k) + 1u];
        const int32_t sr = ar + br, si = ai + bi;
        const int32_t tr = ai - bi, ti = br - ar; /* -j (A - B) */
        const int32_t c = ms_twiddle_q15[2u * k], s = ms_twiddle_q15[2u * k + 1u];
        /* (c - j s)(tr + j ti) = (c tr + s ti) + j (c ti - s tr); one rounding for the sum / 2 */
        spec[2u * k] = (int32_t)(((int64_t)sr * 32768 + (int64_t)c * tr + (int64_t)s * ti + 32768) >> 16);
        spec[2u * k + 1u] = (int32_t)(((int64_t)si * 32768 + (int64_t)c * ti - (int64_t)s * tr + 32768) >> 16);
    }
}

void ms_irfft512(const int32_t spec[514], int32_t buf[512])
{
    unsigned k;
    for (k = 0u; k < CN; k++) {
        /* A = X[k], B = conj(X[256 - k]); Fe = (A + B)/2, Fo = (A - B) W^-k / 2, Z = Fe + j Fo */
        const int32_t ar = spec[2u * k], ai = k == 0u ? 0 : spec[2u * k + 1u];
        const int32_t br = spec[2u * (CN - k)], bi = k == 0u ? 0 : -spec[2u * (CN - k) + 1u];
        const int32_t sr = ar + br, si = ai + bi;
        const int32_t ur = ar - br, ui = ai - bi;
        const int32_t c = ms_twiddle_q15[2u * k], s = ms_twiddle_q15[2u * k + 1u];
        /* (ur + j ui)(c + j s) = pr + j pi; Z = ((sr - pi) + j (si + pr)) / 2, one rounding */
        buf[2u * k] = (int32_t)(((int64_t)sr * 32768 - (int64_t)ur * s - (int64_t)ui * c + 32768) >> 16);
        buf[2u * k + 1u] = (int32_t)(((int64_t)si * 32768 + (int64_t)ur * c - (int64_t)ui * s + 32768) >> 16);
    }
    cfft256_inv(buf);
    /* buf[2n] = x[2n], buf[2n + 1] = x[2n + 1]: already in order. */
}
