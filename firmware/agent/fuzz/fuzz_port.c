/**
 * @file fuzz_port.c
 * @brief Validating hil_port for the fuzz targets (see fuzz_port.h).
 */
#include "fuzz_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hil_agent.h"
#include "hil_port.h"

/** Longest protocol line a device may write (4096-byte payload), newline excluded. */
#define FUZZ_DEVICE_LINE_MAX (2u + 4u * ((HIL_HEADER_SIZE + HIL_PAYLOAD_HARD_LIMIT + HIL_CRC_SIZE + 2u) / 3u))

fuzz_port_counts_t fuzz_port_counts;

static char cur[FUZZ_DEVICE_LINE_MAX + 1u]; /* the line (or v2 unit) being written */
static size_t cur_len;
/* The agent's output is in framing v2 (PROTOCOL.md 8.2): after a 0x00 at a unit boundary, units
 * end at 0x00 unless they start with "@:" (a v1 line, after which the output is v1 again). */
static int out_v2;
static uint16_t cur_hop;
static uint64_t now;
static uint8_t payload[HIL_PAYLOAD_HARD_LIMIT];

/** One remembered answer per sequence number; valid when gen matches the current generation. */
typedef struct {
    uint32_t gen;
    uint32_t crc; /* CRC-32 of the payload */
    uint16_t len;
    uint8_t type;
} answer_t;

static answer_t answers[65536];
static uint32_t generation = 1u;
static const hil_agent_t *watched;
static uint32_t seen_resends;

static const hil_port_identity_t fuzz_identity = {
    "fuzz", "hil-fuzz", "0.0.0", "000000000000", 0u, "timer",
};

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "\nfuzz invariant violated at %s:%d: %s\n", file, line, what);
    if (cur_len > 0u) {
        fprintf(stderr, "line being written (%zu bytes): %.*s\n", cur_len,
                (int)(cur_len < 200u ? cur_len : 200u), cur);
    }
    abort();
}

void fuzz_port_reset(uint16_t hop, const hil_agent_t *agent)
{
    watched = agent;
    seen_resends = 0;
    cur_len = 0;
    out_v2 = 0;
    cur_hop = hop;
    now = 0;
    memset(&fuzz_port_counts, 0, sizeof fuzz_port_counts);
    if (++generation == 0u) { /* wrapped after 2^32 inputs: really clear */
        memset(answers, 0, sizeof answers);
        generation = 1u;
    }
}

void fuzz_port_finish(void)
{
    FUZZ_CHECK(cur_len == 0u); /* output ends with a newline or a v2 delimiter */
}

/** Check the payload shape of one response. */
static void check_payload(const hil_header_t *h)
{
    switch (h->type) {
    case HIL_MSG_OK:
        FUZZ_CHECK(h->len == 0u);
        break;
    case HIL_MSG_PARAM:
        FUZZ_CHECK(h->len == 6u);
        break;
    case HIL_MSG_RESULT: {
        const uint32_t cycles = (uint32_t)payload[0] | ((uint32_t)payload[1] << 8) |
                                ((uint32_t)payload[2] << 16) | ((uint32_t)payload[3] << 24);
        const unsigned flags = payload[4];
        /* stage counts (PROFILE) and stage digests (TAP), their numbers in the next two bytes */
        const unsigned ns = (flags & HIL_RESULT_STAGES) ? payload[5] : 0u;
        const unsigned nd = (flags & HIL_RESULT_DIGESTS) ? payload[6] : 0u;
        FUZZ_CHECK((flags & ~(unsigned)(HIL_RESULT_STAGES | HIL_RESULT_DIGESTS)) == 0u && payload[7] == 0u);
        FUZZ_CHECK((flags & HIL_RESULT_STAGES) || payload[5] == 0u);
        FUZZ_CHECK((flags & HIL_RESULT_DIGESTS) || payload[6] == 0u);
        FUZZ_CHECK(h->len == 8u + 2u * (unsigned)cur_hop + 4u * (ns + nd));
        /* the probe reads the counter too: more steps while profiling or tapping */
        FUZZ_CHECK(flags == 0u ? cycles == FUZZ_PORT_STEP : cycles >= FUZZ_PORT_STEP);
        break;
    }
    case HIL_MSG_TAP_DATA: {
        const unsigned elem = payload[1], count = (unsigned)payload[2] | ((unsigned)payload[3] << 8);
        const unsigned offset = (unsigned)payload[4] | ((unsigned)payload[5] << 8);
        FUZZ_CHECK(h->len >= 6u);
        FUZZ_CHECK(elem == 2u || elem == 4u || elem == 8u);
        FUZZ_CHECK(offset + (h->len - 6u) <= count * elem);
        break;
    }
    case HIL_MSG_NAK:
        FUZZ_CHECK(h->len == 3u);
        FUZZ_CHECK(payload[2] >= HIL_NAK_CRC && payload[2] <= HIL_NAK_BAD_LENGTH);
        break;
    case HIL_MSG_ERROR: {
        const unsigned code = (unsigned)payload[0] | ((unsigned)payload[1] << 8);
        FUZZ_CHECK(h->len >= 2u);
        FUZZ_CHECK(code >= HIL_ERR_UNKNOWN_TYPE && code <= HIL_ERR_UNSUPPORTED);
        FUZZ_CHECK(memchr(payload + 2, 0, h->len - 2u) == NULL);
        break;
    }
    case HIL_MSG_INFO:
    case HIL_MSG_STATS_REPLY:
        FUZZ_CHECK(h->len <= HIL_AGENT_TEXT_MAX);
        FUZZ_CHECK(memchr(payload, 0, h->len) == NULL);
        break;
    default:
        fuzz_fail(__FILE__, __LINE__, "response of an unexpected type");
    }
    FUZZ_CHECK(h->len <= HIL_AGENT_SLOT_SIZE);
}

