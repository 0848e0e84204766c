/**
 * @file ms_kernels.c
 * @brief Kernel micro-benchmarks for `hil estimate` (the evaluation step's cost model), as a
 *        hil_model_t whose stages are kernels: every PROCESS runs each kernel once, in stage
 *        order, and PROFILE reports each kernel's counter delta (PROTOCOL.md 4.4).
 *
 * The kernels are the building blocks model S's stages are made of, at sizes chosen to fit a
 * cost per unit: the dense layer (model S's ms_dense_q12) with the DSP dot product at two input
 * widths (a per-output and a per-MAC cost) and the portable one at one width (its per-MAC cost;
 * the per-output work is the same code), an int16 gain, the LUT activations, the log2 of the
 * features, the 512-point real FFT pair, a memory copy, and three loops of the shapes the
 * element-wise stages use (multiply-shift, band power accumulation, per-bin complex gain). The
 * stage `empty` measures the probe's own cost, which `hil estimate` subtracts. Inputs come from a
 * seeded generator (LCG, seed 1); the output frame is the input, unchanged.
 *
 * Built as $(BUILD)/qemu/hil-qemu-model-s-kernels-semihost.elf (model.mk). Not a speech model.
 */
#include <stdint.h>
#include <string.h>

#include "hil_model.h"
#include "hil_q.h"
#include "ms_fft.h"
#include "ms_model.h"
#include "ms_nn.h"

#define MK_HOP 160u
#define MK_N 256u /* elements of the element-wise kernels */

enum {
    MK_EMPTY, MK_DENSE_DSP_16, MK_DENSE_DSP_64, MK_DENSE_REF_64, MK_VSCALE, MK_TANH,
    MK_SIGMOID, MK_LOG2, MK_RFFT, MK_IRFFT, MK_COPY, MK_VMUL, MK_VMAXABS, MK_VMIX, MK_CPOW,
    MK_CSCALE, MK_N_STAGES
};

static const char *const mk_names[MK_N_STAGES] = {
    "empty", "dense_dsp_16x32", "dense_dsp_64x32", "dense_ref_64x32", "vscale_256",
    "tanh_x64", "sigmoid_x64", "log2_x64", "rfft512", "irfft512", "copy_1024", "vmul_256",
    "vmaxabs_256", "vmix_256", "cpow_256", "cscale_256",
};

typedef struct {
    hil_stage_probe_t probe;
    void *ctx;
    int32_t sink;   /* results the compiler must not drop */
    unsigned shift; /* a run-time shift, as the model's block exponent makes its shifts */
} mk_state_t;

static int16_t mk_w[64u * 32u];
static int16_t mk_b[32];
static int16_t mk_x[64];
static int32_t mk_pre[32];
static int32_t mk_buf[512];
static int32_t mk_spec[514];
static int32_t mk_gain[MK_N + 1u];
static int64_t mk_acc[MK_N + 1u];
static uint8_t mk_src[1024], mk_dst[1024];

static uint32_t mk_seed = 1u;
static uint32_t mk_rand(void)
{
    mk_seed = mk_seed * 1664525u + 1013904223u;
    return mk_seed >> 8;
}

static void mk_fill(void)
{
    unsigned i;
    for (i = 0; i < 64u * 32u; i++) mk_w[i] = (int16_t)((int32_t)(mk_rand() & 0xFFFFu) - 32768);
    for (i = 0; i < 32u; i++) mk_b[i] = (int16_t)((int32_t)(mk_rand() & 0x0FFFu) - 2048);
    for (i = 0; i < 64u; i++) mk_x[i] = (int16_t)((int32_t)(mk_rand() & 0xFFFFu) - 32768);
    for (i = 0; i < 1024u; i++) mk_src[i] = (uint8_t)mk_rand();
    for (i = 0; i <= MK_N; i++) mk_gain[i] = (int32_t)(mk_rand() & 0x7FFFu);
}

static void mk_init(void *state)
{
    mk_state_t *s = (mk_state_t *)state;
    s->probe = NULL;
    s->ctx = NULL;
    s->sink = 0;
    s->shift = 12u;
    mk_fill();
}

static void mk_reset(void *state)
{
    ((mk_state_t *)state)->sink = 0;
}

#define MK_END(s, k) \
    do { \
        if ((s)->probe != NULL) (s)->probe((s)->ctx, (uint8_t)(k)); \
    } while (0)

static void mk_dense(mk_state_t *s, uint16_t nin, ms_path_t path)
{
    const ms_dense_t d = {mk_w, mk_b, nin, 32u, 15u};
    ms_dense_q12(&d, mk_x, mk_pre, path);
    s->sink += mk_pre[31];
}

