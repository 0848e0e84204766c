/**
 * @file hil_model_gain.h
 * @brief The "gain" model descriptor (int16 gain/passthrough, hop 160, 16 kHz, gain_db param).
 */
#ifndef HIL_MODEL_GAIN_H
#define HIL_MODEL_GAIN_H

#include "hil_model.h"

/** Bytes of state the gain model needs (upper bound of hil_model_gain.state_size). */
#define HIL_MODEL_GAIN_STATE_BYTES 8u

/** The gain model. */
extern const hil_model_t hil_model_gain;

#endif /* HIL_MODEL_GAIN_H */
