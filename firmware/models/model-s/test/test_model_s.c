/**
 * @file test_model_s.c
 * @brief C self test of model S (run by `make -C firmware test`): parameters, bit-exactness of
 *        the portable and SMLALD paths, bypass exactness, near-identity with max_atten_db = 0,
 *        reset reproducibility. Seeded integer signals only. Exit 0 on success.
 */
#include <stdio.h>
#include <string.h>

#include "hil_q.h"
#include "ms_intrin.h"
#include "ms_model.h"

#define FRAMES 300u
#define N (FRAMES * MS_HOP)

static ms_state_t sa, sb;
static int16_t sig[N], ya[N], yb[N];
static int failures;

#define CHECK(c, ...)                                                                   \
    do {                                                                                \
        if (!(c)) {                                                                     \
            failures++;                                                                 \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                 \
            printf(__VA_ARGS__);                                                        \
            printf("\n");                                                               \
        }                                                                               \
    } while (0)

static uint32_t lcg = 12345u;
static int32_t rnd16(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return (int32_t)(lcg >> 16) - 32768;
}

/** Seeded speech-like signal: a 150 Hz-ish pulse train through a one-pole filter, a syllable
 *  envelope, and noise bursts. Integer only. */
static void make_signal(void)
{
    uint32_t n;
    int32_t lp = 0;
    for (n = 0; n < N; n++) {
        const uint32_t period = 100u + (n / 800u) % 20u;          /* 160 .. 133 Hz glides */
        const int32_t pulse = (n % period) == 0u ? 20000 : 0;
        const uint32_t syl = n % 4000u;                            /* 4 syllables per second */
        const int32_t env = syl < 2500u ? (int32_t)(syl < 1250u ? syl : 2500u - syl) * 26 : 0;
        int32_t v;
        lp = lp + ((pulse - lp) >> 3) + (rnd16() >> 9);
        v = (int32_t)(((int64_t)lp * env) >> 15);
        if ((n / 1600u) % 5u == 3u) v += rnd16() >> 3;             /* noise bursts */
        v += rnd16() >> 8;                                         /* background noise */
        sig[n] = hil_sat16(v);
    }
}

static void run(ms_state_t *st, int16_t *y)
{
    uint32_t f;
    for (f = 0; f < FRAMES; f++) {
        CHECK(ms_process(st, sig + f * MS_HOP, y + f * MS_HOP) == MS_OK, "process");
    }
}

