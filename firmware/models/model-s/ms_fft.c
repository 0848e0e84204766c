/**
 * @file ms_fft.c
 * @brief Fixed-point 512-point real FFT (see ms_fft.h). Portable C99, integer only.
 *
 * Why radix-2 on a zero-padded 512 frame rather than a mixed-radix 320 FFT: one small, simple,
 * well-tested kernel; 31.25 Hz bins whose band edges (ms_model.c) fall on power-of-two widths so
 * the band weights are exact; and 192 samples of zero padding that absorb most of the circular
 * time aliasing of the per-bin gains. The cost (about 2 x 1024 butterflies per frame) is small next
 * to the network.
 */
#include "ms_fft.h"

#include "hil_q.h"
#include "ms_tables.h"

#define CN 256u /* complex FFT size */

/** 8-bit bit reversal. */
static unsigned rev8(unsigned v)
{
    unsigned r = 0u, i;
    for (i = 0u; i < 8u; i++) {
        r = (r << 1) | (v & 1u);
        v >>= 1;
    }
    return r;
}

/**
 * In-place radix-2 DIT complex FFT of 256 points on interleaved {re, im} int32.
 * inverse = 0: W = e^{-j...}, no scaling (values grow by at most 2 per stage).
 * inverse = 1: W = e^{+j...}, every stage computes (a +- b W) / 2 with one rounding (1/256 total).
 * Twiddle W_256^m = ms_twiddle_q15[2 * (2m)] - / + j ms_twiddle_q15[2 * (2m) + 1].
 */
static void cfft256(int32_t *d, int inverse)
{
    unsigned i, j, len;
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
    for (len = 2u; len <= CN; len <<= 1) {
        const unsigned half = len >> 1;
        const unsigned tstep = 512u / len; /* index step in the 512-point table */
        for (i = 0u; i < CN; i += len) {
            for (j = 0u; j < half; j++) {
                int32_t *a = &d[2u * (i + j)];
                int32_t *b = &d[2u * (i + j + half)];
                const int64_t c = ms_twiddle_q15[2u * j * tstep];
                const int64_t s = ms_twiddle_q15[2u * j * tstep + 1u];
                const int64_t br = b[0], bi = b[1];
                /* t = b * W in Q15 (64-bit, exact) */
                const int64_t tr = inverse ? br * c - bi * s : br * c + bi * s;
                const int64_t ti = inverse ? bi * c + br * s : bi * c - br * s;
                const int64_t ar = (int64_t)a[0] * 32768, ai = (int64_t)a[1] * 32768;
                if (inverse) {
                    a[0] = hil_sat32(hil_rshr64(ar + tr, 16u));
                    a[1] = hil_sat32(hil_rshr64(ai + ti, 16u));
                    b[0] = hil_sat32(hil_rshr64(ar - tr, 16u));
                    b[1] = hil_sat32(hil_rshr64(ai - ti, 16u));
                } else {
                    a[0] = hil_sat32(hil_rshr64(ar + tr, 15u));
                    a[1] = hil_sat32(hil_rshr64(ai + ti, 15u));
                    b[0] = hil_sat32(hil_rshr64(ar - tr, 15u));
                    b[1] = hil_sat32(hil_rshr64(ai - ti, 15u));
                }
            }
        }
    }
}

void ms_rfft512(int32_t buf[512], int32_t spec[514])
{
    unsigned k;
    /* z[n] = x[2n] + j x[2n+1] is buf itself read as 256 interleaved complex values. */
    cfft256(buf, 0);
    /* k = 0 and 256: X0 = Re Z0 + Im Z0, X256 = Re Z0 - Im Z0 (exact). */
    spec[0] = hil_sat32((int64_t)buf[0] + buf[1]);
    spec[1] = 0;
    spec[512] = hil_sat32((int64_t)buf[0] - buf[1]);
    spec[513] = 0;
    for (k = 1u; k < CN; k++) {
        /* A = Z[k], B = conj(Z[256 - k]); X = ((A + B) + W^k (-j)(A - B)) / 2, W = e^{-j 2pi/512} */
        const int64_t ar = buf[2u * k], ai = buf[2u * k + 1u];
        const int64_t br = buf[2u * (CN - k)], bi = -(int64_t)buf[2u * (CN - k) + 1u];
        const int64_t sr = ar + br, si = ai + bi;
        const int64_t tr = ai - bi, ti = -(ar - br); /* -j (A - B) */
        const int64_t c = ms_twiddle_q15[2u * k], s = ms_twiddle_q15[2u * k + 1u];
        const int64_t pr = c * tr + s * ti; /* (c - j s)(tr + j ti) */
        const int64_t pi = c * ti - s * tr;
        spec[2u * k] = hil_sat32(hil_rshr64(sr * 32768 + pr, 16u));
        spec[2u * k + 1u] = hil_sat32(hil_rshr64(si * 32768 + pi, 16u));
    }
}

void ms_irfft512(const int32_t spec[514], int32_t buf[512])
{
    unsigned k;
    for (k = 0u; k < CN; k++) {
        /* A = X[k], B = conj(X[256 - k]); Fe = (A + B)/2, Fo = (A - B) W^-k / 2, Z = Fe + j Fo */
        const int64_t ar = spec[2u * k], ai = k == 0u ? 0 : spec[2u * k + 1u];
        const int64_t br = spec[2u * (CN - k)], bi = k == 0u ? 0 : -(int64_t)spec[2u * (CN - k) + 1u];
        const int64_t sr = ar + br, si = ai + bi;
        const int64_t ur = ar - br, ui = ai - bi;
        const int64_t c = ms_twiddle_q15[2u * k], s = ms_twiddle_q15[2u * k + 1u];
        const int64_t pr = ur * c - ui * s; /* (ur + j ui)(c + j s) */
        const int64_t pi = ur * s + ui * c;
        /* Z = (sr + j si)/2 + j (pr + j pi)/2 = ((sr - pi) + j (si + pr)) / 2 */
        buf[2u * k] = hil_sat32(hil_rshr64(sr * 32768 - pi, 16u));
        buf[2u * k + 1u] = hil_sat32(hil_rshr64(si * 32768 + pr, 16u));
    }
    cfft256(buf, 1);
    /* buf[2n] = x[2n], buf[2n + 1] = x[2n + 1]: already in order. */
}
