/**
 * @file ms_model.c
 * @brief Model S frame pipeline and the hil_model_t glue (see ms_model.h and README.md).
 *
 * Per frame (all integer, every rounding half up, every narrowing saturating):
 *  1. input gain (Q15 gain, hil_apply_gain_q15) -> in_buf[160 .. 319] (in_buf keeps 320 samples)
 *  2. block exponent s in 0 .. 14: the largest s with max|in_buf| * 2^s < 2^15
 *  3. x[n] = round(in_buf[n] * w[n] * 2^s / 2^10), |x| < 2^20 (scale 2^(5+s) of "windowed sample
 *     in LSB"), zero padded to 512, forward real FFT -> X (same scale)
 *  4. P'[k] = round(|X[k]|^2 / 2^10) = |X_true|^2 * 2^(2s); triangular band sums with Q15 weights
 *     -> E_q8[b] = round(sum / 2^(7 + 2s)) = band energy in LSB^2, Q8
 *  5. feature[b] = log2(E + 1) in Q10 - 24 * 1024 = (log2(E + 1) - 24) / 32 in Q15
 *  6. network (ms_nn.c) -> band gains G[b] Q15; g[b] = max(G[b], floor)
 *  7. per-bin gain by linear interpolation between band centres (exact weights), Y = X g
 *  8. inverse FFT (normalised), synthesis window, overlap-add into ola_q8 (Q8)
 *  9. out = limit(round(ola * g_out / 2^23)) or, in bypass, limit(gain(in_buf[n], g_out))
 * The network always runs (also in bypass): constant cycle cost, click-free bypass switching.
 */
#include "ms_model.h"

#include <stddef.h>
#include <string.h>

#include "hil_q.h"
#include "ms_fft.h"
#include "ms_intrin.h"
#include "ms_tables.h"
#include "ms_weights.h"

/* compile-time checks (C99: negative array size on failure) */
typedef char ms_state_fits_[(sizeof(ms_state_t) <= MS_STATE_BYTES) ? 1 : -1];
typedef char ms_weights_match_[(MS_WEIGHTS_COUNT == 27572u) ? 1 : -1];

/** Band corners (centres of the triangular bands) in FFT bins of 31.25 Hz: 0, 125, 250, ...,
 *  1000, 1250, ..., 2000, 2500, ..., 4000, 5000, 6000, 8000 Hz. Every gap is a power of two
 *  (log2 in ms_band_lw), so interpolation weights are exact. */
static const uint16_t ms_band_corner[MS_NB] = {0,  4,  8,  12, 16, 20,  24,  28,  32,  40,
                                               48, 56, 64, 80, 96, 112, 128, 160, 192, 256};
static const uint8_t ms_band_lw[MS_NB - 1u] = {2, 2, 2, 2, 2, 2, 2, 2, 3, 3,
                                               3, 3, 4, 4, 4, 4, 5, 5, 6};

#define DB(x) ((int32_t)((x) * 256))

/* Parameter defaults. A build may replace them with tuned values: MS_PARAMS_OVERRIDE names a
 * header (a string, e.g. -DMS_PARAMS_OVERRIDE='"/abs/params.h"'; `make MS_PARAMS_OVERRIDE=path`
 * does this) that defines HIL_PARAM_DEFAULT_<NAME> as raw values (real x 2^frac_bits), as
 * written by `hil tune` (reports/tune-<id>/params.h). Undefined names keep the built-in value;
 * a value outside the parameter's range fails the build. */
