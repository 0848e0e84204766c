/**
 * @file fuzz_agent.c
 * @brief libFuzzer target: arbitrary bytes into hil_agent_feed() (a fresh agent per input), with
 *        the output validated by fuzz_port.c and the agent's bookkeeping checked afterwards.
 *
 * Two input modes, chosen by the first byte:
 *
 *   raw (first byte != 0xFF): the whole input is the byte stream the host sends, fed in chunks of
 *       varying size (1 .. 64 bytes, from a PRNG seeded by the input length) so lines are split
 *       across hil_agent_feed() calls at arbitrary points.
 *
 *   structured (first byte == 0xFF): a list of records that the harness turns into lines, so the
 *       fuzzer gets past the CRC and reaches sequencing, history and execution:
 *         op & 3 == 0  a well-formed request:  op, type, seqsel, lensel, [ver if op & 0x10],
 *                      payload bytes (from the input, zero-filled when it runs out)
 *         op & 3 == 1  the same, then one byte of the encoded line XORed: + pos, xor
 *         op & 3 == 2  raw bytes: n, then n bytes
 *         op & 3 == 3  a line of about the line limit: sel (length and marker), then filler
 *       seqsel < 0xC0: seq = expected - (seqsel % 12) (0: in order, 1..11: behind);
 *       otherwise the next two input bytes. lensel < 0x40: 2*hop (a PROCESS-sized payload);
 *       < 0x80: lensel - 0x40; else (lensel - 0x80) * 9 (0 .. 1143, around max_payload).
 *       op & 0x20: the line ends with "\r\n". op & 0x40: the request goes out as a framing v2
 *       frame instead (PROTOCOL.md 8; the agent understands it once a HELLO with payload 2
 *       switched it, else it is a garbage line).
 *
 * After the input: the output ends at a unit boundary; stats.rx_lines equals the newlines fed
 * (at most newlines + zeros fed once the agent switched to framing v2);
 * stats.frames equals the model's process calls and the fresh RESULT frames seen; every response
 * answers a line (responses <= newlines + overlong-line NAKs); the agent's indices are in range.
 *
 * Built twice (fuzz.mk): with the gain model and the default limits, and with -DFUZZ_SMALL: a tiny
 * stateful model (hop 8) and small limits (max payload 40, text 96, history 3, window 2), which
 * reach truncated INFO text, overlong lines and history eviction with far shorter inputs.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_port.h"
#include "hil_agent.h"

#ifdef FUZZ_SMALL
/* ---- tiny stateful model: out[i] = in[i] ^ acc, acc += in[0] + p0; a frame processed twice
 *      would change every later output, so a recomputed history entry cannot go unnoticed. ---- */
#define TINY_HOP 8u
typedef struct {
    int32_t acc;
    int32_t p[2];
    hil_stage_probe_t probe; /* two stages, so PROFILE and profiled RESULTs are fuzzed too */
    void *probe_ctx;
} tiny_state_t;

static const char *const tiny_stage_names[2] = {"xor", "acc"};

static const hil_param_desc_t tiny_params[2] = {
    {"p0", "x", 0u, -100, 100, 0},
    {"p1_with_a_rather_long_name_to_fill_the_info_text", "unit", 15u, INT32_MIN, INT32_MAX, -1},
};

static void tiny_init(void *state)
{
    tiny_state_t *s = (tiny_state_t *)state;
    s->acc = 0;
    s->probe = NULL;
    s->probe_ctx = NULL;
    s->p[0] = tiny_params[0].def;
    s->p[1] = tiny_params[1].def;
}

static void tiny_reset(void *state)
{
    ((tiny_state_t *)state)->acc = 0;
}

static hil_model_status_t tiny_process(void *state, const int16_t *in, int16_t *out)
{
    tiny_state_t *s = (tiny_state_t *)state;
    unsigned i;
    for (i = 0; i < TINY_HOP; i++) out[i] = (int16_t)(in[i] ^ (int16_t)(s->acc & 0x7FFF));
    if (s->probe != NULL) s->probe(s->probe_ctx, 0u);
    s->acc = (int32_t)(((uint32_t)s->acc + (uint32_t)(int32_t)in[0] + (uint32_t)s->p[0]) & 0xFFFFu);
    return HIL_MODEL_OK;
}

