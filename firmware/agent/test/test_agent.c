/**
 * @file test_agent.c
 * @brief Unit tests of the protocol agent: the canonical frames file (byte for byte) and the
 *        agent's behaviour (exactly-once, history, NAKs, errors, parameters, line handling).
 *
 * Usage: test_agent <path to canonical-frames.txt>
 * Prints one line per failed check and a final "N passed, N failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_port.h"
#include "hil_agent.h"
#include "hil_check.h"
#include "hil_model_gain.h"
#include "hil_q.h"

/* ---- a counting / failing wrapper around the gain model ----------------------------------- */

static unsigned model_calls;
static int model_fail;
static hil_model_t test_model;

static hil_model_status_t counting_process(void *state, const int16_t *in, int16_t *out)
{
    model_calls++;
    if (model_fail) return HIL_MODEL_FAILED;
    return hil_model_gain.process(state, in, out);
}

static hil_agent_t agent;
static uint64_t state[8];
/** Sequence reference for decoding v2 responses (their seq travels as its low byte). */
static uint16_t v2_ref;
/** The agent's output is in framing v2 (a delimiter was seen, no v1 line since). */
static int take_v2;

static void fresh_agent(void)
{
    test_model = hil_model_gain;
    test_model.process = counting_process;
    model_calls = 0;
    model_fail = 0;
    fake_port_now = 0;
    fake_port_step = 0;
    fake_port_clear();
    take_v2 = 0;
    if (hil_agent_init(&agent, &test_model, state, sizeof state) != 0) {
        printf("FAIL: hil_agent_init\n");
        exit(1);
    }
}

/* ---- sending and receiving ---------------------------------------------------------------- */

static char linebuf[8300];

/** Encode a request and feed it to the agent. */
static void send_req(uint8_t type, uint16_t seq, uint16_t tx, const uint8_t *payload, size_t len)
{
    hil_header_t h;
    size_t n;
    h.ver = HIL_PROTO_VERSION;
    h.type = type;
    h.seq = seq;
    h.tx = tx;
    h.len = (uint16_t)len;
    n = hil_frame_encode(&h, payload, linebuf, sizeof linebuf);
    if (!CHECKM(n > 0u, "encode request")) return;
    hil_agent_feed(&agent, (const uint8_t *)linebuf, n);
}

static void feed_str(const char *s)
{
    hil_agent_feed(&agent, (const uint8_t *)s, strlen(s));
}

typedef struct {
    int is_frame; /* 0: a log line */
    hil_header_t h;
    uint8_t payload[HIL_PAYLOAD_HARD_LIMIT];
    char text[256]; /* log line */
} msg_t;

static msg_t msgs[64];


/** Split the captured output into messages (frames and log lines) and clear it. Framing v1
 *  output is lines; a 0x00 at the start of a unit means framing v2 from there on (PROTOCOL.md
 *  8.2): units up to the next 0x00, except a unit starting with "@:", a v1 line, after which the
 *  agent speaks v1 again unless a delimiter follows. */
static size_t take(void)
{
    size_t count = 0, at = 0;
    int v2 = take_v2;
    while (at < fake_port_out_len && count < 64u) {
        const uint8_t *u = fake_port_out + at;
        const size_t left = fake_port_out_len - at;
        const int is_line = !v2 || (left >= 2u && u[0] == '@' && u[1] == ':');
        const uint8_t *end;
        size_t n;
        msg_t *m;
        if (u[0] == 0u) { /* a delimiter where a unit would start: v2 from here on */
            v2 = 1;
            at++;
            continue;
        }
        end = (const uint8_t *)memchr(u, is_line ? '\n' : 0, left);
        if (!CHECKM(end != NULL, "output ends with a newline or a delimiter")) break;
        n = (size_t)(end - u);
        if ((n == 0u && is_line) || (!is_line && n == 1u && u[0] == '\n')) {
            at += n + 1u; /* BOOT's resync "\n" + 0x00 carries nothing */
            continue;
        }
        m = &msgs[count++];
        memset(&m->h, 0, sizeof m->h);
        if (!is_line) {
            CHECKM(hil_frame2_decode(u, n, v2_ref, HIL_MSG_RESULT, &m->h, m->payload,
                                     sizeof m->payload) == 0,
                   "agent v2 output decodes");
            m->is_frame = 1;
        } else if (n >= 2u && u[0] == '@' && u[1] == ':') {
            CHECKM(hil_frame_decode((const char *)u, n, &m->h, m->payload, sizeof m->payload) == 0,
                   "agent output decodes");
            m->is_frame = 1;
            v2 = 0;
        } else {
            size_t k = n < sizeof m->text - 1u ? n : sizeof m->text - 1u;
            memcpy(m->text, u, k);
            m->text[k] = '\0';
            m->is_frame = 0;
        }
        at += n + 1u;
    }
    take_v2 = v2;
    fake_port_clear();
    return count;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/** Encode a request in framing v2 and feed it to the agent. */
static void send_req2(uint8_t type, uint16_t seq, uint16_t tx, const uint8_t *payload, size_t len)
{
    static uint8_t wire[HIL_PAYLOAD_HARD_LIMIT + 64u];
    hil_header_t h;
    size_t n;
    h.ver = 2u;
    h.type = type;
    h.seq = seq;
    h.tx = tx;
    h.len = (uint16_t)len;
    n = hil_frame2_encode(&h, payload, wire, sizeof wire);
    if (!CHECKM(n > 0u, "encode v2 request")) return;
    hil_agent_feed(&agent, wire, n);
}

/** A fresh agent switched to framing v2 by HELLO 2 (seq 0), its INFO taken. */
static void fresh_agent_v2(void)
{
    static const uint8_t two = 2u;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, &two, 1u);
    (void)take();
    v2_ref = 1u;
}

/** The single response expected: check its type, seq and tx. */
static const msg_t *one(uint8_t type, uint16_t seq, uint16_t tx)
{
    size_t n = take();
    if (!CHECKM(n == 1u, "exactly one response")) return NULL;
    if (!CHECKM(msgs[0].is_frame, "response is a frame")) return NULL;
    CHECKM(msgs[0].h.type == type, "response type");
    CHECKM(msgs[0].h.seq == seq, "response seq");
    CHECKM(msgs[0].h.tx == tx, "response tx");
    return &msgs[0];
}

static void expect_nak(uint16_t seq, uint16_t tx, uint16_t expected, uint8_t reason)
{
    const msg_t *m = one(HIL_MSG_NAK, seq, tx);
    if (m == NULL || !CHECK(m->h.len == 3u)) return;
    CHECKM(rd16(m->payload) == expected, "NAK expected");
    CHECKM(m->payload[2] == reason, "NAK reason");
}

static void expect_error(uint16_t seq, uint16_t tx, uint16_t code)
{
    const msg_t *m = one(HIL_MSG_ERROR, seq, tx);
    if (m == NULL || !CHECK(m->h.len >= 2u)) return;
    CHECKM(rd16(m->payload) == code, "ERROR code");
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v & 0xFFFFu));
    put16(p + 2, (uint16_t)(v >> 16));
}

static void set_param(uint16_t seq, uint16_t id, int32_t value)
{
    uint8_t p[6];
    put16(p, id);
    put32(p + 2, (uint32_t)value);
    send_req(HIL_MSG_SET_PARAM, seq, seq, p, 6);
}

