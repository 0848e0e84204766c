/**
 * @file hil_corrupt.h
 * @brief Test-only build option: deliberately wrong output from a given frame, for any model.
 *
 * Built with -DHIL_CORRUPT_FROM_FRAME=N (and optionally -DHIL_CORRUPT_SAMPLE=K, default 0), a
 * board wraps its model descriptor with hil_corrupt_wrap(): from frame N on (0-based, counted
 * since the last init or RESET, i.e. from the start of every streamed case), output sample K of
 * each frame has its least significant bit flipped. Frames before N and the other samples are
 * the model's own. So against a golden of the uncorrupted build the first mismatch is at frame N,
 * sample index N x hop + K, time (N x hop + K) / rate, and every later frame differs by exactly
 * 1 LSB in one sample. The harness's acceptance tests run such images to prove that a wrong
 * output is caught and reported at the right place. Without HIL_CORRUPT_FROM_FRAME this header
 * defines nothing; production images never set it.
 *
 * Usage in a board main, after choosing the model descriptor `model`:
 *   #ifdef HIL_CORRUPT_FROM_FRAME
 *       model = hil_corrupt_wrap(model);
 *   #endif
 * Single instance: the wrapper keeps its frame count in static storage (one agent per image).
 */
#ifndef HIL_CORRUPT_H
#define HIL_CORRUPT_H

#ifdef HIL_CORRUPT_FROM_FRAME

#include <stdint.h>

#include "hil_model.h"

#ifndef HIL_CORRUPT_SAMPLE
#define HIL_CORRUPT_SAMPLE 0
#endif

#define HIL_CORRUPT_STR_(x) #x
#define HIL_CORRUPT_STR(x) HIL_CORRUPT_STR_(x)
/** Device log line a board may send at boot so that the run log shows this is a test image. */
#define HIL_CORRUPT_NOTE                                                                          \
    "test image: output sample " HIL_CORRUPT_STR(HIL_CORRUPT_SAMPLE) " of every frame from frame " \
    HIL_CORRUPT_STR(HIL_CORRUPT_FROM_FRAME) " on has its LSB flipped"

static const hil_model_t *hil_corrupt_inner;
static hil_model_t hil_corrupt_model;
static uint32_t hil_corrupt_frame; /* frames processed since init / reset */

static void hil_corrupt_init(void *state)
{
    hil_corrupt_frame = 0u;
    hil_corrupt_inner->init(state);
}

static void hil_corrupt_reset(void *state)
{
    hil_corrupt_frame = 0u;
    hil_corrupt_inner->reset(state);
}

/** The model's process; then, from frame HIL_CORRUPT_FROM_FRAME on, flip bit 0 of one sample.
 *  x even -> x + 1, x odd -> x - 1: exactly 1 LSB, never overflows (32767 -> 32766,
 *  -32768 -> -32767). */
static hil_model_status_t hil_corrupt_process(void *state, const int16_t *in, int16_t *out)
{
    const hil_model_status_t st = hil_corrupt_inner->process(state, in, out);
    if (st != HIL_MODEL_OK) return st;
    if (hil_corrupt_frame >= (uint32_t)(HIL_CORRUPT_FROM_FRAME) &&
        (uint32_t)(HIL_CORRUPT_SAMPLE) < (uint32_t)hil_corrupt_inner->hop) {
        const int16_t v = out[HIL_CORRUPT_SAMPLE];
        out[HIL_CORRUPT_SAMPLE] = (int16_t)((v & 1) != 0 ? v - 1 : v + 1);
    }
    hil_corrupt_frame++;
    return st;
}

/** A descriptor equal to `inner` whose init/reset/process apply the corruption. */
static const hil_model_t *hil_corrupt_wrap(const hil_model_t *inner)
{
    hil_corrupt_inner = inner;
    hil_corrupt_model = *inner;
    hil_corrupt_model.init = hil_corrupt_init;
    hil_corrupt_model.reset = hil_corrupt_reset;
    hil_corrupt_model.process = hil_corrupt_process;
    return &hil_corrupt_model;
}

#endif /* HIL_CORRUPT_FROM_FRAME */
#endif /* HIL_CORRUPT_H */