#ifdef MS_PARAMS_OVERRIDE
#include MS_PARAMS_OVERRIDE
#endif
#ifndef HIL_PARAM_DEFAULT_INPUT_GAIN_DB
#define HIL_PARAM_DEFAULT_INPUT_GAIN_DB 0
#endif
#ifndef HIL_PARAM_DEFAULT_OUTPUT_GAIN_DB
#define HIL_PARAM_DEFAULT_OUTPUT_GAIN_DB 0
#endif
#ifndef HIL_PARAM_DEFAULT_MAX_ATTEN_DB
#define HIL_PARAM_DEFAULT_MAX_ATTEN_DB DB(20)
#endif
#ifndef HIL_PARAM_DEFAULT_LIMITER_DBFS
#define HIL_PARAM_DEFAULT_LIMITER_DBFS DB(-1)
#endif
#ifndef HIL_PARAM_DEFAULT_BYPASS
#define HIL_PARAM_DEFAULT_BYPASS 0
#endif
#define MS_DEF_IN_RANGE(v, lo, hi) (((v) >= (lo) && (v) <= (hi)) ? 1 : -1)
typedef char ms_def_input_gain_[MS_DEF_IN_RANGE(HIL_PARAM_DEFAULT_INPUT_GAIN_DB, DB(-24), DB(24))];
typedef char ms_def_output_gain_[MS_DEF_IN_RANGE(HIL_PARAM_DEFAULT_OUTPUT_GAIN_DB, DB(-24), DB(24))];
typedef char ms_def_max_atten_[MS_DEF_IN_RANGE(HIL_PARAM_DEFAULT_MAX_ATTEN_DB, 0, DB(40))];
typedef char ms_def_limiter_[MS_DEF_IN_RANGE(HIL_PARAM_DEFAULT_LIMITER_DBFS, DB(-20), 0)];
typedef char ms_def_bypass_[MS_DEF_IN_RANGE(HIL_PARAM_DEFAULT_BYPASS, 0, 1)];

const hil_param_desc_t ms_params[MS_N_PARAMS] = {
    {"input_gain_db", "dB", 8u, DB(-24), DB(24), HIL_PARAM_DEFAULT_INPUT_GAIN_DB},
    {"output_gain_db", "dB", 8u, DB(-24), DB(24), HIL_PARAM_DEFAULT_OUTPUT_GAIN_DB},
    {"max_atten_db", "dB", 8u, 0, DB(40), HIL_PARAM_DEFAULT_MAX_ATTEN_DB},
    {"limiter_dbfs", "dBFS", 8u, DB(-20), 0, HIL_PARAM_DEFAULT_LIMITER_DBFS},
    {"bypass", "bool", 0u, 0, 1, HIL_PARAM_DEFAULT_BYPASS},
};

static const ms_dense_t ms_dense1 = {ms_d1_w, ms_d1_b, MS_NB, MS_D1, MS_D1_W_FRAC};
static const ms_gru_t ms_gru1 = {{ms_g1_wx, ms_g1_bx, MS_D1, 3u * MS_H1, MS_G1_WX_FRAC},
                                 {ms_g1_uh, ms_g1_bh, MS_H1, 3u * MS_H1, MS_G1_UH_FRAC},
                                 MS_H1};
static const ms_gru_t ms_gru2 = {{ms_g2_wx, ms_g2_bx, MS_H1, 3u * MS_H2, MS_G2_WX_FRAC},
                                 {ms_g2_uh, ms_g2_bh, MS_H2, 3u * MS_H2, MS_G2_UH_FRAC},
                                 MS_H2};
static const ms_dense_t ms_dense2 = {ms_d2_w, ms_d2_b, MS_H2, MS_NB, MS_D2_W_FRAC};

/** Position of the most significant set bit of v > 0. */
static unsigned msb64(uint64_t v)
{
    unsigned p = 0u;
    if (v >> 32) { v >>= 32; p += 32u; }
    if (v >> 16) { v >>= 16; p += 16u; }
    if (v >> 8) { v >>= 8; p += 8u; }
    if (v >> 4) { v >>= 4; p += 4u; }
    if (v >> 2) { v >>= 2; p += 2u; }
    if (v >> 1) { p += 1u; }
    return p;
}

/**
 * log2(v) in Q10 for v >= 1: p = msb, mantissa m = top 17 bits (truncated) = 2^16 + f,
 * log2(1 + f / 2^16) from the 65-entry Q15 table with linear interpolation on the low 10 bits.
 * Error < 1e-4 + 1 LSB (Q10). Result < 64 * 1024.
 */