static int16_t ramp_sample(unsigned i, unsigned salt)
{
    return (int16_t)((int32_t)((i * 409u + salt * 977u) & 0xFFFFu) - 32768);
}

static uint8_t frame_bytes[2 * 160];

static void make_frame(unsigned salt)
{
    unsigned i;
    for (i = 0; i < 160u; i++) put16(frame_bytes + 2u * i, (uint16_t)ramp_sample(i, salt));
}

static void send_process(uint16_t seq, uint16_t tx, unsigned salt)
{
    make_frame(salt);
    send_req(HIL_MSG_PROCESS, seq, tx, frame_bytes, sizeof frame_bytes);
}

/** Check a RESULT for frame `salt` processed with the gain of gain_db_q8. */
/** RESULT samples = the gain applied to make_frame(salt) (whatever follows the samples). */
static void check_samples(const msg_t *m, unsigned salt, int32_t gain_db_q8)
{
    const int32_t g = hil_db_to_gain_q15(gain_db_q8);
    unsigned i, bad = 0;
    if (m == NULL || !CHECKM(m->h.len >= 8u + 320u, "RESULT length")) return;
    for (i = 0; i < 160u; i++) {
        int16_t want = hil_apply_gain_q15(ramp_sample(i, salt), g);
        if ((int16_t)rd16(m->payload + 8u + 2u * i) != want) bad++;
    }
    CHECKM(bad == 0u, "RESULT samples = gain applied");
}

static void check_result(const msg_t *m, unsigned salt, int32_t gain_db_q8)
{
    if (m == NULL || !CHECKM(m->h.len == 8u + 320u, "RESULT length")) return;
    check_samples(m, salt, gain_db_q8);
}

/* ---- canonical file --------------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/** Split s at '|' into at most max fields (in place). Returns the number of fields. */
static size_t split(char *s, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = s;
    for (; *s != '\0' && n < max; s++) {
        if (*s == '|') {
            *s = '\0';
            f[n++] = s + 1;
        }
    }
    return n;
}

/** Hex text into bytes; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out)
{
    size_t i, n = strlen(hex) / 2u;
    for (i = 0; i < n; i++) out[i] = (uint8_t)(hexval(hex[2u * i]) * 16 + hexval(hex[2u * i + 1u]));
    return n;
}

static void fresh_agent_v2(void);

static void test_canonical(const char *path)
{
    static char rec[16384];
    static uint8_t want[HIL_PAYLOAD_HARD_LIMIT], got[HIL_PAYLOAD_HARD_LIMIT];
    static char enc[8300];
    FILE *fp = fopen(path, "r");
    unsigned nframe = 0, ncorrupt = 0, nlog = 0, nframe2 = 0, ncorrupt2 = 0;
    if (!CHECKM(fp != NULL, path)) return;
    while (fgets(rec, sizeof rec, fp) != NULL) {
        char *f[8];
        size_t nf, len = strlen(rec);
        if (len > 0u && rec[len - 1u] == '\n') rec[--len] = '\0';
        if (rec[0] == '#' || rec[0] == '\0') continue;
        nf = split(rec, f, 8);
        if (strcmp(f[0], "frame") == 0 && CHECKM(nf == 7u, "frame record has 7 fields")) {
            hil_header_t h;
            size_t plen = strlen(f[5]) / 2u, i, n;
            int r;
            nframe++;
            for (i = 0; i < plen; i++) {
                want[i] = (uint8_t)(hexval(f[5][2u * i]) * 16 + hexval(f[5][2u * i + 1u]));
            }
            r = hil_frame_decode(f[6], strlen(f[6]), &h, got, sizeof got);
            CHECKM(r == 0, f[1]);
            CHECKM(h.ver == 1u, f[1]);
            CHECKM(h.type == (uint8_t)strtoul(f[2], NULL, 16), f[1]);
            CHECKM(h.seq == (uint16_t)strtoul(f[3], NULL, 10), f[1]);
            CHECKM(h.tx == (uint16_t)strtoul(f[4], NULL, 10), f[1]);
            CHECKM(h.len == plen && memcmp(got, want, plen) == 0, f[1]);
            /* encoding reproduces the line exactly */
            n = hil_frame_encode(&h, want, enc, sizeof enc);
            CHECKM(n == strlen(f[6]) + 1u && enc[n - 1u] == '\n' &&
                       memcmp(enc, f[6], n - 1u) == 0,
                   f[1]);
            /* too small an output buffer fails cleanly */
            CHECKM(hil_frame_encode(&h, want, enc, n - 1u) == 0u, f[1]);
            /* a payload over the decode cap is BAD_LENGTH (only when there is a payload) */
            if (plen > 0u) CHECKM(hil_frame_decode(f[6], strlen(f[6]), &h, got, plen - 1u) ==
                                      HIL_NAK_BAD_LENGTH, f[1]);
            /* with '\r\n' the agent sees the same frame: requests answered, responses ignored */
            fresh_agent();
            feed_str(f[6]);
            feed_str("\r\n");
            if (h.type == HIL_MSG_HELLO) {
                CHECKM(take() == 1u && msgs[0].h.type == HIL_MSG_INFO && msgs[0].h.seq == h.seq,
                       f[1]);
            } else if (h.type >= 0x80u) {
                CHECKM(fake_port_out_len == 0u, f[1]);
            } else {
                expect_nak(h.seq, h.tx, 0, h.len > HIL_AGENT_MAX_PAYLOAD ? HIL_NAK_BAD_LENGTH
                                                                         : HIL_NAK_GAP);
            }
        } else if (strcmp(f[0], "corrupt") == 0 && CHECKM(nf == 4u, "corrupt has 4 fields")) {
            hil_header_t h;
            int cls = strcmp(f[2], "crc") == 0       ? HIL_NAK_CRC
                      : strcmp(f[2], "version") == 0 ? HIL_NAK_BAD_VERSION
                                                     : -1;
            ncorrupt++;
            CHECKM(cls > 0, f[1]);
            CHECKM(hil_frame_decode(f[3], strlen(f[3]), &h, got, sizeof got) == cls, f[1]);
            fresh_agent();
            feed_str(f[3]);
            feed_str("\n");
            expect_nak(0, 0, 0, (uint8_t)cls);
            CHECKM(model_calls == 0u, f[1]);
        } else if (strcmp(f[0], "log") == 0 && CHECKM(nf == 3u, "log has 3 fields")) {
            nlog++;
            fresh_agent();
            feed_str(f[2]);
            feed_str("\n");
            CHECKM(fake_port_out_len == 0u, f[1]);
            CHECKM(hil_agent_stats(&agent)->rx_log_lines == 1u, f[1]);
        } else if (strcmp(f[0], "frame2") == 0 && CHECKM(nf == 7u, "frame2 has 7 fields")) {
            hil_header_t h;
            static uint8_t wire[HIL_PAYLOAD_HARD_LIMIT + 64u], mine[HIL_PAYLOAD_HARD_LIMIT + 64u];
            size_t plen = unhex(f[5], want), wlen = unhex(f[6], wire), n;
            const uint16_t seq = (uint16_t)strtoul(f[3], NULL, 10);
            const uint8_t type = (uint8_t)strtoul(f[2], NULL, 16);
            int r;
            nframe2++;
            CHECKM(wlen > 0u && wire[wlen - 1u] == 0u && memchr(wire, 0, wlen - 1u) == NULL, f[1]);
            /* a device decodes audio frames as PROCESS, a host as RESULT */
            r = hil_frame2_decode(wire, wlen - 1u, (uint16_t)(seq + 100u),
                                  type == HIL_MSG_RESULT ? HIL_MSG_RESULT : HIL_MSG_PROCESS, &h, got,
                                  sizeof got);
            CHECKM(r == 0 && h.ver == 2u && h.type == type && h.seq == seq, f[1]);
            CHECKM(h.tx == (uint16_t)strtoul(f[4], NULL, 10), f[1]);
            CHECKM(h.len == plen && memcmp(got, want, plen) == 0, f[1]);
            n = hil_frame2_encode(&h, want, mine, sizeof mine);
            CHECKM(n == wlen && memcmp(mine, wire, n) == 0, f[1]);
            CHECKM(hil_frame2_encode(&h, want, mine, n - 1u) == 0u, f[1]);
            if (plen > 0u) {
                CHECKM(hil_frame2_decode(wire, wlen - 1u, seq, HIL_MSG_PROCESS, &h, got, plen - 1u) ==
                           HIL_NAK_BAD_LENGTH, f[1]);
            }
        } else if (strcmp(f[0], "corrupt2") == 0 && CHECKM(nf == 4u, "corrupt2 has 4 fields")) {
            hil_header_t h;
            static uint8_t wire[HIL_PAYLOAD_HARD_LIMIT + 64u];
            const size_t wlen = unhex(f[3], wire);
            const int cls = strcmp(f[2], "length") == 0 ? HIL_NAK_BAD_LENGTH : HIL_NAK_CRC;
            ncorrupt2++;
            CHECKM(hil_frame2_decode(wire, wlen - 1u, 4u, HIL_MSG_PROCESS, &h, got,
                                     HIL_AGENT_MAX_PAYLOAD) == cls, f[1]);
            /* an agent in framing v2 refuses it with a NAK and runs nothing */
            fresh_agent_v2();
            hil_agent_feed(&agent, wire, wlen);
            {
                size_t k = take();
                CHECKM(k == 1u && msgs[0].h.type == HIL_MSG_NAK && msgs[0].h.ver == 2u, f[1]);
                if (k == 1u) CHECKM(msgs[0].payload[2] == (uint8_t)cls || (cls == HIL_NAK_BAD_LENGTH && msgs[0].payload[2] == HIL_NAK_TOO_LONG), f[1]);
            }
            CHECKM(model_calls == 0u, f[1]);
        } else {
            CHECKM(0, "unknown record");
        }
    }
    fclose(fp);
    CHECKM(nframe2 >= 10u && ncorrupt2 >= 4u, "canonical file has v2 records");
    CHECKM(nframe >= 10u && ncorrupt >= 5u && nlog >= 1u, "canonical file has records");
    printf("canonical: %u frames, %u corrupt, %u log records; v2: %u frames, %u corrupt\n", nframe,
           ncorrupt, nlog, nframe2, ncorrupt2);
}

