/**
 * @file hil_model.h
 * @brief The model seam: what the protocol agent needs from an int16 streaming model.
 *
 * A model is a constant descriptor (hil_model_t) plus a caller-owned state block. The agent never
 * allocates: the board (or test) owns the state storage and passes it in. Every function works on
 * one frame of exactly `hop` mono int16 samples.
 *
 * Fields are only ever added at the end of hil_model_t (a field left out of an initialiser is
 * NULL/0, which always means "not supported"): prefer designated initialisers.
 */
#ifndef HIL_MODEL_H
#define HIL_MODEL_H

#include <stddef.h>
#include <stdint.h>

/** Status codes returned by model functions. */
typedef enum {
    HIL_MODEL_OK = 0,
    HIL_MODEL_BAD_PARAM = -1,   /**< no parameter with that id */
    HIL_MODEL_PARAM_RANGE = -2, /**< value outside [min, max] */
    HIL_MODEL_FAILED = -3       /**< the model could not process the frame */
} hil_model_status_t;

/** One runtime parameter. Real value = raw / 2^frac_bits. */
typedef struct {
    const char *name;   /**< identifier, [a-z0-9_]+ */
    const char *unit;   /**< "dB", "dBFS", "bool", ... */
    uint8_t frac_bits;  /**< fixed-point fraction bits of the raw value */
    int32_t min;        /**< raw minimum, inclusive */
    int32_t max;        /**< raw maximum, inclusive */
    int32_t def;        /**< raw default, applied by init */
} hil_param_desc_t;

/** Largest number of stages a model may declare (PROTOCOL.md 4.4). */
#define HIL_MAX_STAGES 16u

/**
 * Stage probe: the model calls it at the end of stage `stage` (0 .. n-1, in order, once per frame
 * each) with the context it was given. The agent reads its counter there, so the counts of the
 * stages add up to the frame's count. Called only while a probe is installed.
 */
typedef void (*hil_stage_probe_t)(void *ctx, uint8_t stage);

/** Element types of a stage tap; the value is the element's size in bytes (signed integers). */
typedef enum { HIL_TAP_I16 = 2, HIL_TAP_I32 = 4, HIL_TAP_I64 = 8 } hil_tap_type_t;

/**
 * A read-only view of one stage's output for the frame being processed (PROTOCOL.md 4.5):
 * `count` elements of `type` in the target's native byte order, at `data`.
 */
typedef struct {
    const void *data;
    uint16_t count;  /**< elements, >= 1 */
    uint8_t type;    /**< hil_tap_type_t */
} hil_tap_t;

/**
 * Optional named stages of a model's frame, for per-stage profiles (PROTOCOL.md 4.4). A model
 * without stages leaves hil_model_t.stages NULL and is profiled as a whole.
 */
typedef struct {
    uint8_t n;                 /**< number of stages, 1 .. HIL_MAX_STAGES */
    const char *const *names;  /**< n names, [a-z0-9_]+, in frame order */
    /** Install (probe != NULL) or remove (probe == NULL) the probe; kept across reset. */
    void (*set_probe)(void *state, hil_stage_probe_t probe, void *ctx);
    /**
     * Optional stage taps (PROTOCOL.md 4.5), or NULL: describe the output of stage `stage` in
     * *tap and return 1, or return 0 if that stage has no tap. `type` and `count` of a stage never
     * change; `data` is only read while the probe for that stage runs (the stage's output may be
     * overwritten by later stages of the same frame). Taps only read: with or without them the
     * model computes exactly the same outputs.
     */
    int (*tap)(const void *state, uint8_t stage, hil_tap_t *tap);
} hil_model_stages_t;

/** Constant description of a model and its entry points. */
typedef struct {
    const char *id;           /**< short model id, e.g. "gain", "model-s" */
    const char *version;      /**< model version string */
    const char *description;  /**< one line, e.g. "untrained seeded weights" */
    uint32_t weights_hash;    /**< CRC-32 of the weight tables (0 if none) */
    uint32_t sample_rate;     /**< Hz */
    uint16_t hop;             /**< samples per frame */
    uint32_t latency;         /**< algorithmic latency in samples */
    size_t state_size;        /**< bytes of state the caller must provide (aligned to 8) */
    uint16_t n_params;
    const hil_param_desc_t *params;

    /** Initialise state and set every parameter to its default. */
    void (*init)(void *state);
    /** Clear the streaming state (buffers, recurrent state); parameters are kept. */
    void (*reset)(void *state);
    /** Process one frame: in[hop] -> out[hop]. in and out do not alias. */
    hil_model_status_t (*process)(void *state, const int16_t *in, int16_t *out);
    /** Set parameter `id` to raw `value` (range already checked by the caller). */
    hil_model_status_t (*set_param)(void *state, uint16_t id, int32_t value);
    /** Read parameter `id` into *value. */
    hil_model_status_t (*get_param)(const void *state, uint16_t id, int32_t *value);
    /** Named stages for profiling, or NULL. */
    const hil_model_stages_t *stages;
} hil_model_t;

#endif /* HIL_MODEL_H */
