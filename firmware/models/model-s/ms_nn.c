/**
 * @file ms_nn.c
 * @brief Model S network kernels (see ms_nn.h). Portable C99 plus the SMLALD path.
 */
#include "ms_nn.h"

#include "hil_q.h"
#include "ms_intrin.h"
#include "ms_tables.h"

#define MS_BUILD_REF (MS_BOTH_PATHS || !MS_USE_DSP)
#define MS_BUILD_DSP (MS_BOTH_PATHS || MS_USE_DSP)

#if MS_BUILD_REF
/** Portable oracle: sum_i a[i] b[i], exact in int64 (each product exact in int32). */
static int64_t dot_ref(const int16_t *a, const int16_t *b, uint32_t n)
{
    int64_t acc = 0;
    while (n--) acc += (int32_t)*a++ * (int32_t)*b++;
    return acc;
}
#endif

#if MS_BUILD_DSP
/** SMLALD path: two MACs per instruction, 64-bit accumulate (exact, like dot_ref). n even.
 *  Unrolled to 8 MACs per iteration, then 4 and 2 for the tail (n = 20, 32, 48 in model S). */
static int64_t dot_dsp(const int16_t *a, const int16_t *b, uint32_t n)
{
    int64_t acc = 0;
    uint32_t k;
    for (k = n >> 3; k != 0u; k--) {
        acc = ms_smlald(ms_load_pair(a), ms_load_pair(b), acc);
        acc = ms_smlald(ms_load_pair(a + 2), ms_load_pair(b + 2), acc);
        acc = ms_smlald(ms_load_pair(a + 4), ms_load_pair(b + 4), acc);
        acc = ms_smlald(ms_load_pair(a + 6), ms_load_pair(b + 6), acc);
        a += 8;
        b += 8;
    }
    if (n & 4u) {
        acc = ms_smlald(ms_load_pair(a), ms_load_pair(b), acc);
        acc = ms_smlald(ms_load_pair(a + 2), ms_load_pair(b + 2), acc);
        a += 4;
        b += 4;
    }
    if (n & 2u) acc = ms_smlald(ms_load_pair(a), ms_load_pair(b), acc);
    return acc;
}
#endif

/** Dot product through the selected path (a build with one path ignores `path`). */
static int64_t dot(const int16_t *a, const int16_t *b, uint32_t n, ms_path_t path)
{
#if MS_BUILD_REF && MS_BUILD_DSP
    return path == MS_PATH_DSP ? dot_dsp(a, b, n) : dot_ref(a, b, n);
#elif MS_BUILD_DSP
    (void)path;
    return dot_dsp(a, b, n);
#else
    (void)path;
    return dot_ref(a, b, n);
#endif
}

void ms_dense_q12(const ms_dense_t *layer, const int16_t *x, int32_t *pre, ms_path_t path)
{
    const unsigned sh = (unsigned)layer->wfrac + 3u; /* Q(wfrac + 15) -> Q12 */
    const uint32_t nin = layer->nin, nout = layer->nout;
    const int16_t *w = layer->w;
    uint32_t o;
    for (o = 0u; o < nout; o++, w += nin) {
        const int64_t acc = dot(w, x, nin, path) + (int64_t)layer->b[o] * ((int64_t)1 << sh);
        pre[o] = hil_sat32(hil_rshr64(acc, sh));
    }
}

/** tanh(a / 2^q) for a >= 0 with the table step 2^(q - 5): index = a >> (q - 5). */
static int32_t tanh_pos(uint32_t a, unsigned q)
{
    const unsigned sh = q - 5u;
    const uint32_t idx = a >> sh;
    int32_t t0, t1, f;
    if (idx >= 256u) return INT16_MAX;
    t0 = ms_tanh_lut_q15[idx];
    t1 = ms_tanh_lut_q15[idx + 1u];
    f = (int32_t)(a & ((1u << sh) - 1u));
    return t0 + hil_rshr32((t1 - t0) * f, sh);
}

/** |x| as uint32 (defined for INT32_MIN too). */
static uint32_t uabs32(int32_t x)
{
    return x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
}

int16_t ms_tanh_q12(int32_t x)
{
    const int32_t t = tanh_pos(uabs32(x), 12u);
    return (int16_t)(x < 0 ? -t : t);
}

int16_t ms_sigmoid_q12(int32_t x)
{
    /* x in Q12 read as x / 2 in Q13 */
    const int32_t t = tanh_pos(uabs32(x), 13u);
    return (int16_t)((32768 + (x < 0 ? -t : t)) >> 1);
}

void ms_gru_step(const ms_gru_t *g, const int16_t *x, int16_t *h, int32_t *gx, int32_t *gh,
                 ms_path_t path)
{
    const uint16_t nh = g->h;
    uint16_t i;
    ms_dense_q12(&g->wx, x, gx, path);
    ms_dense_q12(&g->uh, h, gh, path);
    for (i = 0u; i < nh; i++) {
        const int32_t r = ms_sigmoid_q12(hil_sat32((int64_t)gx[i] + gh[i]));
        const int32_t z = ms_sigmoid_q12(hil_sat32((int64_t)gx[nh + i] + gh[nh + i]));
        const int32_t rn = hil_sat32(hil_rshr64((int64_t)r * gh[2u * nh + i], 15u)); /* Q12 */
        const int32_t n = ms_tanh_q12(hil_sat32((int64_t)gx[2u * nh + i] + rn));
        const int64_t d = (int64_t)z * ((int32_t)h[i] - n); /* Q30 */
        h[i] = hil_sat16(n + (int32_t)hil_rshr64(d, 15u));
    }
}
