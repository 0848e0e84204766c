/**
 * @file test_q.c
 * @brief Unit tests of hil_q.h (host only; uses libm as the accuracy reference).
 *
 *   test_q           run the checks; prints "N passed, N failed", exits 1 on failure
 *   test_q --sweep   print the C results the TS mirror (harness/src/dsp/gain-q15.ts) must match:
 *                    "g <db_q8> <gain_q15>" and "a <x> <gain_q15> <y>" lines
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hil_check.h"
#include "hil_q.h"

/** The dB (Q8) inputs of the cross check: the whole gain_db range and beyond, and extremes. */
static void sweep(void)
{
    static const int32_t extremes[] = {INT32_MIN, INT32_MIN + 1, -1000000000, -16777216, -24661,
                                       -24660,   -24659,        -1,          0,         1,
                                       24659,    24660,         24661,       24662,     16777216,
                                       1000000000, INT32_MAX - 1, INT32_MAX};
    static const int16_t xs[] = {-32768, -32767, -20000, -1, 0, 1, 2, 12345, 32766, 32767};
    static const int32_t gs[] = {0, 1, 16383, 16384, 16385, 32767, 32768, 32769, 65536,
                                 65529, 1000000, INT32_MAX};
    int32_t db;
    size_t i, j;
    for (db = -20000; db <= 10000; db++) printf("g %ld %ld\n", (long)db, (long)hil_db_to_gain_q15(db));
    for (db = -2000000; db <= 2000000; db += 997) {
        printf("g %ld %ld\n", (long)db, (long)hil_db_to_gain_q15(db));
    }
    for (i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
        printf("g %ld %ld\n", (long)extremes[i], (long)hil_db_to_gain_q15(extremes[i]));
    }
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        for (j = 0; j < sizeof gs / sizeof gs[0]; j++) {
            printf("a %d %ld %d\n", xs[i], (long)gs[j], hil_apply_gain_q15(xs[i], gs[j]));
        }
    }
}

int main(int argc, char **argv)
{
    int32_t db, prev = -1;
    unsigned non_monotonic = 0, inaccurate = 0;
    double worst = 0.0;

    if (argc == 2 && strcmp(argv[1], "--sweep") == 0) {
        sweep();
        return 0;
    }
    CHECK(hil_q_selftest() == 0);

    /* fixed points */
    CHECK(hil_db_to_gain_q15(0) == 32768);
    CHECK(hil_db_to_gain_q15(INT32_MAX) == INT32_MAX);
    CHECK(hil_db_to_gain_q15(INT32_MIN) == 0);
    CHECK(hil_db_to_gain_q15(-30000) == 0);          /* -117 dB: below Q15 resolution */
    CHECK(hil_db_to_gain_q15(24661) == INT32_MAX);   /* +96.33 dB: saturated */
    CHECK(hil_db_to_gain_q15(1541) > 65470 && hil_db_to_gain_q15(1541) < 65536); /* +6.02 dB */
    CHECK(hil_db_to_gain_q15(-1541) > 16380 && hil_db_to_gain_q15(-1541) < 16400);
    CHECK(hil_db_to_gain_q15(20 * 256) > 327600 && hil_db_to_gain_q15(20 * 256) < 327760);

    /* monotonic (non-decreasing) and accurate over the gain_db range and beyond */
    for (db = -24 * 1024; db <= 24660; db++) {
        const int32_t g = hil_db_to_gain_q15(db);
        const double want = 32768.0 * pow(10.0, (double)db / 256.0 / 20.0);
        if (g < prev) non_monotonic++;
        prev = g;
        /* error budget: output rounding (0.5) + 5e-5 relative (table, interpolation, log2) */
        const double err = fabs((double)g - want);
        if (want >= 100000.0 && err / want > worst) worst = err / want;
        if (err > 0.5 + 5e-5 * want) inaccurate++;
    }
    CHECK(non_monotonic == 0u);
    CHECK(inaccurate == 0u);
    printf("hil_db_to_gain_q15: worst relative error %.2e (gains >= 100000)\n", worst);

    /* apply gain: rounding half up, saturation */
    CHECK(hil_apply_gain_q15(12345, 32768) == 12345);
    CHECK(hil_apply_gain_q15(-32768, 32768) == -32768);
    CHECK(hil_apply_gain_q15(1, 16384) == 1);   /* 0.5 rounds up */
    CHECK(hil_apply_gain_q15(-1, 16384) == 0);  /* -0.5 rounds up to 0 */
    CHECK(hil_apply_gain_q15(3, 16384) == 2);   /* 1.5 -> 2 */
    CHECK(hil_apply_gain_q15(20000, 65536) == 32767);
    CHECK(hil_apply_gain_q15(-20000, 65536) == -32768);
    CHECK(hil_apply_gain_q15(32767, INT32_MAX) == 32767);

    return hil_check_summary();
}