/* ---- behaviour ---------------------------------------------------------------------------- */

static void test_hello_info(void)
{
    static const char *keys[] = {"proto",   "fw",         "fw_version",   "build",   "board",
                                 "model",   "model_version", "model_desc", "weights", "rate",
                                 "hop",     "format",     "channels",     "latency", "clock",
                                 "counter", "window",     "history",      "max_payload", "framings",
                                 "framing", "param"};
    static const char *vals[] = {"1",      "hil-test", "0.1.0", "feedc0ffee12", "test-board",
                                 "gain",   "1",        "int16 gain", "00000000", "16000",
                                 "160",    "s16le",    "1",     "0",            "0",
                                 "none",   "8",        "8",     "1024",         "1,2",
                                 "1",      "0,gain_db,dB,8,-15360,6144,0"};
    const msg_t *m;
    char text[1100];
    char *line, *nl;
    size_t k = 0;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 100, 7, NULL, 0);
    m = one(HIL_MSG_INFO, 100, 7);
    if (m == NULL) return;
    CHECK(m->h.len < sizeof text);
    memcpy(text, m->payload, m->h.len);
    text[m->h.len] = '\0';
    CHECK(m->h.len > 0u && text[m->h.len - 1u] == '\n');
    for (line = text; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        char *eq;
        *nl = '\0';
        eq = strchr(line, '=');
        if (!CHECKM(eq != NULL && k < 22u, line)) break;
        *eq = '\0';
        CHECKM(strcmp(line, keys[k]) == 0, keys[k]);
        CHECKM(strcmp(eq + 1, vals[k]) == 0, keys[k]);
        k++;
    }
    CHECKM(k == 22u, "INFO has every key");
}

static void test_boot_log_fault(void)
{
    const msg_t *m;
    size_t n;
    fresh_agent();
    hil_agent_boot(&agent, "power-on");
    m = one(HIL_MSG_BOOT, 0, 0);
    if (m != NULL) {
        const char want[] = "fw=hil-test\nbuild=feedc0ffee12\nreason=power-on\n";
        CHECK(m->h.len == sizeof want - 1u && memcmp(m->payload, want, sizeof want - 1u) == 0);
    }
    hil_agent_log("sim: processed frame 3");
    hil_agent_log("@:looks like a frame\nsecond");
    n = take();
    CHECK(n == 2u && !msgs[0].is_frame && strcmp(msgs[0].text, "sim: processed frame 3") == 0);
    CHECK(n == 2u && !msgs[1].is_frame && strcmp(msgs[1].text, " @:looks like a frame second") == 0);
    hil_agent_fault("kind=hardfault\npc=0x00001234\n");
    m = one(HIL_MSG_FAULT, 0, 0);
    if (m != NULL) CHECK(m->h.len == 29u && memcmp(m->payload, "kind=hardfault\n", 15) == 0);
}

static void test_process_in_order(void)
{
    const msg_t *m;
    uint16_t s;
    fresh_agent();
    fake_port_step = 1000;
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    set_param(1, 0, -1536); /* -6 dB */
    m = one(HIL_MSG_PARAM, 1, 1);
    if (m != NULL) CHECK(m->h.len == 6u && rd16(m->payload) == 0u && rd32(m->payload + 2) == (uint32_t)-1536);
    send_req(HIL_MSG_RESET, 2, 2, NULL, 0);
    one(HIL_MSG_OK, 2, 2);
    for (s = 3; s < 13; s++) {
        send_process(s, (uint16_t)(s + 50u), s);
        m = one(HIL_MSG_RESULT, s, (uint16_t)(s + 50u));
        check_result(m, s, -1536);
        if (m != NULL) CHECK(rd32(m->payload) == 1000u && rd32(m->payload + 4) == 0u);
    }
    CHECK(model_calls == 10u);
    CHECK(hil_agent_stats(&agent)->frames == 10u);
    /* counter delta over 32 bits: truncated, flags bit 0 */
    fake_port_step = 0x100000005ull;
    send_process(13, 13, 13);
    m = one(HIL_MSG_RESULT, 13, 13);
    if (m != NULL) CHECK(rd32(m->payload) == 5u && rd32(m->payload + 4) == 1u);
    /* unity gain is bit-exact passthrough */
    fake_port_step = 0;
    set_param(14, 0, 0);
    one(HIL_MSG_PARAM, 14, 14);
    send_process(15, 15, 99);
    m = one(HIL_MSG_RESULT, 15, 15);
    if (m != NULL) CHECK(m->h.len == 328u && memcmp(m->payload + 8, frame_bytes, 320) == 0);
    if (m != NULL) CHECK(rd32(m->payload) == 0u && rd32(m->payload + 4) == 0u);
}

