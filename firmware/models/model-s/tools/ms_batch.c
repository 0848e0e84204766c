/**
 * @file ms_batch.c
 * @brief Host batch tool for model S: raw s16le in -> raw s16le out, no protocol.
 *
 *   ms-batch [--path ref|dsp] [--param NAME=VALUE]... [--raw NAME=RAW]... [--gains FILE]
 *            [--info] [IN|-] [OUT|-]
 *
 *   --path ref|dsp     dot-product path: portable oracle or SMLALD (portable emulation on hosts).
 *                      Default dsp. (Built with MS_BOTH_PATHS=1.)
 *   --param N=V        set parameter N to the real value V (raw = round(V * 2^frac_bits)).
 *   --raw N=R          set parameter N to the raw int32 R.
 *   --gains FILE       write the 20 applied band gains (int32 LE, Q15) of every frame to FILE.
 *   --info             print key=value facts (model, latency, hash, derived gains) to stdout and
 *                      exit unless IN is given (then facts go to stderr).
 *
 * The input is processed in frames of 160 samples; a partial last frame is zero padded, so the
 * output has ceil(N / 160) * 160 samples and out[n] answers in[n - 160] (the model latency).
 * Exit: 0 ok, 2 usage / I/O error. Host tool only: uses stdio and floating point for argument
 * parsing, never in the model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_model.h"
#include "ms_weights.h"

static ms_state_t st;

static int usage(const char *msg)
{
    fprintf(stderr, "ms-batch: %s\nusage: ms-batch [--path ref|dsp] [--param NAME=VALUE]... "
                    "[--raw NAME=RAW]... [--gains FILE] [--info] [IN|-] [OUT|-]\n", msg);
    return 2;
}

static int find_param(const char *name, size_t len)
{
    int i;
    for (i = 0; i < (int)MS_N_PARAMS; i++) {
        if (strlen(ms_params[i].name) == len && strncmp(ms_params[i].name, name, len) == 0) return i;
    }
    return -1;
}

static int set_param(const char *arg, int raw)
{
    const char *eq = strchr(arg, '=');
    char *end = NULL;
    int id;
    long long v;
    ms_status_t rc;
    if (eq == NULL) return usage("parameter needs NAME=VALUE");
    id = find_param(arg, (size_t)(eq - arg));
    if (id < 0) {
        fprintf(stderr, "ms-batch: unknown parameter '%.*s'\n", (int)(eq - arg), arg);
        return 2;
    }
    if (raw) {
        v = strtoll(eq + 1, &end, 0);
    } else {
        const double d = strtod(eq + 1, &end);
        v = (long long)llround(d * ldexp(1.0, ms_params[id].frac_bits));
    }
    if (end == eq + 1 || *end != '\0') return usage("bad parameter value");
    if (v < ms_params[id].min || v > ms_params[id].max) {
        fprintf(stderr, "ms-batch: %s raw %lld outside [%ld, %ld]\n", ms_params[id].name, v,
                (long)ms_params[id].min, (long)ms_params[id].max);
        return 2;
    }
    rc = ms_set_param(&st, (uint16_t)id, (int32_t)v);
    return rc == MS_OK ? 0 : 2;
}

static void info(FILE *f)
{
    int i;
    fprintf(f, "id=%s\nversion=%s\ndescription=%s\nweights_hash=0x%08lX\nweights_count=%u\n",
            ms_model.id, ms_model.version, ms_model.description,
            (unsigned long)ms_model.weights_hash, (unsigned)MS_WEIGHTS_COUNT);
    fprintf(f, "sample_rate=%lu\nhop=%u\nlatency=%lu\nstate_size=%lu\nstate_used=%lu\n",
            (unsigned long)ms_model.sample_rate, (unsigned)ms_model.hop,
            (unsigned long)ms_model.latency, (unsigned long)ms_model.state_size,
            (unsigned long)sizeof(ms_state_t));
    fprintf(f, "path=%s\n", st.path == MS_PATH_DSP ? "dsp" : "ref");
    for (i = 0; i < (int)MS_N_PARAMS; i++) {
        int32_t v = 0;
        (void)ms_get_param(&st, (uint16_t)i, &v);
        fprintf(f, "param.%s=%ld\n", ms_params[i].name, (long)v);
    }
    fprintf(f, "g_in_q15=%ld\ng_out_q15=%ld\nfloor_q15=%ld\nlimit=%ld\n", (long)st.g_in_q15,
            (long)st.g_out_q15, (long)st.floor_q15, (long)st.limit);
}

int main(int argc, char **argv)
{
    const char *inp = NULL, *outp = NULL, *gainp = NULL;
    int show_info = 0, i, rc;
    FILE *fi, *fo, *fg = NULL;
    int16_t in[MS_HOP], out[MS_HOP];
    ms_init(&st);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--path") == 0 && i + 1 < argc) {
            const char *p = argv[++i];
            if (strcmp(p, "ref") == 0) rc = ms_set_path(&st, MS_PATH_REF);
            else if (strcmp(p, "dsp") == 0) rc = ms_set_path(&st, MS_PATH_DSP);
            else return usage("--path takes ref or dsp");
            if (rc != MS_OK) return usage("this build does not have that path");
        } else if (strcmp(a, "--param") == 0 && i + 1 < argc) {
            if ((rc = set_param(argv[++i], 0)) != 0) return rc;
        } else if (strcmp(a, "--raw") == 0 && i + 1 < argc) {
            if ((rc = set_param(argv[++i], 1)) != 0) return rc;
        } else if (strcmp(a, "--gains") == 0 && i + 1 < argc) {
            gainp = argv[++i];
        } else if (strcmp(a, "--info") == 0) {
            show_info = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            return usage("unknown option");
        } else if (inp == NULL) {
            inp = a;
        } else if (outp == NULL) {
            outp = a;
        } else {
            return usage("too many arguments");
        }
    }
    if (show_info && inp == NULL) {
        info(stdout);
        return 0;
    }
    if (show_info) info(stderr);
    if (inp == NULL) inp = "-";
    if (outp == NULL) outp = "-";
    fi = strcmp(inp, "-") == 0 ? stdin : fopen(inp, "rb");
    if (fi == NULL) {
        fprintf(stderr, "ms-batch: cannot open %s\n", inp);
        return 2;
    }
    fo = strcmp(outp, "-") == 0 ? stdout : fopen(outp, "wb");
    if (fo == NULL) {
        fprintf(stderr, "ms-batch: cannot create %s\n", outp);
        return 2;
    }
    if (gainp != NULL && (fg = fopen(gainp, "wb")) == NULL) {
        fprintf(stderr, "ms-batch: cannot create %s\n", gainp);
        return 2;
    }
    for (;;) {
        uint8_t raw[2u * MS_HOP];
        const size_t got = fread(raw, 1, sizeof raw, fi);
        size_t n;
        if (got == 0) break;
        memset(raw + got, 0, sizeof raw - got);
        for (n = 0; n < MS_HOP; n++) in[n] = (int16_t)(uint16_t)(raw[2 * n] | (raw[2 * n + 1] << 8));
        if (ms_process(&st, in, out) != MS_OK) {
            fprintf(stderr, "ms-batch: process failed\n");
            return 2;
        }
        for (n = 0; n < MS_HOP; n++) {
            const uint16_t u = (uint16_t)out[n];
            raw[2 * n] = (uint8_t)(u & 0xFFu);
            raw[2 * n + 1] = (uint8_t)(u >> 8);
        }
        if (fwrite(raw, 1, sizeof raw, fo) != sizeof raw) {
            fprintf(stderr, "ms-batch: write failed\n");
            return 2;
        }
        if (fg != NULL) {
            const int32_t *g = ms_band_gains(&st);
            for (n = 0; n < MS_NB; n++) {
                const uint32_t u = (uint32_t)g[n];
                const uint8_t b4[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16),
                                       (uint8_t)(u >> 24)};
                (void)fwrite(b4, 1, 4, fg);
            }
        }
        if (got < sizeof raw) break;
    }
    if (fo != stdout) fclose(fo);
    else fflush(stdout);
    if (fi != stdin) fclose(fi);
    if (fg != NULL) fclose(fg);
    return 0;
}