static hil_model_status_t tiny_set(void *state, uint16_t id, int32_t value)
{
    if (id >= 2u) return HIL_MODEL_BAD_PARAM;
    ((tiny_state_t *)state)->p[id] = value;
    return HIL_MODEL_OK;
}

static hil_model_status_t tiny_get(const void *state, uint16_t id, int32_t *value)
{
    if (id >= 2u) return HIL_MODEL_BAD_PARAM;
    *value = ((const tiny_state_t *)state)->p[id];
    return HIL_MODEL_OK;
}

static void tiny_set_probe(void *state, hil_stage_probe_t probe, void *ctx)
{
    ((tiny_state_t *)state)->probe = probe;
    ((tiny_state_t *)state)->probe_ctx = ctx;
}

/* taps: the accumulator after "xor" (i32 x 1), the parameters after "acc" (i32 x 2) */
static int tiny_tap(const void *state, uint8_t stage, hil_tap_t *t)
{
    const tiny_state_t *s = (const tiny_state_t *)state;
    if (stage > 1u) return 0;
    t->data = stage == 0u ? (const void *)&s->acc : (const void *)s->p;
    t->count = stage == 0u ? 1u : 2u;
    t->type = HIL_TAP_I32;
    return 1;
}

static const hil_model_stages_t tiny_stages = {.n = 2u, .names = tiny_stage_names,
                                               .set_probe = tiny_set_probe, .tap = tiny_tap};

static const hil_model_t fuzz_base_model = {
    "tiny", "1", "fuzz model", 0x12345678u, 8000u, TINY_HOP, 1u,
    sizeof(tiny_state_t), 2u, tiny_params, tiny_init, tiny_reset, tiny_process, tiny_set,
    tiny_get, &tiny_stages,
};
#else
#include "hil_model_gain.h"
#define fuzz_base_model hil_model_gain
#endif

static hil_agent_t agent;
static uint64_t state[64];
static hil_model_t model;
static size_t process_calls;
static size_t newlines_fed, zeros_fed, bytes_fed;

static hil_model_status_t counting_process(void *st, const int16_t *in, int16_t *out)
{
    process_calls++;
    return fuzz_base_model.process(st, in, out);
}

/** Feed bytes to the agent, counting newlines. */
static void feed(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        newlines_fed += p[i] == '\n';
        zeros_fed += p[i] == 0u;
    }
    bytes_fed += n;
    hil_agent_feed(&agent, p, n);
    FUZZ_CHECK(agent.line_len <= sizeof agent.line);
    FUZZ_CHECK(agent.hist_next < HIL_AGENT_HISTORY);
}

