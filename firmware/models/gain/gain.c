/**
 * @file gain.c
 * @brief The "gain" model: int16 gain / passthrough, the reference model behind hil_model.h.
 *
 * One parameter, gain_db (Q8 dB, -60 .. +24 dB, default 0 dB = bit-exact passthrough). The linear
 * Q15 gain is computed once per SET_PARAM with hil_db_to_gain_q15() (integer only), and every
 * sample is out = sat16(round(in * gain / 2^15)) (hil_apply_gain_q15). Stateless between frames,
 * latency 0, no weights.
 */
#include "hil_model_gain.h"

#include "hil_q.h"

#define GAIN_HOP 160u
#define GAIN_DB_MIN (-60 * 256)
#define GAIN_DB_MAX (24 * 256)

typedef struct {
    int32_t gain_db_q8; /**< parameter 0 as set */
    int32_t gain_q15;   /**< hil_db_to_gain_q15(gain_db_q8) */
} gain_state_t;

static const hil_param_desc_t gain_params[1] = {
    {"gain_db", "dB", 8u, GAIN_DB_MIN, GAIN_DB_MAX, 0},
};

/** Set the gain (range already checked by the agent; checked again here for direct callers). */
static hil_model_status_t gain_set_param(void *state, uint16_t id, int32_t value)
{
    gain_state_t *s = (gain_state_t *)state;
    if (id != 0u) return HIL_MODEL_BAD_PARAM;
    if (value < GAIN_DB_MIN || value > GAIN_DB_MAX) return HIL_MODEL_PARAM_RANGE;
    s->gain_db_q8 = value;
    s->gain_q15 = hil_db_to_gain_q15(value);
    return HIL_MODEL_OK;
}

static hil_model_status_t gain_get_param(const void *state, uint16_t id, int32_t *value)
{
    const gain_state_t *s = (const gain_state_t *)state;
    if (id != 0u) return HIL_MODEL_BAD_PARAM;
    *value = s->gain_db_q8;
    return HIL_MODEL_OK;
}

static void gain_init(void *state)
{
    (void)gain_set_param(state, 0u, gain_params[0].def);
}

/** No streaming state: nothing to clear. */
static void gain_reset(void *state)
{
    (void)state;
}

static hil_model_status_t gain_process(void *state, const int16_t *in, int16_t *out)
{
    const int32_t g = ((const gain_state_t *)state)->gain_q15;
    unsigned i;
    for (i = 0; i < GAIN_HOP; i++) out[i] = hil_apply_gain_q15(in[i], g);
    return HIL_MODEL_OK;
}

const hil_model_t hil_model_gain = {
    "gain",                                /* id */
    "1",                                   /* version */
    "int16 gain",                          /* description */
    0u,                                    /* weights_hash: no weights */
    16000u,                                /* sample_rate */
    GAIN_HOP,                              /* hop */
    0u,                                    /* latency */
    (sizeof(gain_state_t) + 7u) & ~(size_t)7u, /* state_size */
    1u,                                    /* n_params */
    gain_params,
    gain_init,
    gain_reset,
    gain_process,
    gain_set_param,
    gain_get_param,
    NULL,                                  /* stages: profiled as a whole */
};