int32_t ms_log2_q10(uint64_t v)
{
    const unsigned p = msb64(v);
    const uint32_t m = (uint32_t)(p >= 16u ? v >> (p - 16u) : v << (16u - p));
    const uint32_t f = m - 65536u; /* Q16 fraction */
    const uint32_t i = f >> 10, r = f & 1023u;
    const int32_t t0 = ms_log2_lut_q15[i], t1 = ms_log2_lut_q15[i + 1u];
    const int32_t l15 = t0 + hil_rshr32((t1 - t0) * (int32_t)r, 10u);
    return (int32_t)(p << 10) + hil_rshr32(l15, 5u);
}

static void update_derived(ms_state_t *st, uint16_t id)
{
    const int32_t v = st->param[id];
    switch (id) {
    case MS_P_INPUT_GAIN_DB: st->g_in_q15 = hil_db_to_gain_q15(v); break;
    case MS_P_OUTPUT_GAIN_DB: st->g_out_q15 = hil_db_to_gain_q15(v); break;
    case MS_P_MAX_ATTEN_DB: st->floor_q15 = hil_db_to_gain_q15(-v); break;
    case MS_P_LIMITER_DBFS: st->limit = hil_db_to_gain_q15(v); break;
    default: break;
    }
}

ms_status_t ms_set_param(ms_state_t *st, uint16_t id, int32_t value)
{
    if (st == NULL) return MS_FAILED;
    if (id >= MS_N_PARAMS) return MS_BAD_PARAM;
    if (value < ms_params[id].min || value > ms_params[id].max) return MS_PARAM_RANGE;
    st->param[id] = value;
    update_derived(st, id);
    return MS_OK;
}

ms_status_t ms_get_param(const ms_state_t *st, uint16_t id, int32_t *value)
{
    if (st == NULL || value == NULL) return MS_FAILED;
    if (id >= MS_N_PARAMS) return MS_BAD_PARAM;
    *value = st->param[id];
    return MS_OK;
}

ms_status_t ms_set_path(ms_state_t *st, ms_path_t path)
{
    if (st == NULL) return MS_FAILED;
#if !MS_BOTH_PATHS
    if (path != (MS_USE_DSP ? MS_PATH_DSP : MS_PATH_REF)) return MS_FAILED;
#endif
    st->path = path;
    return MS_OK;
}

#ifdef MS_FAULT_STAGE
static void inject_fault(ms_state_t *st, unsigned stage);
#define MS_FAULT(st, k) inject_fault((st), (k))
#else
#define MS_FAULT(st, k) ((void)0)
#endif

#if MS_STAGES
/** End of stage k: tell the installed probe (the agent reads its counter there). */
#define MS_STAGE_END(st, k) \
    do { \
        MS_FAULT(st, k); \
        if ((st)->probe != NULL) (st)->probe((st)->probe_ctx, (uint8_t)(k)); \
    } while (0)
#else
#define MS_STAGE_END(st, k) MS_FAULT(st, k)
#endif

const char *const ms_stage_names[MS_N_STAGES] = {
    "input", "window", "fft", "bands", "features", "dense1",
    "gru1", "gru2", "dense2", "gains", "ifft", "synthesis",
};

void ms_set_probe(ms_state_t *st, hil_stage_probe_t probe, void *ctx)
{
    st->probe = probe;
    st->probe_ctx = probe != NULL ? ctx : NULL;
}

int ms_tap(const ms_state_t *st, uint8_t stage, hil_tap_t *tap)
{
    const void *d;
    uint16_t n;
    uint8_t type;
    switch (stage) {
    case MS_STAGE_INPUT: d = st->in_buf; n = MS_WIN; type = HIL_TAP_I16; break;
    case MS_STAGE_WINDOW:
    case MS_STAGE_IFFT: d = st->fft; n = MS_NFFT; type = HIL_TAP_I32; break;
    case MS_STAGE_FFT:
    case MS_STAGE_GAINS: d = st->spec; n = 2u * MS_NBINS; type = HIL_TAP_I32; break;
    case MS_STAGE_BANDS: d = st->energy_q8; n = MS_NB; type = HIL_TAP_I64; break;
    case MS_STAGE_FEATURES: d = st->feat; n = MS_NB; type = HIL_TAP_I16; break;
    case MS_STAGE_DENSE1: d = st->a1; n = MS_D1; type = HIL_TAP_I16; break;
    case MS_STAGE_GRU1: d = st->h1; n = MS_H1; type = HIL_TAP_I16; break;
    case MS_STAGE_GRU2: d = st->h2; n = MS_H2; type = HIL_TAP_I16; break;
    case MS_STAGE_DENSE2: d = st->gain_q15; n = MS_NB; type = HIL_TAP_I32; break;
    case MS_STAGE_SYNTHESIS: d = st->out; n = MS_HOP; type = HIL_TAP_I16; break;
    default: return 0;
    }
    tap->data = d;
    tap->count = n;
    tap->type = type;
    return 1;
}