/* ---- structured mode ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n;
} cursor_t;

static unsigned next_byte(cursor_t *c)
{
    if (c->n == 0u) return 0u;
    c->n--;
    return *c->p++;
}

static char line[2u + 4u * ((HIL_HEADER_SIZE + HIL_PAYLOAD_HARD_LIMIT + HIL_CRC_SIZE + 2u) / 3u) +
                 2u];
static uint8_t req_payload[HIL_PAYLOAD_HARD_LIMIT];

static void run_structured(cursor_t *c)
{
    uint16_t tx = 1;
    while (c->n > 0u) {
        const unsigned op = next_byte(c);
        if ((op & 3u) <= 1u) {
            hil_header_t h;
            unsigned seqsel, lensel, k;
            size_t len, n;
            h.type = (uint8_t)next_byte(c);
            seqsel = next_byte(c);
            lensel = next_byte(c);
            h.ver = (op & 0x10u) ? (uint8_t)next_byte(c) : (uint8_t)HIL_PROTO_VERSION;
            if (seqsel < 0xC0u) {
                h.seq = (uint16_t)(agent.expected - seqsel % 12u);
            } else {
                h.seq = (uint16_t)(next_byte(c) | (next_byte(c) << 8));
            }
            len = lensel < 0x40u   ? 2u * (size_t)model.hop
                  : lensel < 0x80u ? lensel - 0x40u
                                   : (lensel - 0x80u) * 9u;
            if (len > sizeof req_payload) len = sizeof req_payload;
            for (k = 0; k < len; k++) req_payload[k] = (uint8_t)next_byte(c);
            h.tx = tx++;
            h.len = (uint16_t)len;
            if (op & 0x40u) { /* as a framing v2 frame (PROTOCOL.md 8): 7-bit tag, seq low byte */
                h.tx = (uint16_t)(h.tx & 0x7Fu);
                if (h.tx == HIL_V2_SKIPPED_TX) h.tx++;
                n = hil_frame2_encode(&h, req_payload, (uint8_t *)line, sizeof line - 1u);
                FUZZ_CHECK(n > 0u && line[n - 1u] == 0);
            } else {
                n = hil_frame_encode(&h, req_payload, line, sizeof line - 1u);
                FUZZ_CHECK(n > 0u && line[n - 1u] == '\n');
            }
            if ((op & 3u) == 1u) {
                const unsigned pos = next_byte(c), x = next_byte(c);
                line[pos % n] = (char)((uint8_t)line[pos % n] ^ (uint8_t)(x == 0u ? 1u : x));
            }
            if ((op & 0x20u) && !(op & 0x40u)) {
                line[n - 1u] = '\r';
                line[n++] = '\n';
            }
            feed((const uint8_t *)line, n);
        } else if ((op & 3u) == 2u) {
            size_t n = next_byte(c);
            if (n > c->n) n = c->n;
            feed(c->p, n);
            c->p += n;
            c->n -= n;
        } else {
            /* a line of HIL_AGENT_LINE_MAX - 8 .. + 7 characters (+ '\r'), marker or not */
            const unsigned sel = next_byte(c);
            const size_t n = HIL_AGENT_LINE_MAX - 8u + (sel & 15u);
            const unsigned fill = next_byte(c);
            size_t k;
            for (k = 0; k < n; k++) line[k] = (char)('A' + (fill + k) % 26u);
            if (sel & 16u) {
                line[0] = '@';
                line[1] = ':';
            }
            k = n;
            if (sel & 32u) line[k++] = '\r';
            line[k++] = '\n';
            feed((const uint8_t *)line, k);
        }
    }
}

/* ---- raw mode ------------------------------------------------------------------------------- */

static void run_raw(const uint8_t *data, size_t size)
{
    uint32_t x = (uint32_t)size * 2654435761u + 1u;
    size_t off = 0;
    while (off < size) {
        size_t chunk;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        chunk = 1u + (x & 63u);
        if (chunk > size - off) chunk = size - off;
        feed(data + off, chunk);
        off += chunk;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const hil_agent_stats_t *st;
    model = fuzz_base_model;
    model.process = counting_process;
    process_calls = 0;
    newlines_fed = 0;
    zeros_fed = 0;
    bytes_fed = 0;
    FUZZ_CHECK(hil_agent_init(&agent, &model, state, sizeof state) == 0);
    fuzz_port_reset(model.hop, &agent);

    if (size > 0u && data[0] == 0xFFu) {
        cursor_t c;
        c.p = data + 1;
        c.n = size - 1u;
        run_structured(&c);
    } else {
        run_raw(data, size);
    }

    fuzz_port_finish();
    st = hil_agent_stats(&agent);
    /* in framing v1 every unit is a line; once a HELLO switched to v2 (the port saw the agent's
     * delimiter), 0x00 ends units too */
    if (fuzz_port_counts.delimiters == 0u) FUZZ_CHECK(st->rx_lines == newlines_fed);
    else FUZZ_CHECK(st->rx_lines <= newlines_fed + zeros_fed);
    FUZZ_CHECK(st->frames == process_calls);
    FUZZ_CHECK(fuzz_port_counts.fresh_results == process_calls);
    FUZZ_CHECK(fuzz_port_counts.resends == st->history_resends);
    FUZZ_CHECK(st->rx_log_lines <= st->rx_lines);
    /* the agent answers lines: at most one response per newline, plus one TOO_LONG NAK per
     * overlong line (which takes more than HIL_AGENT_LINE_MAX + 1 bytes) */
    FUZZ_CHECK(fuzz_port_counts.log_lines == 0u);
    FUZZ_CHECK(fuzz_port_counts.protocol_lines <=
               newlines_fed + zeros_fed + bytes_fed / (HIL_AGENT_LINE_MAX + 2u));
    FUZZ_CHECK(st->too_long <= newlines_fed + zeros_fed + bytes_fed / (HIL_AGENT_LINE_MAX + 2u));
    return 0;
}