static void test_duplicate_from_history(void)
{
    static uint8_t first[328];
    const msg_t *m;
    uint16_t s;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    set_param(1, 0, 1541);
    one(HIL_MSG_PARAM, 1, 1);
    for (s = 2; s < 12; s++) {
        send_process(s, s, s);
        m = one(HIL_MSG_RESULT, s, s);
        if (m != NULL && s == 5) memcpy(first, m->payload, sizeof first);
    }
    CHECK(model_calls == 10u);
    /* seq 5 again (expected 12, 7 behind, history 8): re-sent with the new tx, not re-executed */
    send_process(5, 777, 5);
    m = one(HIL_MSG_RESULT, 5, 777);
    if (m != NULL) CHECK(m->h.len == 328u && memcmp(m->payload, first, 328) == 0);
    /* even with different input samples: the stored response, never recomputed */
    send_process(5, 778, 4242);
    m = one(HIL_MSG_RESULT, 5, 778);
    if (m != NULL) CHECK(memcmp(m->payload, first, 328) == 0);
    CHECK(model_calls == 10u);
    CHECK(hil_agent_stats(&agent)->history_resends == 2u);
    /* the oldest in history: 12 - 8 = 4; 3 is too old -> GAP */
    send_process(4, 800, 4);
    one(HIL_MSG_RESULT, 4, 800);
    send_process(3, 801, 3);
    expect_nak(3, 801, 12, HIL_NAK_GAP);
    CHECK(model_calls == 10u);
    /* a SET_PARAM re-sent is answered from history too */
    send_process(12, 12, 12);
    one(HIL_MSG_RESULT, 12, 12);
    CHECK(model_calls == 11u);
}

static void test_gap(void)
{
    fresh_agent();
    send_req(HIL_MSG_HELLO, 10, 1, NULL, 0);
    one(HIL_MSG_INFO, 10, 1);
    send_process(11, 2, 0);
    one(HIL_MSG_RESULT, 11, 2);
    send_process(13, 3, 0); /* 12 lost */
    expect_nak(13, 3, 12, HIL_NAK_GAP);
    send_process(14, 4, 0);
    expect_nak(14, 4, 12, HIL_NAK_GAP);
    CHECK(model_calls == 1u);
    CHECK(hil_agent_stats(&agent)->gap_naks == 2u);
    /* go-back-N */
    send_process(12, 5, 0);
    one(HIL_MSG_RESULT, 12, 5);
    send_process(13, 6, 0);
    one(HIL_MSG_RESULT, 13, 6);
    CHECK(model_calls == 3u);
    /* far ahead and far behind are gaps too */
    send_process(40000, 7, 0);
    expect_nak(40000, 7, 14, HIL_NAK_GAP);
    CHECK(model_calls == 3u);
}

static void test_corrupt_and_too_long(void)
{
    static char big[3000];
    size_t n;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 40, NULL, 0);
    one(HIL_MSG_INFO, 0, 40);
    send_process(1, 41, 1);
    one(HIL_MSG_RESULT, 1, 41);
    /* a corrupt line: NAK CRC with expected and the tx of the last well-formed request */
    make_frame(2);
    {
        hil_header_t h = {1, HIL_MSG_PROCESS, 2, 42, 320};
        n = hil_frame_encode(&h, frame_bytes, linebuf, sizeof linebuf);
        linebuf[100] = linebuf[100] == 'A' ? 'B' : 'A';
        hil_agent_feed(&agent, (const uint8_t *)linebuf, n);
    }
    expect_nak(2, 41, 2, HIL_NAK_CRC);
    CHECK(model_calls == 1u);
    CHECK(hil_agent_stats(&agent)->crc_errors == 1u);
    /* an overlong protocol line: NAK TOO_LONG once, then the agent recovers */
    memset(big, 'A', sizeof big);
    big[0] = '@';
    big[1] = ':';
    hil_agent_feed(&agent, (const uint8_t *)big, sizeof big);
    expect_nak(2, 41, 2, HIL_NAK_TOO_LONG);
    hil_agent_feed(&agent, (const uint8_t *)big, sizeof big); /* still the same line */
    feed_str("\n");
    CHECK(fake_port_out_len == 0u);
    send_process(2, 43, 2);
    one(HIL_MSG_RESULT, 2, 43);
    /* an overlong log line: counted, no NAK */
    big[0] = 'x';
    hil_agent_feed(&agent, (const uint8_t *)big, sizeof big);
    feed_str("\n");
    CHECK(fake_port_out_len == 0u);
    CHECK(hil_agent_stats(&agent)->too_long == 2u);
    /* exactly at the limit (1386 chars) + "\r": not too long (it is corrupt: bad CRC) */
    memset(big, 'A', HIL_AGENT_LINE_MAX);
    big[0] = '@';
    big[1] = ':';
    big[HIL_AGENT_LINE_MAX] = '\r';
    big[HIL_AGENT_LINE_MAX + 1u] = '\n';
    hil_agent_feed(&agent, (const uint8_t *)big, HIL_AGENT_LINE_MAX + 2u);
    expect_nak(3, 43, 3, HIL_NAK_CRC);
    /* one over the limit, ended by '\n' without '\r': too long */
    big[HIL_AGENT_LINE_MAX] = 'A';
    hil_agent_feed(&agent, (const uint8_t *)big, HIL_AGENT_LINE_MAX + 2u);
    expect_nak(3, 43, 3, HIL_NAK_TOO_LONG);
    CHECK(hil_agent_stats(&agent)->too_long == 3u);
    send_process(3, 44, 3);
    one(HIL_MSG_RESULT, 3, 44);
    CHECK(model_calls == 3u);
}

static void test_bad_length(void)
{
    static uint8_t p[HIL_AGENT_MAX_PAYLOAD + 2u];
    hil_header_t h = {1, HIL_MSG_PROCESS, 1, 9, HIL_AGENT_MAX_PAYLOAD + 1u};
    size_t n;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    n = hil_frame_encode(&h, p, linebuf, sizeof linebuf);
    CHECK(n - 1u <= HIL_AGENT_LINE_MAX); /* fits the line, over max_payload */
    hil_agent_feed(&agent, (const uint8_t *)linebuf, n);
    expect_nak(1, 9, 1, HIL_NAK_BAD_LENGTH);
    CHECK(model_calls == 0u);
    send_process(1, 10, 1);
    one(HIL_MSG_RESULT, 1, 10);
    /* the largest payload the agent accepts decodes (PROCESS of the wrong size -> ERROR) */
    h.seq = 2;
    h.len = HIL_AGENT_MAX_PAYLOAD;
    n = hil_frame_encode(&h, p, linebuf, sizeof linebuf);
    hil_agent_feed(&agent, (const uint8_t *)linebuf, n);
    expect_error(2, 9, HIL_ERR_BAD_PAYLOAD);
}