#ifdef MS_FAULT_STAGE
/** Deliberate-error builds: +1 LSB on element MS_FAULT_ELEM of stage MS_FAULT_STAGE's output
 *  from frame MS_FAULT_FRAME on (see ms_model.h). */
static void inject_fault(ms_state_t *st, unsigned stage)
{
    hil_tap_t t;
    if (stage != (unsigned)(MS_FAULT_STAGE) || st->frame < (uint32_t)(MS_FAULT_FRAME)) return;
    if (!ms_tap(st, (uint8_t)stage, &t) || (unsigned)(MS_FAULT_ELEM) >= t.count) return;
    if (t.type == HIL_TAP_I16) {
        int16_t *p = (int16_t *)(uintptr_t)t.data + (MS_FAULT_ELEM);
        *p = hil_sat16((int32_t)*p + 1);
    } else if (t.type == HIL_TAP_I32) {
        ((int32_t *)(uintptr_t)t.data)[MS_FAULT_ELEM] += 1;
    } else {
        ((int64_t *)(uintptr_t)t.data)[MS_FAULT_ELEM] += 1;
    }
}
#endif

const int32_t *ms_band_gains(const ms_state_t *st)
{
    return st->gain_q15;
}

void ms_reset(ms_state_t *st)
{
    memset(st->in_buf, 0, sizeof st->in_buf);
    memset(st->ola_q8, 0, sizeof st->ola_q8);
    memset(st->h1, 0, sizeof st->h1);
    memset(st->h2, 0, sizeof st->h2);
    memset(st->gain_q15, 0, sizeof st->gain_q15);
    memset(st->energy_q8, 0, sizeof st->energy_q8);
#ifdef MS_FAULT_STAGE
    st->frame = 0u;
#endif
}

void ms_init(ms_state_t *st)
{
    uint16_t i;
    memset(st, 0, sizeof *st);
    st->path = MS_USE_DSP ? MS_PATH_DSP : MS_PATH_REF;
    for (i = 0u; i < MS_N_PARAMS; i++) (void)ms_set_param(st, i, ms_params[i].def);
}

/** Steps 2-4: block exponent, windowing, FFT, band energies; returns s. */
static unsigned analyse(ms_state_t *st)
{
    int64_t esum[MS_NB];
    int32_t m = 0;
    unsigned s = 0u, n, b;
    for (n = 0u; n < MS_WIN; n++) {
        const int32_t a = st->in_buf[n] < 0 ? -(int32_t)st->in_buf[n] : st->in_buf[n];
        if (a > m) m = a;
    }
    while (s < 14u && (m << (s + 1u)) < 32768) s++;
    for (n = 0u; n < MS_WIN; n++) {
        const int64_t p = (int64_t)((int32_t)st->in_buf[n] * (int32_t)ms_window_q15[n]);
        st->fft[n] = (int32_t)hil_rshr64(p * ((int64_t)1 << s), 10u);
    }
    for (; n < MS_NFFT; n++) st->fft[n] = 0;
    MS_STAGE_END(st, MS_STAGE_WINDOW);
    ms_rfft512(st->fft, st->spec);
    MS_STAGE_END(st, MS_STAGE_FFT);

    /* |X| < 2^28.33: P'[k] = round(|X|^2 / 2^10) < 2^47.7; sum_k P'[k] < 2^47.4 (Parseval:
     * sum over all 512 bins = 512 sum x^2 < 2^57.3), so the Q15-weighted band sums stay below
     * 2^62.4. */
    for (b = 0u; b < MS_NB; b++) esum[b] = 0;
    for (b = 0u; b + 1u < MS_NB; b++) {
        const unsigned c0 = ms_band_corner[b], lw = ms_band_lw[b];
        const unsigned width = 1u << lw;
        unsigned d;
        for (d = 0u; d < width; d++) {
            const unsigned k = c0 + d;
            const int32_t re = st->spec[2u * k], im = st->spec[2u * k + 1u];
            const int64_t pk = hil_rshr64((int64_t)re * re + (int64_t)im * im, 10u);
            const int64_t w1 = (int64_t)(d << (15u - lw)); /* weight of band b + 1, Q15 */
            esum[b] += (32768 - w1) * pk;
            esum[b + 1u] += w1 * pk;
        }
    }
    {
        const int32_t re = st->spec[2u * 256u];
        esum[MS_NB - 1u] += 32768 * hil_rshr64((int64_t)re * re, 10u);
    }
    for (b = 0u; b < MS_NB; b++) st->energy_q8[b] = hil_rshr64(esum[b], 7u + 2u * s);
    MS_STAGE_END(st, MS_STAGE_BANDS);
    return s;
}

