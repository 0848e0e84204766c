/**
 * @file ms_model.h
 * @brief Model S: int16 streaming speech enhancer (STFT + 20 band gains from a small GRU net).
 *
 * 16 kHz mono, hop 160 (10 ms), sine window 320, 512-point fixed-point real FFT, 20 triangular
 * bands, Dense 20->32 (tanh), GRU 32->48, GRU 48->48, Dense 48->20 (sigmoid) -> band gains ->
 * linear interpolation to bins -> inverse FFT -> overlap-add. Latency MS_LATENCY = 160 samples.
 * Integer only (no floating point): identical output on every C99 target.
 * See README.md in this folder for Q formats, memory and cycle figures.
 *
 * Deliberate-error builds (tests of `hil`'s first-divergence report only): with
 * MS_FAULT_STAGE = k, MS_FAULT_FRAME = f and MS_FAULT_ELEM = e defined, element e of stage k's
 * tap is off by +1 LSB at the end of that stage in every frame from frame f (0-based since the
 * last reset) on.
 *
 * Usage (CMSIS style: caller-owned instance, init, process):
 *   static ms_state_t st;  ms_init(&st);  ms_process(&st, in160, out160);
 * or through the hil_model_t descriptor ms_model (state_size = sizeof(ms_state_t)).
 */
#ifndef MS_MODEL_H
#define MS_MODEL_H

#include <stdint.h>

#include "hil_model.h"
#include "ms_config.h"
#include "ms_nn.h"

/** Status codes (numerically equal to hil_model_status_t). */
typedef enum {
    MS_OK = 0,
    MS_BAD_PARAM = -1,   /**< no parameter with that id */
    MS_PARAM_RANGE = -2, /**< value outside the parameter's [min, max] */
    MS_FAILED = -3       /**< bad arguments (NULL pointer) */
} ms_status_t;

/** Parameter ids (index into ms_params). dB values are raw Q8 (raw / 256 dB). */
enum {
    MS_P_INPUT_GAIN_DB = 0,  /**< -24 .. +24 dB, default 0: applied to the input, saturating */
    MS_P_OUTPUT_GAIN_DB = 1, /**< -24 .. +24 dB, default 0: applied to the output */
    MS_P_MAX_ATTEN_DB = 2,   /**< 0 .. 40 dB, default 20: floor of the band gains */
    MS_P_LIMITER_DBFS = 3,   /**< -20 .. 0 dBFS, default -1: output sample-peak hard limiter */
    MS_P_BYPASS = 4,         /**< 0 / 1 (frac_bits 0), default 0 */
    MS_N_PARAMS = 5
};

/** Stages of a frame, in order (ms_stage_names, PROTOCOL.md 4.4). MS_STAGES=0 compiles the
 *  probe calls out entirely; with MS_STAGES=1 (default) an uninstalled probe costs one load and
 *  branch per stage. */
#ifndef MS_STAGES
#define MS_STAGES 1
#endif
enum {
    MS_STAGE_INPUT = 0,  /**< input gain into the history */
    MS_STAGE_WINDOW,     /**< block exponent, analysis window */
    MS_STAGE_FFT,        /**< forward 512-point real FFT */
    MS_STAGE_BANDS,      /**< band energies */
    MS_STAGE_FEATURES,   /**< log2 features */
    MS_STAGE_DENSE1,     /**< dense 20->32 + tanh */
    MS_STAGE_GRU1,       /**< GRU 32->48 */
    MS_STAGE_GRU2,       /**< GRU 48->48 */
    MS_STAGE_DENSE2,     /**< dense 48->20 + sigmoid + floor: band gains */
    MS_STAGE_GAINS,      /**< per-bin gains applied to the spectrum */
    MS_STAGE_IFFT,       /**< inverse FFT */
    MS_STAGE_SYNTHESIS,  /**< synthesis window, overlap-add, output gain, limiter */
    MS_N_STAGES
};

/** Bytes reserved for the model state (>= sizeof(ms_state_t), multiple of 8). */
#define MS_STATE_BYTES 7424u