static void test_bad_payload_and_errors(void)
{
    const msg_t *m;
    uint8_t p[8] = {0};
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    send_req(HIL_MSG_PROCESS, 1, 1, frame_bytes, 318);
    m = one(HIL_MSG_ERROR, 1, 1);
    if (m != NULL) {
        const char want[] = "PROCESS payload must be 320 bytes";
        CHECK(rd16(m->payload) == HIL_ERR_BAD_PAYLOAD && m->h.len == 2u + sizeof want - 1u &&
              memcmp(m->payload + 2, want, sizeof want - 1u) == 0);
    }
    CHECK(model_calls == 0u);
    send_process(2, 2, 2); /* seq advanced past the refused request */
    one(HIL_MSG_RESULT, 2, 2);
    /* re-sending the refused request gives the stored ERROR */
    send_req(HIL_MSG_PROCESS, 1, 3, frame_bytes, 318);
    expect_error(1, 3, HIL_ERR_BAD_PAYLOAD);
    send_req(0x33, 3, 4, NULL, 0);
    expect_error(3, 4, HIL_ERR_UNKNOWN_TYPE);
    send_req(HIL_MSG_RESET, 4, 5, p, 1);
    expect_error(4, 5, HIL_ERR_BAD_PAYLOAD);
    send_req(HIL_MSG_STATS, 5, 6, p, 2);
    expect_error(5, 6, HIL_ERR_BAD_PAYLOAD);
    send_req(HIL_MSG_SET_PARAM, 6, 7, p, 5);
    expect_error(6, 7, HIL_ERR_BAD_PAYLOAD);
    /* model failure */
    model_fail = 1;
    send_process(7, 8, 7);
    expect_error(7, 8, HIL_ERR_MODEL);
    model_fail = 0;
    CHECK(hil_agent_stats(&agent)->frames == 1u);
    CHECK(hil_agent_stats(&agent)->errors == 6u);
    /* responses (type >= 0x80) sent to the device are ignored */
    send_req(HIL_MSG_RESULT, 8, 9, NULL, 0);
    CHECK(fake_port_out_len == 0u);
    send_process(8, 10, 8);
    one(HIL_MSG_RESULT, 8, 10);
}

static void test_params(void)
{
    const msg_t *m;
    uint8_t p[2];
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    set_param(1, 0, 6145);
    expect_error(1, 1, HIL_ERR_PARAM_RANGE);
    set_param(2, 0, -15361);
    expect_error(2, 2, HIL_ERR_PARAM_RANGE);
    set_param(3, 1, 0);
    expect_error(3, 3, HIL_ERR_BAD_PARAM);
    set_param(4, 0, 6144);
    m = one(HIL_MSG_PARAM, 4, 4);
    if (m != NULL) CHECK(rd32(m->payload + 2) == 6144u);
    set_param(5, 0, -15360);
    one(HIL_MSG_PARAM, 5, 5);
    put16(p, 0);
    send_req(HIL_MSG_GET_PARAM, 6, 6, p, 2);
    m = one(HIL_MSG_PARAM, 6, 6);
    if (m != NULL) CHECK(rd16(m->payload) == 0u && rd32(m->payload + 2) == (uint32_t)-15360);
    put16(p, 9);
    send_req(HIL_MSG_GET_PARAM, 7, 7, p, 2);
    expect_error(7, 7, HIL_ERR_BAD_PARAM);
    send_process(8, 8, 8);
    check_result(one(HIL_MSG_RESULT, 8, 8), 8, -15360);
}

static void test_log_lines_and_stats(void)
{
    const msg_t *m;
    fresh_agent();
    feed_str("hello from the host\n\n@ not a frame\r\n");
    CHECK(fake_port_out_len == 0u);
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    feed_str("@:garbage\n");
    expect_nak(1, 0, 1, HIL_NAK_CRC);
    send_req(HIL_MSG_STATS, 1, 1, NULL, 0);
    m = one(HIL_MSG_STATS_REPLY, 1, 1);
    if (m != NULL) {
        const char want[] = "frames=0\nrx_lines=6\nrx_log_lines=3\ncrc_errors=1\ngap_naks=0\n"
                            "too_long=0\nhistory_resends=0\nerrors=0\nstack_hwm=-1\n"
                            "stack_size=0\nuptime=0\n";
        CHECK(m->h.len == sizeof want - 1u && memcmp(m->payload, want, sizeof want - 1u) == 0);
    }
    CHECK(hil_agent_stats(&agent)->rx_log_lines == 3u);
}

static void test_wrap(void)
{
    const msg_t *m;
    fresh_agent();
    send_req(HIL_MSG_HELLO, 65533, 65535, NULL, 0);
    one(HIL_MSG_INFO, 65533, 65535);
    send_process(65534, 0, 1);
    one(HIL_MSG_RESULT, 65534, 0);
    send_process(65535, 1, 2);
    one(HIL_MSG_RESULT, 65535, 1);
    send_process(0, 2, 3);
    m = one(HIL_MSG_RESULT, 0, 2);
    check_result(m, 3, 0);
    send_process(1, 3, 4);
    one(HIL_MSG_RESULT, 1, 3);
    CHECK(model_calls == 4u);
    /* 65535 is 2 behind expected 2 across the wrap: from history */
    send_process(65535, 4, 2);
    one(HIL_MSG_RESULT, 65535, 4);
    /* 65533 (the HELLO) is 5 behind: its INFO from history */
    send_req(HIL_MSG_PROCESS, 65533, 5, frame_bytes, 320);
    one(HIL_MSG_INFO, 65533, 5);
    CHECK(model_calls == 4u);
    send_process(3, 6, 4);
    expect_nak(3, 6, 2, HIL_NAK_GAP);
}

static void test_hello_resync(void)
{
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    one(HIL_MSG_INFO, 0, 0);
    send_process(1, 1, 1);
    one(HIL_MSG_RESULT, 1, 1);
    send_process(7, 2, 1);
    expect_nak(7, 2, 2, HIL_NAK_GAP);
    send_req(HIL_MSG_HELLO, 500, 3, NULL, 0);
    one(HIL_MSG_INFO, 500, 3);
    send_process(1, 4, 1); /* history was cleared: a gap now */
    expect_nak(1, 4, 501, HIL_NAK_GAP);
    send_process(501, 5, 1);
    one(HIL_MSG_RESULT, 501, 5);
    /* HELLO again with the same seq as a stored response: executed anyway */
    send_req(HIL_MSG_HELLO, 501, 6, NULL, 0);
    one(HIL_MSG_INFO, 501, 6);
    CHECK(model_calls == 2u);
}