/** Step 7: per-bin gains (linear interpolation of the band gains) applied to the spectrum. */
static void apply_gains(ms_state_t *st)
{
    unsigned b;
    for (b = 0u; b + 1u < MS_NB; b++) {
        const unsigned c0 = ms_band_corner[b], lw = ms_band_lw[b];
        const int32_t g0 = st->gain_q15[b], g1 = st->gain_q15[b + 1u];
        unsigned d;
        for (d = 0u; d < (1u << lw); d++) {
            const unsigned k = c0 + d;
            const int32_t w1 = (int32_t)(d << (15u - lw));
            /* Q15 x Q15 sum < 2^31: (32768 - w1) g0 + w1 g1 <= 2^30 */
            const int32_t g = hil_rshr32((32768 - w1) * g0 + w1 * g1, 15u); /* <= 32768 */
            st->spec[2u * k] = (int32_t)hil_rshr64((int64_t)st->spec[2u * k] * g, 15u);
            st->spec[2u * k + 1u] = (int32_t)hil_rshr64((int64_t)st->spec[2u * k + 1u] * g, 15u);
        }
    }
    st->spec[512] = (int32_t)hil_rshr64((int64_t)st->spec[512] * st->gain_q15[MS_NB - 1u], 15u);
    st->spec[513] = 0;
}

/** Output limiter: hard clip to [-limit, min(limit, 32767)] (limit = 32768 at 0 dBFS is the
 *  identity on int16). */
static int16_t limit_sample(int32_t y, int32_t lim)
{
    const int32_t hi = lim > INT16_MAX ? INT16_MAX : lim;
    if (y > hi) return (int16_t)hi;
    if (y < -lim) return (int16_t)(-lim);
    return (int16_t)y;
}