/** Caller-owned model state. Treat the fields as private. */
typedef struct {
    /* parameters */
    int32_t param[MS_N_PARAMS]; /**< raw values as set */
    int32_t g_in_q15;           /**< hil_db_to_gain_q15(input_gain_db) */
    int32_t g_out_q15;          /**< hil_db_to_gain_q15(output_gain_db) */
    int32_t floor_q15;          /**< hil_db_to_gain_q15(-max_atten_db), <= 32768 */
    int32_t limit;              /**< limiter threshold in LSB: hil_db_to_gain_q15(limiter_dbfs) */
    ms_path_t path;             /**< dot-product path (MS_USE_DSP unless ms_set_path) */
    /* streaming state */
    int16_t in_buf[MS_WIN];     /**< last 320 input samples after the input gain */
    int32_t ola_q8[MS_HOP];     /**< overlap-add tail, Q8 (sample * 256) */
    int16_t h1[MS_H1];          /**< GRU 1 state, Q15 */
    int16_t h2[MS_H2];          /**< GRU 2 state, Q15 */
    /* per-frame scratch (kept here so the stack stays small) */
    int32_t fft[MS_NFFT];       /**< time frame / complex work buffer */
    int32_t spec[2u * MS_NBINS];/**< spectrum {re, im} */
    int32_t gx[3u * MS_H1];     /**< GRU input pre-activations, Q12 */
    int32_t gh[3u * MS_H1];     /**< GRU recurrent pre-activations, Q12 */
    int32_t pre[MS_D1];         /**< dense pre-activations, Q12 */
    int16_t feat[MS_NB];        /**< features, Q15 */
    int16_t a1[MS_D1];          /**< dense 1 output, Q15 */
    int32_t gain_q15[MS_NB];    /**< band gains after the floor (<= 32768) */
    int64_t energy_q8[MS_NB];   /**< band energies, LSB^2 Q8 (< 2^63) */
    int16_t *out;               /**< the output frame, while ms_process runs (the synthesis tap) */
    /* profiling and taps */
    hil_stage_probe_t probe;    /**< called at the end of each stage, or NULL */
    void *probe_ctx;
#ifdef MS_FAULT_STAGE
    uint32_t frame;             /**< frames since the last reset (deliberate-error builds only) */
#endif
} ms_state_t;

/** The parameter table (names, units, ranges, defaults). */
extern const hil_param_desc_t ms_params[MS_N_PARAMS];

/** The stage names, MS_N_STAGES of them, in order. */
extern const char *const ms_stage_names[MS_N_STAGES];

/** Install (probe != NULL) or remove the stage probe; ms_reset keeps it, ms_init removes it. */
void ms_set_probe(ms_state_t *st, hil_stage_probe_t probe, void *ctx);

/**
 * The tap of stage `stage` (PROTOCOL.md 4.5): the buffer holding that stage's output, valid at
 * the stage's end. Every stage has one: input in_buf (i16 x 320), window and ifft the time
 * buffer (i32 x 512, scale 2^(5+s)), fft and gains the spectrum (i32 x 514), bands the energies
 * (i64 x 20, Q8), features (i16 x 20, Q15), dense1 (i16 x 32, Q15), gru1 and gru2 the states
 * (i16 x 48, Q15), dense2 the floored band gains (i32 x 20, Q15), synthesis the output frame
 * (i16 x 160). Returns 0 for a stage number out of range.
 */
int ms_tap(const ms_state_t *st, uint8_t stage, hil_tap_t *tap);

/** The hil_model_t descriptor of model S (id "model-s"). */
extern const hil_model_t ms_model;

/** Initialise: clear the streaming state, set every parameter to its default, path MS_USE_DSP. */
void ms_init(ms_state_t *st);

/** Clear the streaming state (buffers, overlap-add, GRU states); parameters are kept. */
void ms_reset(ms_state_t *st);

/**
 * Process one frame of MS_HOP samples. in and out must not alias.
 * out[n] corresponds to in[n - MS_LATENCY] (the first 160 outputs after init/reset are the
 * response to the zero history). Bypass: out = limit(gain_out(gain_in(in delayed by 160))).
 * Overflow: every stage rounds and saturates (see README.md); the output saturates to int16.
 */
ms_status_t ms_process(ms_state_t *st, const int16_t *in, int16_t *out);

/** Set parameter id to raw value. @return MS_BAD_PARAM, MS_PARAM_RANGE or MS_OK. */
ms_status_t ms_set_param(ms_state_t *st, uint16_t id, int32_t value);

/** Read parameter id (raw) into *value. */
ms_status_t ms_get_param(const ms_state_t *st, uint16_t id, int32_t *value);

/** Select the dot-product path at run time. Only MS_BOTH_PATHS builds have both; otherwise
 *  selecting the path that was not compiled returns MS_FAILED. */
ms_status_t ms_set_path(ms_state_t *st, ms_path_t path);

/** log2(v) in Q10 for v >= 1 (the features' logarithm; error < 1e-4 + 1 LSB). Public for the
 *  kernel benchmarks (tools/ms_kernels.c). */
int32_t ms_log2_q10(uint64_t v);

/** Last band gains applied (Q15 extended, <= 32768), for tests and tools. */
const int32_t *ms_band_gains(const ms_state_t *st);

#endif /* MS_MODEL_H */