static hil_model_status_t mk_process(void *state, const int16_t *in, int16_t *out)
{
    mk_state_t *s = (mk_state_t *)state;
    unsigned i;
    int32_t acc = 0;
    MK_END(s, MK_EMPTY);
    mk_dense(s, 16u, MS_PATH_DSP);
    MK_END(s, MK_DENSE_DSP_16);
    mk_dense(s, 64u, MS_PATH_DSP);
    MK_END(s, MK_DENSE_DSP_64);
    mk_dense(s, 64u, MS_PATH_REF);
    MK_END(s, MK_DENSE_REF_64);
    /* int16 x Q15 gain, rounded and saturated to int16 (input gain) */
    for (i = 0; i < MK_N; i++) mk_w[i] = hil_apply_gain_q15(mk_w[i + 256u], mk_gain[i]);
    MK_END(s, MK_VSCALE);
    for (i = 0; i < 64u; i++) acc += ms_tanh_q12(mk_pre[i & 31u] >> 4);
    MK_END(s, MK_TANH);
    for (i = 0; i < 64u; i++) acc += ms_sigmoid_q12(mk_pre[i & 31u] >> 4);
    MK_END(s, MK_SIGMOID);
    for (i = 0; i < 64u; i++) acc += ms_log2_q10((uint64_t)(uint16_t)mk_x[i] * 65537u + 256u);
    MK_END(s, MK_LOG2);
    /* FFT input within model S's bound (|x| < 2^20): the input frame, scaled */
    for (i = 0; i < 512u; i++) mk_buf[i] = i < MK_HOP ? (int32_t)in[i] * 16 : (int32_t)mk_x[i & 63u] * 16;
    ms_rfft512(mk_buf, mk_spec);
    MK_END(s, MK_RFFT);
    ms_irfft512(mk_spec, mk_buf);
    MK_END(s, MK_IRFFT);
    memcpy(mk_dst, mk_src, sizeof mk_dst);
    MK_END(s, MK_COPY);
    /* multiply-shift: windowing and synthesis (int32 x Q15, run-time rounding shift, saturation) */
    for (i = 0; i < MK_N; i++) mk_buf[i] = hil_sat32(hil_rshr64((int64_t)mk_buf[i] * mk_gain[i], s->shift));
    MK_END(s, MK_VMUL);
    /* largest magnitude: the block exponent's scan */
    {
        int32_t m = 0;
        for (i = 0; i < MK_N; i++) {
            const int32_t v = mk_x[i & 63u] < 0 ? -(int32_t)mk_x[i & 63u] : mk_x[i & 63u];
            if (v > m) m = v;
        }
        acc += m;
    }
    MK_END(s, MK_VMAXABS);
    /* mix and limit: saturating add, Q15 gain with rounding to int16, clip (overlap-add output) */
    for (i = 0; i < MK_N; i++) {
        const int32_t o = hil_sat32((int64_t)mk_buf[i] + mk_gain[i]);
        int32_t y = hil_round_sat16((int64_t)o * mk_gain[(i + 1u) & (MK_N - 1u)], 23u);
        if (y > 30000) y = 30000;
        if (y < -30000) y = -30000;
        mk_pre[i & 31u] = y;
    }
    MK_END(s, MK_VMIX);
    /* band power: |X|^2 / 2^10 into two triangular band accumulators, 8 bins a band */
    memset(mk_acc, 0, sizeof mk_acc);
    for (i = 0; i < MK_N / 8u; i++) {
        unsigned d;
        for (d = 0; d < 8u; d++) {
            const unsigned k = 8u * i + d;
            const int32_t re = mk_spec[2u * k], im = mk_spec[2u * k + 1u];
            const int64_t pk = hil_rshr64((int64_t)re * re + (int64_t)im * im, 10u);
            const int64_t w1 = (int64_t)(d << 12);
            mk_acc[i] += (32768 - w1) * pk;
            mk_acc[i + 1u] += w1 * pk;
        }
    }
    MK_END(s, MK_CPOW);
    /* per-bin gain: Q15 gain interpolated between band gains, applied to {re, im} */
    for (i = 0; i < MK_N / 8u; i++) {
        const int32_t g0 = mk_gain[i], g1 = mk_gain[i + 1u];
        unsigned d;
        for (d = 0; d < 8u; d++) {
            const unsigned k = 8u * i + d;
            const int32_t w1 = (int32_t)(d << 12);
            const int32_t g = hil_rshr32((32768 - w1) * g0 + w1 * g1, 15u);
            mk_spec[2u * k] = (int32_t)hil_rshr64((int64_t)mk_spec[2u * k] * g, 15u);
            mk_spec[2u * k + 1u] = (int32_t)hil_rshr64((int64_t)mk_spec[2u * k + 1u] * g, 15u);
        }
    }
    MK_END(s, MK_CSCALE);
    s->sink += acc + (int32_t)mk_dst[acc & 1023] + (int32_t)mk_acc[3];
    for (i = 0; i < MK_HOP; i++) out[i] = in[i];
    return HIL_MODEL_OK;
}

static hil_model_status_t mk_set(void *state, uint16_t id, int32_t value)
{
    (void)state;
    (void)id;
    (void)value;
    return HIL_MODEL_BAD_PARAM;
}

static hil_model_status_t mk_get(const void *state, uint16_t id, int32_t *value)
{
    (void)state;
    (void)id;
    (void)value;
    return HIL_MODEL_BAD_PARAM;
}

static void mk_set_probe(void *state, hil_stage_probe_t probe, void *ctx)
{
    ((mk_state_t *)state)->probe = probe;
    ((mk_state_t *)state)->ctx = ctx;
}

static const hil_model_stages_t mk_stages = {.n = (uint8_t)MK_N_STAGES, .names = mk_names, .set_probe = mk_set_probe};

const hil_model_t ms_kernels_model = {
    .id = "model-s-kernels",
    .version = "1",
    .description = "kernel micro-benchmarks of model S (hil estimate), not a speech model",
    .weights_hash = 0u,
    .sample_rate = MS_SAMPLE_RATE,
    .hop = MK_HOP,
    .latency = 0u,
    .state_size = sizeof(mk_state_t),
    .n_params = 0u,
    .params = NULL,
    .init = mk_init,
    .reset = mk_reset,
    .process = mk_process,
    .set_param = mk_set,
    .get_param = mk_get,
    .stages = &mk_stages,
};