/** Feed a whole session either at once or one byte at a time; the outputs must be identical. */
static size_t run_script(int bytewise, uint8_t *out, size_t cap)
{
    static uint8_t script[40000];
    size_t len = 0, i;
    hil_header_t h;
    uint8_t p[6];
    uint16_t s;
    fresh_agent();
    fake_port_step = 3;
#define ADD_STR(str) (memcpy(script + len, (str), strlen(str)), len += strlen(str))
#define ADD_FRAME(T, S, X, P, L)                                                             \
    do {                                                                                     \
        h.ver = 1;                                                                           \
        h.type = (T);                                                                        \
        h.seq = (S);                                                                         \
        h.tx = (X);                                                                          \
        h.len = (uint16_t)(L);                                                               \
        len += hil_frame_encode(&h, (P), (char *)script + len, sizeof script - len);         \
    } while (0)
    ADD_STR("boot noise\r\n");
    ADD_FRAME(HIL_MSG_HELLO, 0, 0, NULL, 0);
    put16(p, 0);
    put32(p + 2, (uint32_t)-700);
    ADD_FRAME(HIL_MSG_SET_PARAM, 1, 1, p, 6);
    for (s = 2; s < 12; s++) {
        make_frame(s);
        ADD_FRAME(HIL_MSG_PROCESS, s, s, frame_bytes, 320);
        if (s == 6) ADD_STR("a log line\n@:broken\n");
    }
    ADD_FRAME(HIL_MSG_PROCESS, 5, 20, frame_bytes, 320);
    ADD_FRAME(HIL_MSG_PROCESS, 15, 21, frame_bytes, 320);
    memset(script + len, 'Q', 2000);
    script[len] = '@';
    script[len + 1u] = ':';
    len += 2000;
    ADD_STR("\n");
    ADD_FRAME(HIL_MSG_STATS, 12, 22, NULL, 0);
#undef ADD_STR
#undef ADD_FRAME
    if (bytewise) {
        for (i = 0; i < len; i++) hil_agent_feed(&agent, script + i, 1);
    } else {
        hil_agent_feed(&agent, script, len);
    }
    if (fake_port_out_len > cap) return 0;
    memcpy(out, fake_port_out, fake_port_out_len);
    len = fake_port_out_len;
    fake_port_clear();
    return len;
}

static void test_bytewise(void)
{
    static uint8_t a[65536], b[65536];
    size_t na = run_script(0, a, sizeof a);
    size_t nb = run_script(1, b, sizeof b);
    CHECK(na > 0u && na == nb && memcmp(a, b, na) == 0);
    CHECK(model_calls == 10u);
}


/* ---- stages: PROFILE and profiled RESULTs -------------------------------------------------- */

static hil_stage_probe_t staged_probe;
static void *staged_ctx;
static void staged_set_probe(void *st, hil_stage_probe_t probe, void *ctx)
{
    (void)st;
    staged_probe = probe;
    staged_ctx = ctx;
}

/** The gain model in three stages: two probes before it, the last stage closed by the agent. */
static hil_model_status_t staged_process(void *st, const int16_t *in, int16_t *out)
{
    if (staged_probe != NULL) staged_probe(staged_ctx, 0u);
    if (staged_probe != NULL) staged_probe(staged_ctx, 1u);
    return counting_process(st, in, out);
}

static const char *const staged_names[3] = {"pre", "mid", "gain"};
static const hil_model_stages_t staged_stages = {.n = 3u, .names = staged_names,
                                                 .set_probe = staged_set_probe};

/** Does the key/value text payload of m contain `needle`? */
static int text_has(const msg_t *m, const char *needle)
{
    static char text[HIL_PAYLOAD_HARD_LIMIT + 1u];
    memcpy(text, m->payload, m->h.len);
    text[m->h.len] = '\0';
    return strstr(text, needle) != NULL;
}

static void test_profile(void)
{
    const msg_t *m;
    uint8_t p[2] = {1, 0};
    /* a model without stages refuses PROFILE and says so in INFO by leaving "stages" out */
    fresh_agent();
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    m = one(HIL_MSG_INFO, 0, 0);
    if (m != NULL) CHECKM(!text_has(m, "stages="), "no stages key without stages");
    send_req(HIL_MSG_PROFILE, 1, 1, p, 1);
    expect_error(1, 1, HIL_ERR_UNSUPPORTED);

    fresh_agent();
    test_model.process = staged_process;
    test_model.stages = &staged_stages;
    staged_probe = NULL;
    fake_port_step = 1000; /* each counter read advances 1000 */
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    m = one(HIL_MSG_INFO, 0, 0);
    if (m != NULL) CHECKM(text_has(m, "\nstages=pre,mid,gain\n"), "INFO stages");
    send_req(HIL_MSG_PROFILE, 1, 1, p, 0);
    expect_error(1, 1, HIL_ERR_BAD_PAYLOAD);
    p[0] = 2;
    send_req(HIL_MSG_PROFILE, 2, 2, p, 1);
    expect_error(2, 2, HIL_ERR_BAD_PAYLOAD);
    send_req(HIL_MSG_PROFILE, 3, 3, p, 2);
    expect_error(3, 3, HIL_ERR_BAD_PAYLOAD);
    CHECK(staged_probe == NULL);
    p[0] = 1;
    send_req(HIL_MSG_PROFILE, 4, 4, p, 1);
    one(HIL_MSG_OK, 4, 4);
    CHECK(staged_probe != NULL);
    send_process(5, 5, 5);
    m = one(HIL_MSG_RESULT, 5, 5);
    if (m != NULL && CHECKM(m->h.len == 8u + 320u + 12u, "profiled RESULT length")) {
        /* counter reads: c0, probe 0, probe 1, c1: stages 1000, 1000 and the tail 1000 */
        CHECK(rd32(m->payload) == 3000u);
        CHECK(rd32(m->payload + 4) == (HIL_RESULT_STAGES | (3u << 8)));
        CHECK(rd32(m->payload + 328) == 1000u && rd32(m->payload + 332) == 1000u && rd32(m->payload + 336) == 1000u);
    }
    p[0] = 0;
    send_req(HIL_MSG_PROFILE, 6, 6, p, 1);
    one(HIL_MSG_OK, 6, 6);
    CHECK(staged_probe == NULL);
    send_process(7, 7, 7);
    m = one(HIL_MSG_RESULT, 7, 7);
    if (m != NULL) CHECK(m->h.len == 328u && rd32(m->payload + 4) == 0u);
    /* a new handshake starts unprofiled */
    p[0] = 1;
    send_req(HIL_MSG_PROFILE, 8, 8, p, 1);
    one(HIL_MSG_OK, 8, 8);
    send_req(HIL_MSG_HELLO, 9, 9, NULL, 0);
    one(HIL_MSG_INFO, 9, 9);
    CHECK(staged_probe == NULL);
    send_process(10, 10, 10);
    m = one(HIL_MSG_RESULT, 10, 10);
    if (m != NULL) CHECK(m->h.len == 328u);
}

/* ---- taps: TAP digests, capture and read-back ------------------------------------------------ */

static int16_t tap_pre[3];  /* stage "pre": the first three input samples */
static int32_t tap_mid[2];  /* stage "mid": in[0] * 65536 + in[1] and -1 - in[2] */

static hil_model_status_t tapped_process(void *st, const int16_t *in, int16_t *out)
{
    tap_pre[0] = in[0];
    tap_pre[1] = in[1];
    tap_pre[2] = in[2];
    if (staged_probe != NULL) staged_probe(staged_ctx, 0u);
    tap_mid[0] = (int32_t)in[0] * 65536 + in[1];
    tap_mid[1] = -1 - (int32_t)in[2];
    if (staged_probe != NULL) staged_probe(staged_ctx, 1u);
    return counting_process(st, in, out);
}