int main(void)
{
    uint32_t n, i;
    int32_t v = 0, maxerr = 0;
    CHECK(hil_q_selftest() == 0, "hil_q_selftest");
    make_signal();

    /* SMLALD emulation against plain products */
    for (i = 0; i < 100000u; i++) {
        const uint32_t x = (uint32_t)rnd16() << 16 | ((uint32_t)rnd16() & 0xFFFFu);
        const uint32_t y = (uint32_t)rnd16() << 16 | ((uint32_t)rnd16() & 0xFFFFu);
        const int64_t acc = (int64_t)rnd16() * 1000003;
        const int64_t want = acc + (int64_t)(int16_t)(x & 0xFFFFu) * (int16_t)(y & 0xFFFFu) +
                             (int64_t)(int16_t)(x >> 16) * (int16_t)(y >> 16);
        if (ms_smlald(x, y, acc) != want) {
            CHECK(0, "smlald %08lx %08lx", (unsigned long)x, (unsigned long)y);
            break;
        }
    }

    /* parameters */
    ms_init(&sa);
    CHECK(ms_get_param(&sa, MS_P_MAX_ATTEN_DB, &v) == MS_OK && v == 20 * 256, "default atten");
    CHECK(ms_get_param(&sa, MS_P_LIMITER_DBFS, &v) == MS_OK && v == -256, "default limiter");
    CHECK(ms_set_param(&sa, MS_N_PARAMS, 0) == MS_BAD_PARAM, "bad id");
    CHECK(ms_set_param(&sa, MS_P_INPUT_GAIN_DB, 24 * 256 + 1) == MS_PARAM_RANGE, "range");
    CHECK(ms_set_param(&sa, MS_P_BYPASS, 2) == MS_PARAM_RANGE, "bypass range");
    CHECK(ms_set_param(&sa, MS_P_OUTPUT_GAIN_DB, -1541) == MS_OK &&
              ms_get_param(&sa, MS_P_OUTPUT_GAIN_DB, &v) == MS_OK && v == -1541, "set/get");
    CHECK(ms_model.state_size >= sizeof(ms_state_t) && ms_model.state_size % 8u == 0u, "state");
    CHECK(strcmp(ms_model.id, "model-s") == 0 && ms_model.latency == MS_LATENCY, "descriptor");

    /* portable oracle vs DSP path: bit-exact */
    ms_init(&sa);
    ms_init(&sb);
    CHECK(ms_set_path(&sa, MS_PATH_REF) == MS_OK && ms_set_path(&sb, MS_PATH_DSP) == MS_OK, "path");
    run(&sa, ya);
    run(&sb, yb);
    CHECK(memcmp(ya, yb, sizeof ya) == 0, "ref and dsp paths differ");

    /* reset reproduces a fresh start (parameters kept) */
    ms_reset(&sb);
    run(&sb, yb);
    CHECK(memcmp(ya, yb, sizeof ya) == 0, "reset is not a fresh start");

    /* bypass with 0 dB gains and a 0 dBFS limiter: the input delayed by exactly MS_LATENCY */
    ms_init(&sa);
    CHECK(ms_set_param(&sa, MS_P_BYPASS, 1) == MS_OK, "bypass");
    CHECK(ms_set_param(&sa, MS_P_LIMITER_DBFS, 0) == MS_OK, "limiter");
    run(&sa, ya);
    for (n = 0; n < N; n++) {
        const int16_t want = n < MS_LATENCY ? 0 : sig[n - MS_LATENCY];
        if (ya[n] != want) {
            CHECK(0, "bypass sample %lu: %d != %d", (unsigned long)n, ya[n], want);
            break;
        }
    }

    /* max_atten_db = 0 forces every gain to 1: perfect-reconstruction STFT, within 1 LSB */
    ms_init(&sa);
    CHECK(ms_set_param(&sa, MS_P_MAX_ATTEN_DB, 0) == MS_OK, "atten");
    CHECK(ms_set_param(&sa, MS_P_LIMITER_DBFS, 0) == MS_OK, "limiter");
    run(&sa, ya);
    for (n = MS_LATENCY; n < N; n++) {
        const int32_t e = ya[n] - sig[n - MS_LATENCY];
        if (e > maxerr) maxerr = e;
        if (-e > maxerr) maxerr = -e;
    }
    CHECK(maxerr <= 1, "identity error %ld LSB", (long)maxerr);

    /* limiter: -6 dBFS caps the output at hil_db_to_gain_q15(-6 dB) */
    ms_init(&sa);
    CHECK(ms_set_param(&sa, MS_P_LIMITER_DBFS, -6 * 256) == MS_OK, "limiter");
    CHECK(ms_set_param(&sa, MS_P_INPUT_GAIN_DB, 24 * 256) == MS_OK, "gain");
    run(&sa, ya);
    {
        const int32_t lim = hil_db_to_gain_q15(-6 * 256);
        int32_t peak = 0;
        for (n = 0; n < N; n++) {
            const int32_t a = ya[n] < 0 ? -ya[n] : ya[n];
            if (a > peak) peak = a;
        }
        CHECK(peak == lim, "limiter peak %ld != %ld", (long)peak, (long)lim);
    }

    if (failures) {
        printf("test_model_s: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_model_s: all passed (identity max error %ld LSB)\n", (long)maxerr);
    return 0;
}
