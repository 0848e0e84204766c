/**
 * @file main.c
 * @brief host-sim board: the protocol agent + one model as a native process speaking the hil
 *        protocol over stdin/stdout (read(0)/write(1), unbuffered). Loops until EOF, exits 0.
 *
 * The model is chosen at build time: -DHIL_MODEL=<descriptor symbol> (e.g. hil_model_gain) and
 * optionally -DHIL_MODEL_STATE_BYTES=<n>; the Makefile derives both from the model's model.mk.
 * Test knobs are environment variables, see README.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil_agent.h"
#include "hil_corrupt.h"
#include "hil_port.h"

#ifndef HIL_MODEL
#error "define HIL_MODEL to the model descriptor symbol, e.g. -DHIL_MODEL=hil_model_gain"
#endif
#ifndef HIL_MODEL_STATE_BYTES
#define HIL_MODEL_STATE_BYTES (1024u * 1024u)
#endif
#ifndef HIL_FW_NAME
#define HIL_FW_NAME "hil-sim"
#endif
#ifndef HIL_FW_VERSION
#define HIL_FW_VERSION "0.0.0"
#endif
#ifndef HIL_BUILD_ID
#define HIL_BUILD_ID "unknown"
#endif

extern const hil_model_t HIL_MODEL;

static hil_agent_t agent;
static uint64_t model_state[(HIL_MODEL_STATE_BYTES + 7u) / 8u];
static hil_model_t sim_model; /* HIL_MODEL with process wrapped for the knobs */

static unsigned long knob_log_every;       /* HIL_SIM_LOG_EVERY */
static unsigned long knob_corrupt_rx_every; /* HIL_SIM_CORRUPT_RX_EVERY */
static unsigned long knob_drop_tx_every;   /* HIL_SIM_DROP_TX_EVERY */
static int knob_fault_kind;                /* HIL_SIM_FAULT_KIND: 0 off, see sim_fault_kind() */
static unsigned long knob_fault_at_frame;  /* HIL_SIM_FAULT_AT_FRAME */
static volatile int sim_silent;            /* fault "silent": every later output dropped */

static const hil_port_identity_t identity = {
    "host-sim", HIL_FW_NAME, HIL_FW_VERSION, HIL_BUILD_ID, 0u, "none",
};

/* ---- port ---------------------------------------------------------------------------------- */

/** Write all bytes to fd 1, retrying on EINTR and partial writes; exits on a dead link. */
static void write_all(const uint8_t *buf, size_t n)
{
    while (n > 0u) {
        ssize_t w = write(1, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            _exit(2); /* stdout closed: the host went away */
        }
        buf += (size_t)w;
        n -= (size_t)w;
    }
}

void hil_port_write(const uint8_t *buf, size_t n)
{
    /* HIL_SIM_DROP_TX_EVERY: drop every N-th protocol line this device sends */
    static int at_line_start = 1, dropping = 0;
    static unsigned long tx_lines;
    size_t i, start = 0;
    if (sim_silent) return;
    if (knob_drop_tx_every == 0u) {
        write_all(buf, n);
        return;
    }
    for (i = 0; i < n; i++) {
        if (at_line_start && buf[i] == '@') {
            tx_lines++;
            if (tx_lines % knob_drop_tx_every == 0u) {
                write_all(buf + start, i - start);
                dropping = 1;
            }
        }
        at_line_start = buf[i] == '\n';
        if (dropping && at_line_start) {
            dropping = 0;
            start = i + 1u;
        }
    }
    if (!dropping) write_all(buf + start, n - start);
}

uint64_t hil_port_counter(void)
{
    return 0u;
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &identity;
}

int32_t hil_port_stack_hwm(void)
{
    return -1;
}

uint32_t hil_port_stack_size(void)
{
    return 0u;
}

/* ---- knobs --------------------------------------------------------------------------------- */

/** Decimal value of an environment variable, 0 if unset or not a number. */
static unsigned long env_count(const char *name)
{
    const char *s = getenv(name);
    unsigned long v = 0;
    if (s == NULL) return 0;
    for (; *s >= '0' && *s <= '9'; s++) v = v * 10u + (unsigned long)(*s - '0');
    return *s == '\0' ? v : 0u;
}