ms_status_t ms_process(ms_state_t *st, const int16_t *in, int16_t *out)
{
    unsigned s, n, b;
    if (st == NULL || in == NULL || out == NULL) return MS_FAILED;
    st->out = out;

    /* 1. input */
    memmove(st->in_buf, st->in_buf + MS_HOP, MS_HOP * sizeof st->in_buf[0]);
    for (n = 0u; n < MS_HOP; n++) st->in_buf[MS_HOP + n] = hil_apply_gain_q15(in[n], st->g_in_q15);
    MS_STAGE_END(st, MS_STAGE_INPUT);

    /* 2-4. analysis */
    s = analyse(st);

    /* 5. features: (log2(E + 1) - 24) / 32 in Q15 = log2(E_q8 + 256) in Q10 - 8 * 1024 - 24576 */
    for (b = 0u; b < MS_NB; b++) {
        const int32_t l = ms_log2_q10((uint64_t)st->energy_q8[b] + 256u) - 8 * 1024;
        st->feat[b] = hil_sat16(l - 24576);
    }
    MS_STAGE_END(st, MS_STAGE_FEATURES);

    /* 6. network */
    ms_dense_q12(&ms_dense1, st->feat, st->pre, st->path);
    for (n = 0u; n < MS_D1; n++) st->a1[n] = ms_tanh_q12(st->pre[n]);
    MS_STAGE_END(st, MS_STAGE_DENSE1);
    ms_gru_step(&ms_gru1, st->a1, st->h1, st->gx, st->gh, st->path);
    MS_STAGE_END(st, MS_STAGE_GRU1);
    ms_gru_step(&ms_gru2, st->h1, st->h2, st->gx, st->gh, st->path);
    MS_STAGE_END(st, MS_STAGE_GRU2);
    ms_dense_q12(&ms_dense2, st->h2, st->pre, st->path);
    for (b = 0u; b < MS_NB; b++) {
        const int32_t g = ms_sigmoid_q12(st->pre[b]);
        st->gain_q15[b] = g > st->floor_q15 ? g : st->floor_q15;
    }
    MS_STAGE_END(st, MS_STAGE_DENSE2);

    /* 7-8. gains, synthesis, overlap-add */
    apply_gains(st);
    MS_STAGE_END(st, MS_STAGE_GAINS);
    ms_irfft512(st->spec, st->fft);
    MS_STAGE_END(st, MS_STAGE_IFFT);
    for (n = 0u; n < MS_WIN; n++) {
        /* y * 2^(5+s) * w Q15 -> Q8: shift 12 + s (saturation only guards pathological peaks) */
        const int32_t c = hil_sat32(hil_rshr64((int64_t)st->fft[n] * ms_window_q15[n], 12u + s));
        if (n < MS_HOP) {
            const int32_t o = hil_sat32((int64_t)st->ola_q8[n] + c);
            int32_t y;
            if (st->param[MS_P_BYPASS]) {
                y = hil_apply_gain_q15(st->in_buf[n], st->g_out_q15);
            } else {
                y = hil_round_sat16((int64_t)o * st->g_out_q15, 23u);
            }
            out[n] = limit_sample(y, st->limit);
        } else {
            st->ola_q8[n - MS_HOP] = c;
        }
    }
    MS_STAGE_END(st, MS_STAGE_SYNTHESIS);
#ifdef MS_FAULT_STAGE
    st->frame++;
#endif
    st->out = NULL;
    return MS_OK;
}

/* ---- hil_model_t glue ---- */

static void glue_init(void *state) { ms_init((ms_state_t *)state); }
static void glue_reset(void *state) { ms_reset((ms_state_t *)state); }
static hil_model_status_t glue_process(void *state, const int16_t *in, int16_t *out)
{
    return (hil_model_status_t)ms_process((ms_state_t *)state, in, out);
}
static hil_model_status_t glue_set(void *state, uint16_t id, int32_t value)
{
    return (hil_model_status_t)ms_set_param((ms_state_t *)state, id, value);
}
static hil_model_status_t glue_get(const void *state, uint16_t id, int32_t *value)
{
    return (hil_model_status_t)ms_get_param((const ms_state_t *)state, id, value);
}
#if MS_STAGES
static void glue_set_probe(void *state, hil_stage_probe_t probe, void *ctx)
{
    ms_set_probe((ms_state_t *)state, probe, ctx);
}
static int glue_tap(const void *state, uint8_t stage, hil_tap_t *tap)
{
    return ms_tap((const ms_state_t *)state, stage, tap);
}

static const hil_model_stages_t ms_stages = { (uint8_t)MS_N_STAGES, ms_stage_names, glue_set_probe,
                                              glue_tap };
#endif

const hil_model_t ms_model = {
    "model-s",
    "0.1.0",
    "STFT + GRU band-gain speech enhancer, int16, trained (checkpoint sha256 " MS_CHECKPOINT_ID "), dot path " MS_DOT_PATH_NAME,
    MS_WEIGHTS_HASH,
    MS_SAMPLE_RATE,
    MS_HOP,
    MS_LATENCY,
    MS_STATE_BYTES,
    MS_N_PARAMS,
    ms_params,
    glue_init,
    glue_reset,
    glue_process,
    glue_set,
    glue_get,
#if MS_STAGES
    &ms_stages,
#else
    NULL,
#endif
};