static int tapped_tap(const void *st, uint8_t stage, hil_tap_t *t)
{
    (void)st;
    if (stage == 0u) { t->data = tap_pre; t->count = 3u; t->type = HIL_TAP_I16; return 1; }
    if (stage == 1u) { t->data = tap_mid; t->count = 2u; t->type = HIL_TAP_I32; return 1; }
    return 0; /* "gain" has no tap */
}

static const hil_model_stages_t tapped_stages = {.n = 3u, .names = staged_names,
                                                 .set_probe = staged_set_probe, .tap = tapped_tap};

/** The expected tap bytes (little-endian) of a frame made by make_frame(salt). */
static size_t expected_tap(unsigned stage, unsigned salt, uint8_t *b)
{
    const int32_t s0 = ramp_sample(0, salt), s1 = ramp_sample(1, salt), s2 = ramp_sample(2, salt);
    if (stage == 0u) {
        put16(b, (uint16_t)s0); put16(b + 2, (uint16_t)s1); put16(b + 4, (uint16_t)s2);
        return 6u;
    }
    put32(b, (uint32_t)(s0 * 65536 + s1));
    put32(b + 4, (uint32_t)(-1 - s2));
    return 8u;
}

static void test_taps(void)
{
    const msg_t *m;
    uint8_t p[4] = {1, 0, 0, 0}, want[8];
    /* a staged model without taps: no "taps" key, TAP refused */
    fresh_agent();
    test_model.process = staged_process;
    test_model.stages = &staged_stages;
    staged_probe = NULL;
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    m = one(HIL_MSG_INFO, 0, 0);
    if (m != NULL) CHECKM(!text_has(m, "taps="), "no taps key without taps");
    send_req(HIL_MSG_TAP, 1, 1, p, 1);
    expect_error(1, 1, HIL_ERR_UNSUPPORTED);

    fresh_agent();
    test_model.process = tapped_process;
    test_model.stages = &tapped_stages;
    staged_probe = NULL;
    fake_port_step = 1000;
    send_req(HIL_MSG_HELLO, 0, 0, NULL, 0);
    m = one(HIL_MSG_INFO, 0, 0);
    if (m != NULL) CHECKM(text_has(m, "\nstages=pre,mid,gain\ntaps=i16x3,i32x2,-\n"), "INFO taps");
    /* malformed TAP requests change nothing */
    send_req(HIL_MSG_TAP, 1, 1, p, 0);
    expect_error(1, 1, HIL_ERR_BAD_PAYLOAD);
    p[0] = 4;
    send_req(HIL_MSG_TAP, 2, 2, p, 1);
    expect_error(2, 2, HIL_ERR_BAD_PAYLOAD);
    p[0] = HIL_TAP_DIGESTS;
    send_req(HIL_MSG_TAP, 3, 3, p, 2);
    expect_error(3, 3, HIL_ERR_BAD_PAYLOAD);
    p[0] = HIL_TAP_CAPTURE;
    p[1] = 2; /* "gain" has no tap */
    send_req(HIL_MSG_TAP, 4, 4, p, 2);
    expect_error(4, 4, HIL_ERR_UNSUPPORTED);
    p[1] = 9;
    send_req(HIL_MSG_TAP, 5, 5, p, 2);
    expect_error(5, 5, HIL_ERR_UNSUPPORTED);
    CHECK(staged_probe == NULL);

    /* digests: CRC-32 of each tap's little-endian bytes, 0 for a stage without a tap */
    p[0] = HIL_TAP_DIGESTS;
    send_req(HIL_MSG_TAP, 6, 6, p, 1);
    one(HIL_MSG_OK, 6, 6);
    CHECK(staged_probe != NULL);
    send_process(7, 7, 7);
    m = one(HIL_MSG_RESULT, 7, 7);
    if (m != NULL && CHECKM(m->h.len == 328u + 12u, "RESULT with digests")) {
        size_t n0 = expected_tap(0u, 7u, want);
        CHECK(rd32(m->payload + 4) == (HIL_RESULT_DIGESTS | (3u << 16)));
        CHECK(rd32(m->payload + 328) == hil_crc32(0, want, n0));
        n0 = expected_tap(1u, 7u, want);
        CHECK(rd32(m->payload + 332) == hil_crc32(0, want, n0));
        CHECK(rd32(m->payload + 336) == 0u);
        check_samples(m, 7u, 0); /* taps only read */
    }
    /* with PROFILE on as well: stage counts, then digests */
    p[0] = 1;
    send_req(HIL_MSG_PROFILE, 8, 8, p, 1);
    one(HIL_MSG_OK, 8, 8);
    send_process(9, 9, 9);
    m = one(HIL_MSG_RESULT, 9, 9);
    if (m != NULL && CHECKM(m->h.len == 328u + 24u, "RESULT with stage counts and digests")) {
        const size_t n0 = expected_tap(0u, 9u, want);
        CHECK(rd32(m->payload + 4) == (HIL_RESULT_STAGES | (3u << 8) | HIL_RESULT_DIGESTS | (3u << 16)));
        CHECK(rd32(m->payload + 340) == hil_crc32(0, want, n0));
    }
    p[0] = 0;
    send_req(HIL_MSG_PROFILE, 10, 10, p, 1);
    one(HIL_MSG_OK, 10, 10);
    CHECK(staged_probe != NULL); /* still tapping */

    /* capture: nothing to read until a frame was processed; then the tap in chunks */
    p[0] = HIL_TAP_CAPTURE;
    p[1] = 1;
    send_req(HIL_MSG_TAP, 11, 11, p, 2);
    one(HIL_MSG_OK, 11, 11);
    p[0] = HIL_TAP_READ;
    p[1] = 0;
    put16(p + 2, 0);
    send_req(HIL_MSG_TAP, 12, 12, p, 4);
    expect_error(12, 12, HIL_ERR_UNSUPPORTED);
    send_process(13, 13, 13);
    m = one(HIL_MSG_RESULT, 13, 13);
    if (m != NULL) CHECKM(m->h.len == 328u, "no digests while capturing");
    send_req(HIL_MSG_TAP, 14, 14, p, 4);
    m = one(HIL_MSG_TAP_DATA, 14, 14);
    if (m != NULL && CHECKM(m->h.len == 6u + 8u, "TAP_DATA length")) {
        expected_tap(1u, 13u, want);
        CHECK(m->payload[0] == 1u && m->payload[1] == 4u && rd16(m->payload + 2) == 2u && rd16(m->payload + 4) == 0u);
        CHECK(memcmp(m->payload + 6, want, 8u) == 0);
    }
    put16(p + 2, 6);
    send_req(HIL_MSG_TAP, 15, 15, p, 4);
    m = one(HIL_MSG_TAP_DATA, 15, 15);
    if (m != NULL && CHECKM(m->h.len == 6u + 2u, "TAP_DATA from an offset")) CHECK(memcmp(m->payload + 6, want + 6, 2u) == 0);
    put16(p + 2, 9);
    send_req(HIL_MSG_TAP, 16, 16, p, 4);
    expect_error(16, 16, HIL_ERR_BAD_PAYLOAD);
    send_req(HIL_MSG_TAP, 17, 17, p, 3);
    expect_error(17, 17, HIL_ERR_BAD_PAYLOAD);

    /* off, and a new handshake starts untapped */
    p[0] = HIL_TAP_OFF;
    send_req(HIL_MSG_TAP, 18, 18, p, 1);
    one(HIL_MSG_OK, 18, 18);
    CHECK(staged_probe == NULL);
    p[0] = HIL_TAP_DIGESTS;
    send_req(HIL_MSG_TAP, 19, 19, p, 1);
    one(HIL_MSG_OK, 19, 19);
    send_req(HIL_MSG_HELLO, 20, 20, NULL, 0);
    one(HIL_MSG_INFO, 20, 20);
    CHECK(staged_probe == NULL);
    send_process(21, 21, 21);
    m = one(HIL_MSG_RESULT, 21, 21);
    if (m != NULL) CHECK(m->h.len == 328u && rd32(m->payload + 4) == 0u);
}