/** Exactly once. The agent's own history_resends counter (it counts a re-send just before
 *  writing it) tells a re-send from an execution; the oracle then checks that a re-send repeats
 *  the first answer to that seq byte for byte, and that an execution answers a seq never answered
 *  before (since the last HELLO, which forgets everything). */
static void check_once(const hil_header_t *h)
{
    answer_t *a = &answers[h->seq];
    const uint32_t crc = hil_crc32(0u, payload, h->len);
    int resend = 0;
    if (watched != NULL) {
        resend = watched->stats.history_resends != seen_resends;
        FUZZ_CHECK(watched->stats.history_resends - seen_resends <= 1u);
        seen_resends = watched->stats.history_resends;
    }
    if (h->type == HIL_MSG_NAK) { /* link-level refusal: nothing executed, nothing stored */
        FUZZ_CHECK(!resend);
        return;
    }
    if (resend) {
        FUZZ_CHECK(a->gen == generation); /* re-sent an answer that was given */
        FUZZ_CHECK(a->type == h->type && a->len == h->len && a->crc == crc);
        fuzz_port_counts.resends++;
        return;
    }
    if (h->type == HIL_MSG_INFO && ++generation == 0u) { /* HELLO: the history is cleared */
        memset(answers, 0, sizeof answers);
        generation = 1u;
    }
    FUZZ_CHECK(a->gen != generation); /* never executed twice */
    a->gen = generation;
    a->type = h->type;
    a->len = h->len;
    a->crc = crc;
    if (h->type == HIL_MSG_RESULT) fuzz_port_counts.fresh_results++;
}

/** A complete line (newline excluded) was written. */
static void check_line(const char *line, size_t n)
{
    hil_header_t h;
    int r;
    if (n < 2u || line[0] != '@' || line[1] != ':') {
        fuzz_port_counts.log_lines++;
        return;
    }
    fuzz_port_counts.protocol_lines++;
    r = hil_frame_decode(line, n, &h, payload, sizeof payload);
    FUZZ_CHECK(r == 0);
    FUZZ_CHECK(h.ver == HIL_PROTO_VERSION);
    check_payload(&h);
    check_once(&h);
}

/** A complete framing v2 unit (delimiter excluded): a response frame. */
static void check_frame2(const uint8_t *unit, size_t n)
{
    hil_header_t h;
    const uint16_t ref = watched != NULL ? watched->expected : 0u;
    FUZZ_CHECK(n > 0u);
    fuzz_port_counts.protocol_lines++;
    FUZZ_CHECK(hil_frame2_decode(unit, n, ref, HIL_MSG_RESULT, &h, payload, sizeof payload) == 0);
    check_payload(&h);
    check_once(&h);
}

void hil_port_write(const uint8_t *buf, size_t n)
{
    size_t i;
    fuzz_port_counts.bytes += n;
    for (i = 0; i < n; i++) {
        const uint8_t b = buf[i];
        const int line = !out_v2 || (cur_len >= 2u && cur[0] == '@' && cur[1] == ':') ||
                         (cur_len == 1u && cur[0] == '@' && b == ':');
        if (cur_len == 0u && b == 0u) { /* a delimiter at a boundary: v2 from here */
            out_v2 = 1;
            fuzz_port_counts.delimiters++;
        } else if (line && b == '\n') {
            check_line(cur, cur_len);
            cur_len = 0;
            out_v2 = 0;
        } else if (!line && b == 0u) {
            check_frame2((const uint8_t *)cur, cur_len);
            cur_len = 0;
        } else {
            FUZZ_CHECK(cur_len < FUZZ_DEVICE_LINE_MAX);
            cur[cur_len++] = (char)b;
        }
    }
}

uint64_t hil_port_counter(void)
{
    const uint64_t t = now;
    now += FUZZ_PORT_STEP;
    return t;
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &fuzz_identity;
}

int32_t hil_port_stack_hwm(void)
{
    return -1;
}

uint32_t hil_port_stack_size(void)
{
    return 0u;
}