/** Decimal text of v into buf (no terminator); returns the length. */
static size_t fmt_ulong(char *buf, unsigned long v)
{
    char d[24];
    size_t n = 0, k = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0u) buf[k++] = d[--n];
    return k;
}

/** HIL_SIM_FAULT_KIND: 1 crash (abort(): SIGABRT), 2 hang (blocks forever), 3 exit (status 3),
 *  4 silent (every later output dropped, input still consumed); 0 unset or unknown. */
static int sim_fault_kind(void)
{
    static const char *const kinds[] = {"crash", "hang", "exit", "silent"};
    const char *s = getenv("HIL_SIM_FAULT_KIND");
    int i;
    if (s == NULL) return 0;
    for (i = 0; i < 4; i++) {
        if (strcmp(s, kinds[i]) == 0) return i + 1;
    }
    return 0;
}

/** The configured fault, when frame HIL_SIM_FAULT_AT_FRAME (0-based, since start) is next. */
static void sim_inject_fault(void)
{
    if (knob_fault_kind == 0 || hil_agent_stats(&agent)->frames != knob_fault_at_frame) return;
    switch (knob_fault_kind) {
    case 1:
        abort();
    case 2:
        for (;;) pause();
    case 3:
        _exit(3);
    default:
        sim_silent = 1;
        break;
    }
}

/** The model's process, plus HIL_SIM_LOG_EVERY's device log line after every N-th frame and the
 *  HIL_SIM_FAULT_* fault injection. */
static hil_model_status_t sim_process(void *state, const int16_t *in, int16_t *out)
{
    static unsigned long frames;
    static const char prefix[] = "sim: processed frame ";
    hil_model_status_t st;
    sim_inject_fault();
    st = HIL_MODEL.process(state, in, out);
    if (st == HIL_MODEL_OK && knob_log_every != 0u && ++frames % knob_log_every == 0u) {
        char line[sizeof prefix + 24];
        size_t n = sizeof prefix - 1u;
        size_t i;
        for (i = 0; i < n; i++) line[i] = prefix[i];
        n += fmt_ulong(line + n, frames);
        line[n] = '\0';
        hil_agent_log(line);
    }
    return st;
}

/** HIL_SIM_CORRUPT_RX_EVERY: damage every N-th received protocol line (one base64 character). */
static void corrupt_rx(uint8_t *buf, size_t n)
{
    static size_t pos;       /* position in the current line */
    static unsigned long rx_lines;
    static int corrupt;
    size_t i;
    for (i = 0; i < n; i++) {
        if (pos == 0u && buf[i] == '@') {
            rx_lines++;
            corrupt = rx_lines % knob_corrupt_rx_every == 0u;
        }
        if (pos == 4u && corrupt) buf[i] = buf[i] == 'A' ? (uint8_t)'B' : (uint8_t)'A';
        pos = buf[i] == '\n' ? 0u : pos + 1u;
    }
}

int main(void)
{
    static uint8_t buf[4096];
    const hil_model_t *model = &sim_model;
    knob_log_every = env_count("HIL_SIM_LOG_EVERY");
    knob_corrupt_rx_every = env_count("HIL_SIM_CORRUPT_RX_EVERY");
    knob_drop_tx_every = env_count("HIL_SIM_DROP_TX_EVERY");
    knob_fault_kind = sim_fault_kind();
    knob_fault_at_frame = env_count("HIL_SIM_FAULT_AT_FRAME");

    sim_model = HIL_MODEL;
    sim_model.process = sim_process;
#ifdef HIL_CORRUPT_FROM_FRAME
    model = hil_corrupt_wrap(model);
#endif
    if (hil_agent_init(&agent, model, model_state, sizeof model_state) != 0) {
        hil_agent_log("host-sim: model does not fit the agent (state or hop too large)");
        return 1;
    }
    hil_agent_boot(&agent, "power-on");
#ifdef HIL_CORRUPT_FROM_FRAME
    hil_agent_log("host-sim: " HIL_CORRUPT_NOTE);
#endif
    for (;;) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r == 0) return 0; /* EOF */
        if (r < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (knob_corrupt_rx_every != 0u) corrupt_rx(buf, (size_t)r);
        hil_agent_feed(&agent, buf, (size_t)r);
    }
}