/* ---- framing v2 (PROTOCOL.md 8) -------------------------------------------------------------- */

static void test_framing_v2(void)
{
    static const uint8_t two = 2u;
    const msg_t *m;
    size_t k, i;
    unsigned salt;
    static uint8_t wire[8][HIL_PAYLOAD_HARD_LIMIT + 64u];
    size_t wlen[8];

    /* HELLO 2 as a v1 line: INFO as a v1 line saying framing=2, then the delimiter */
    fresh_agent();
    send_req(HIL_MSG_HELLO, 40, 3, &two, 1u);
    CHECK(fake_port_out_len > 1u && fake_port_out[fake_port_out_len - 1u] == 0u);
    CHECK(fake_port_out[fake_port_out_len - 2u] == '\n');
    m = one(HIL_MSG_INFO, 40, 3);
    if (m != NULL) CHECK(text_has(m, "framings=1,2\nframing=2\n"));

    /* PROCESS as v2 frames, answered in v2; the seq travels as its low byte */
    v2_ref = 41u;
    send_process(41, 4, 1); /* a v1 PROCESS line is still understood, and answered in v1 */
    check_result(one(HIL_MSG_RESULT, 41, 4), 1, 0);
    make_frame(2);
    send_req2(HIL_MSG_PROCESS, 42, 5, frame_bytes, sizeof frame_bytes);
    m = one(HIL_MSG_RESULT, 42, 5);
    if (m != NULL) CHECK(m->h.ver == 2u);
    check_result(m, 2, 0);

    /* a window of 8 in one feed, and the same split byte by byte: the same answers */
    for (i = 0; i < 8u; i++) {
        hil_header_t h = {2u, HIL_MSG_PROCESS, (uint16_t)(43u + i), (uint16_t)(6u + i), 320u};
        make_frame((unsigned)(10u + i));
        wlen[i] = hil_frame2_encode(&h, frame_bytes, wire[i], sizeof wire[i]);
    }
    for (i = 0; i < 4u; i++) hil_agent_feed(&agent, wire[i], wlen[i]);
    for (i = 4u; i < 8u; i++) {
        size_t b;
        for (b = 0; b < wlen[i]; b++) hil_agent_feed(&agent, wire[i] + b, 1u);
    }
    k = take();
    CHECKM(k == 8u, "eight RESULTs");
    for (i = 0; i < k && i < 8u; i++) {
        CHECK(msgs[i].h.type == HIL_MSG_RESULT && msgs[i].h.seq == 43u + i && msgs[i].h.tx == 6u + i);
        check_result(&msgs[i], (unsigned)(10u + i), 0);
    }

    /* a frame seen again is answered from the history; a gap is NAKed in v2 */
    salt = model_calls;
    hil_agent_feed(&agent, wire[2], wlen[2]);
    m = one(HIL_MSG_RESULT, 45, 8);
    check_result(m, 12, 0);
    CHECKM(model_calls == salt, "resent from the history, not recomputed");
    make_frame(20);
    send_req2(HIL_MSG_PROCESS, 60, 9, frame_bytes, sizeof frame_bytes);
    expect_nak(60, 9, 51, HIL_NAK_GAP);

    /* a corrupt frame: NAK CRC with expected and the last good tag; nothing run */
    wire[0][10] ^= 0x01u;
    if (wire[0][10] == 0u) wire[0][10] = 0x02u;
    hil_agent_feed(&agent, wire[0], wlen[0]);
    expect_nak(51, 9, 51, HIL_NAK_CRC);
    CHECKM(model_calls == salt, "a corrupt frame runs nothing");

    /* an overlong unit: NAK TOO_LONG, then the next frame is understood */
    memset(wire[1], 0x11, 1500u);
    hil_agent_feed(&agent, wire[1], 1500u);
    hil_agent_feed(&agent, &two, 0u);
    {
        static const uint8_t delim = 0u;
        hil_agent_feed(&agent, &delim, 1u);
    }
    expect_nak(51, 9, 51, HIL_NAK_TOO_LONG);
    make_frame(21);
    send_req2(HIL_MSG_PROCESS, 51, 10, frame_bytes, sizeof frame_bytes);
    check_result(one(HIL_MSG_RESULT, 51, 10), 21, 0);

    /* the device's own messages in v2: LOG and FAULT frames */
    hil_agent_log("hello from v2");
    m = one(HIL_MSG_LOG, 0, 0);
    if (m != NULL) CHECK(m->h.len == 13u && memcmp(m->payload, "hello from v2", 13u) == 0);
    hil_agent_fault("kind=test");
    m = one(HIL_MSG_FAULT, 0, 0);
    if (m != NULL) CHECK(m->h.len == 9u && memcmp(m->payload, "kind=test", 9u) == 0);

    /* a plain HELLO (a v1 line) goes back to framing v1 */
    send_req(HIL_MSG_HELLO, 70, 11, NULL, 0);
    m = one(HIL_MSG_INFO, 70, 11);
    if (m != NULL) CHECK(m->h.ver == 1u && text_has(m, "framing=1\n"));
    hil_agent_log("v1 again");
    k = take();
    CHECK(k == 1u && !msgs[0].is_frame && strcmp(msgs[0].text, "v1 again") == 0);

    /* a reset (BOOT) is always v1 */
    fresh_agent_v2();
    hil_agent_boot(&agent, "power-on");
    m = one(HIL_MSG_BOOT, 0, 0);
    if (m != NULL) CHECK(m->h.ver == 1u);
    hil_agent_log("after boot");
    k = take();
    CHECK(k == 1u && !msgs[0].is_frame);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: %s canonical-frames.txt\n", argv[0]);
        return 2;
    }
    test_canonical(argv[1]);
    test_hello_info();
    test_boot_log_fault();
    test_process_in_order();
    test_duplicate_from_history();
    test_gap();
    test_corrupt_and_too_long();
    test_bad_length();
    test_bad_payload_and_errors();
    test_params();
    test_log_lines_and_stats();
    test_wrap();
    test_hello_resync();
    test_bytewise();
    test_profile();
    test_taps();
    test_framing_v2();
    return hil_check_summary();
}
