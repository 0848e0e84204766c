/**
 * @file hil_agent.c
 * @brief The device side of the hil protocol v1 (PROTOCOL.md). Portable C99: no malloc, no stdio,
 *        no floating point. All output goes through hil_port_write().
 */
#include "hil_agent.h"

#include <string.h>

#include "hil_port.h"

#define MARKER0 '@'
#define MARKER1 ':'
#define TX_CHUNK 128u /* bytes of encoded line buffered on the stack before hil_port_write */

/* ------------------------------------------------------------------------------------------ */
/* CRC-32 (IEEE 802.3, reflected, zlib): nibble table, 64 bytes of constants.                 */

static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

/** Update a running (non-inverted) CRC register with one byte. */
static uint32_t crc_byte(uint32_t c, uint8_t b)
{
    c ^= b;
    c = crc_nibble[c & 0x0Fu] ^ (c >> 4);
    c = crc_nibble[c & 0x0Fu] ^ (c >> 4);
    return c;
}

/** See hil_agent.h. */
uint32_t hil_crc32(uint32_t crc, const uint8_t *bytes, size_t n)
{
    uint32_t c = ~crc;
    size_t i;
    for (i = 0; i < n; i++) c = crc_byte(c, bytes[i]);
    return ~c;
}

/* ------------------------------------------------------------------------------------------ */
/* Little-endian helpers.                                                                     */

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

/** Store v little-endian at p[0..3]. */
static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
    p[3] = (uint8_t)(v >> 24);
}

/** Load a little-endian u16. */
static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] | ((unsigned)p[1] << 8));
}

/** Load a little-endian u32. */
static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/** Two's complement u16 -> i16 without implementation-defined conversions. */
static int16_t u16_to_i16(uint16_t u)
{
    return u >= 0x8000u ? (int16_t)((int32_t)u - 65536) : (int16_t)u;
}

/** Two's complement u32 -> i32 without implementation-defined conversions. */
static int32_t u32_to_i32(uint32_t u)
{
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) - (int32_t)0x7FFFFFFF - 1 : (int32_t)u;
}

/* ------------------------------------------------------------------------------------------ */
/* Base64 (RFC 4648, standard alphabet, '=' padding).                                         */

static const char b64_alphabet[64] = {
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P',
    'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'a', 'b', 'c', 'd', 'e', 'f',
    'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v',
    'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '/'};

/** Value of a base64 character, or -1. */
static int b64_value(char ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Streaming frame encoder: header + payload + CRC -> "@:" base64 "\n", written to a sink in  */
/* small chunks, so no line buffer is needed (also usable from a fault handler).              */

typedef void (*sink_fn)(void *ctx, const char *s, size_t n);

typedef struct {
    sink_fn sink;
    void *ctx;
    uint32_t crc;      /* running CRC register */
    uint8_t grp[3];    /* pending bytes of a base64 group */
    unsigned ng;
    size_t nc;
    char chunk[TX_CHUNK];
} enc_t;

/** Hand the buffered characters to the sink. */
static void enc_flush(enc_t *e)
{
    if (e->nc != 0u) e->sink(e->ctx, e->chunk, e->nc);
    e->nc = 0;
}

/** Buffer one output character, flushing when the chunk is full. */
static void enc_char(enc_t *e, char ch)
{
    if (e->nc == TX_CHUNK) enc_flush(e);
    e->chunk[e->nc++] = ch;
}

/** Emit the base64 of the pending group of nbytes (1..3) bytes, with padding. */
static void enc_group(enc_t *e, unsigned nbytes)
{
    uint32_t v = ((uint32_t)e->grp[0] << 16) | ((uint32_t)e->grp[1] << 8) | e->grp[2];
    enc_char(e, b64_alphabet[(v >> 18) & 0x3Fu]);
    enc_char(e, b64_alphabet[(v >> 12) & 0x3Fu]);
    enc_char(e, nbytes > 1u ? b64_alphabet[(v >> 6) & 0x3Fu] : '=');
    enc_char(e, nbytes > 2u ? b64_alphabet[v & 0x3Fu] : '=');
}

/** Append frame bytes (not CRC-covered when crc_covered is 0). */
static void enc_raw(enc_t *e, const uint8_t *p, size_t n, int crc_covered)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (crc_covered) e->crc = crc_byte(e->crc, p[i]);
        e->grp[e->ng++] = p[i];
        if (e->ng == 3u) {
            enc_group(e, 3u);
            e->ng = 0;
        }
    }
}

/** Start a line: marker and header (len = payload bytes that will follow). */
static void enc_begin(enc_t *e, sink_fn sink, void *ctx, uint8_t ver, uint8_t type, uint16_t seq,
                      uint16_t tx, uint16_t len)
{
    uint8_t h[HIL_HEADER_SIZE];
    e->sink = sink;
    e->ctx = ctx;
    e->crc = 0xFFFFFFFFu;
    e->ng = 0;
    e->nc = 0;
    enc_char(e, MARKER0);
    enc_char(e, MARKER1);
    h[0] = ver;
    h[1] = type;
    put_u16(h + 2, seq);
    put_u16(h + 4, tx);
    put_u16(h + 6, len);
    enc_raw(e, h, sizeof h, 1);
}

/** Append payload bytes. */
static void enc_payload(enc_t *e, const void *p, size_t n)
{
    enc_raw(e, (const uint8_t *)p, n, 1);
}

/** Finish the line: CRC, base64 padding, newline; flush. */
static void enc_end(enc_t *e)
{
    uint8_t c[HIL_CRC_SIZE];
    put_u32(c, ~e->crc);
    enc_raw(e, c, sizeof c, 0);
    if (e->ng != 0u) {
        unsigned i;
        for (i = e->ng; i < 3u; i++) e->grp[i] = 0;
        enc_group(e, e->ng);
        e->ng = 0;
    }
    enc_char(e, '\n');
    enc_flush(e);
}

/** Sink writing to the link. */
static void port_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    hil_port_write((const uint8_t *)s, n);
}

/** Sink writing into a caller buffer (hil_frame_encode). */
typedef struct {
    char *out;
    size_t cap;
    size_t len;
    int overflow;
} mem_sink_t;

/** Sink callback appending to a mem_sink_t; sets overflow instead of overrunning. */
static void mem_sink(void *ctx, const char *s, size_t n)
{
    mem_sink_t *m = (mem_sink_t *)ctx;
    if (m->overflow || n > m->cap - m->len) {
        m->overflow = 1;
        return;
    }
    memcpy(m->out + m->len, s, n);
    m->len += n;
}

/** See hil_agent.h. */
size_t hil_frame_encode(const hil_header_t *h, const uint8_t *payload, char *out, size_t cap)
{
    enc_t e;
    mem_sink_t m;
    if (h->len > HIL_PAYLOAD_HARD_LIMIT || (h->len != 0u && payload == NULL)) return 0;
    m.out = out;
    m.cap = cap;
    m.len = 0;
    m.overflow = 0;
    enc_begin(&e, mem_sink, &m, h->ver, h->type, h->seq, h->tx, h->len);
    enc_payload(&e, payload, h->len);
    enc_end(&e);
    return m.overflow ? 0u : m.len;
}

/** Send one frame to the link. */
static void send_frame(uint8_t type, uint16_t seq, uint16_t tx, const uint8_t *payload,
                       uint16_t len)
{
    enc_t e;
    enc_begin(&e, port_sink, NULL, (uint8_t)HIL_PROTO_VERSION, type, seq, tx, len);
    enc_payload(&e, payload, len);
    enc_end(&e);
}

/* ------------------------------------------------------------------------------------------ */
/* Frame decoder.                                                                             */

int hil_frame_decode(const char *line, size_t n, hil_header_t *h, uint8_t *payload, size_t cap)
{
    uint8_t hdr[HIL_HEADER_SIZE];
    uint8_t crcb[HIL_CRC_SIZE];
    size_t nb, pad = 0, total, i, pos = 0;
    uint32_t crc = 0xFFFFFFFFu;
    uint16_t len = 0;

    if (n < 2u || line[0] != MARKER0 || line[1] != MARKER1) return HIL_NAK_CRC;
    line += 2;
    nb = n - 2u;
    if (nb == 0u || nb % 4u != 0u) return HIL_NAK_CRC;
    if (line[nb - 1u] == '=') pad = line[nb - 2u] == '=' ? 2u : 1u;
    total = nb / 4u * 3u - pad;
    if (total < HIL_HEADER_SIZE + HIL_CRC_SIZE) return HIL_NAK_CRC;

    for (i = 0; i < nb; i += 4u) {
        uint32_t v = 0;
        unsigned j, nbytes = 3u;
        for (j = 0; j < 4u; j++) {
            int d = b64_value(line[i + j]);
            if (d < 0) {
                /* '=' only as the trailing padding counted above */
                if (line[i + j] != '=' || i + 4u != nb || j < 4u - pad) return HIL_NAK_CRC;
                d = 0;
            }
            v = (v << 6) | (uint32_t)d;
        }
        if (i + 4u == nb) nbytes = 3u - (unsigned)pad;
        for (j = 0; j < nbytes; j++, pos++) {
            uint8_t b = (uint8_t)((v >> (16u - 8u * j)) & 0xFFu);
            if (pos < HIL_HEADER_SIZE) {
                hdr[pos] = b;
                if (pos == HIL_HEADER_SIZE - 1u) {
                    len = get_u16(hdr + 6);
                    if ((size_t)len + HIL_HEADER_SIZE + HIL_CRC_SIZE != total) return HIL_NAK_CRC;
                }
            } else if (pos < total - HIL_CRC_SIZE) {
                size_t k = pos - HIL_HEADER_SIZE;
                if (k < cap) payload[k] = b;
            } else {
                crcb[pos - (total - HIL_CRC_SIZE)] = b;
                continue;
            }
            crc = crc_byte(crc, b);
        }
    }
    if (~crc != get_u32(crcb)) return HIL_NAK_CRC;
    h->ver = hdr[0];
    h->type = hdr[1];
    h->seq = get_u16(hdr + 2);
    h->tx = get_u16(hdr + 4);
    h->len = len;
    if (h->ver != HIL_PROTO_VERSION) return HIL_NAK_BAD_VERSION;
    if (len > cap) return HIL_NAK_BAD_LENGTH;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Bounded text builder for key/value payloads.                                               */

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len;
} text_t;

/** Append one character (dropped when full). */
static void t_char(text_t *t, char ch)
{
    if (t->len < t->cap) t->buf[t->len++] = (uint8_t)ch;
}

/** Append a NUL-terminated string (NULL appends nothing). */
static void t_str(text_t *t, const char *s)
{
    if (s == NULL) return;
    while (*s != '\0') t_char(t, *s++);
}

/** Append v in decimal. */
static void t_u64(text_t *t, uint64_t v)
{
    char d[20];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0u) t_char(t, d[--n]);
}

/** Append v in decimal with a leading '-' when negative. */
static void t_i64(text_t *t, int64_t v)
{
    if (v < 0) {
        t_char(t, '-');
        t_u64(t, (uint64_t)0 - (uint64_t)v);
    } else {
        t_u64(t, (uint64_t)v);
    }
}

/** Append v as 8 lowercase hex digits. */
static void t_hex32(text_t *t, uint32_t v)
{
    static const char hex[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
                                 '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    int s;
    for (s = 28; s >= 0; s -= 4) t_char(t, hex[(v >> (unsigned)s) & 0xFu]);
}

/** Append "k=v\n". */
static void kv_str(text_t *t, const char *k, const char *v)
{
    t_str(t, k);
    t_char(t, '=');
    t_str(t, v);
    t_char(t, '\n');
}

/** Append "k=<decimal>\n". */
static void kv_u64(text_t *t, const char *k, uint64_t v)
{
    t_str(t, k);
    t_char(t, '=');
    t_u64(t, v);
    t_char(t, '\n');
}

/** Append "k=<signed decimal>\n". */
static void kv_i64(text_t *t, const char *k, int64_t v)
{
    t_str(t, k);
    t_char(t, '=');
    t_i64(t, v);
    t_char(t, '\n');
}

/* ------------------------------------------------------------------------------------------ */
/* Request execution.                                                                         */

/** Fill slot with an ERROR response. */
static void slot_error(hil_agent_t *a, hil_agent_slot_t *slot, uint16_t code, const char *msg)
{
    text_t t;
    put_u16(slot->payload.b, code);
    t.buf = slot->payload.b + 2;
    t.cap = HIL_AGENT_SLOT_SIZE - 2u;
    t.len = 0;
    t_str(&t, msg);
    slot->type = HIL_MSG_ERROR;
    slot->len = (uint16_t)(2u + t.len);
    a->stats.errors++;
}

/** Fill slot with a PARAM response (id, value in force). */
static void slot_param(hil_agent_slot_t *slot, uint16_t id, int32_t value)
{
    put_u16(slot->payload.b, id);
    put_u32(slot->payload.b + 2, (uint32_t)value);
    slot->type = HIL_MSG_PARAM;
    slot->len = 6u;
}

/** HELLO: the INFO key/value text, keys in PROTOCOL.md 4.1 order. */
static void exec_info(hil_agent_t *a, hil_agent_slot_t *slot)
{
    const hil_model_t *m = a->model;
    const hil_port_identity_t *id = hil_port_identity();
    text_t t;
    uint16_t i;
    t.buf = slot->payload.b;
    t.cap = HIL_AGENT_TEXT_MAX;
    t.len = 0;
    kv_u64(&t, "proto", HIL_PROTO_VERSION);
    kv_str(&t, "fw", id->fw_name);
    kv_str(&t, "fw_version", id->fw_version);
    kv_str(&t, "build", id->build_id);
    kv_str(&t, "board", id->board);
    kv_str(&t, "model", m->id);
    kv_str(&t, "model_version", m->version);
    kv_str(&t, "model_desc", m->description);
    t_str(&t, "weights=");
    t_hex32(&t, m->weights_hash);
    t_char(&t, '\n');
    kv_u64(&t, "rate", m->sample_rate);
    kv_u64(&t, "hop", m->hop);
    kv_str(&t, "format", "s16le");
    kv_u64(&t, "channels", 1u);
    kv_u64(&t, "latency", m->latency);
    kv_u64(&t, "clock", id->clock_hz);
    kv_str(&t, "counter", id->counter);
    kv_u64(&t, "window", HIL_AGENT_WINDOW);
    kv_u64(&t, "history", HIL_AGENT_HISTORY);
    kv_u64(&t, "max_payload", HIL_AGENT_MAX_PAYLOAD);
    for (i = 0; i < m->n_params; i++) {
        const hil_param_desc_t *p = &m->params[i];
        t_str(&t, "param=");
        t_u64(&t, i);
        t_char(&t, ',');
        t_str(&t, p->name);
        t_char(&t, ',');
        t_str(&t, p->unit);
        t_char(&t, ',');
        t_u64(&t, p->frac_bits);
        t_char(&t, ',');
        t_i64(&t, p->min);
        t_char(&t, ',');
        t_i64(&t, p->max);
        t_char(&t, ',');
        t_i64(&t, p->def);
        t_char(&t, '\n');
    }
    slot->type = HIL_MSG_INFO;
    slot->len = (uint16_t)t.len;
}

/** STATS: the STATS_REPLY key/value text (PROTOCOL.md 4.3). */
static void exec_stats(hil_agent_t *a, hil_agent_slot_t *slot)
{
    const hil_agent_stats_t *s = &a->stats;
    text_t t;
    t.buf = slot->payload.b;
    t.cap = HIL_AGENT_TEXT_MAX;
    t.len = 0;
    kv_u64(&t, "frames", s->frames);
    kv_u64(&t, "rx_lines", s->rx_lines);
    kv_u64(&t, "rx_log_lines", s->rx_log_lines);
    kv_u64(&t, "crc_errors", s->crc_errors);
    kv_u64(&t, "gap_naks", s->gap_naks);
    kv_u64(&t, "too_long", s->too_long);
    kv_u64(&t, "history_resends", s->history_resends);
    kv_u64(&t, "errors", s->errors);
    kv_i64(&t, "stack_hwm", hil_port_stack_hwm());
    kv_u64(&t, "stack_size", hil_port_stack_size());
    kv_u64(&t, "uptime", hil_port_counter() - a->t0);
    slot->type = HIL_MSG_STATS_REPLY;
    slot->len = (uint16_t)t.len;
}

/** SET_PARAM / GET_PARAM: length, id and range checks, then the model. */
static void exec_param(hil_agent_t *a, hil_agent_slot_t *slot, uint8_t type, uint16_t len)
{
    const hil_model_t *m = a->model;
    uint16_t id;
    int32_t value = 0;
    hil_model_status_t st;
    if (len != (type == HIL_MSG_SET_PARAM ? 6u : 2u)) {
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD,
                   type == HIL_MSG_SET_PARAM ? "SET_PARAM payload must be 6 bytes"
                                             : "GET_PARAM payload must be 2 bytes");
        return;
    }
    id = get_u16(a->rx.b);
    if (id >= m->n_params) {
        slot_error(a, slot, HIL_ERR_BAD_PARAM, "no such parameter");
        return;
    }
    if (type == HIL_MSG_SET_PARAM) {
        value = u32_to_i32(get_u32(a->rx.b + 2));
        if (value < m->params[id].min || value > m->params[id].max) {
            slot_error(a, slot, HIL_ERR_PARAM_RANGE, "value out of range");
            return;
        }
        st = m->set_param(a->state, id, value);
        if (st != HIL_MODEL_OK) {
            slot_error(a, slot,
                       st == HIL_MODEL_BAD_PARAM     ? HIL_ERR_BAD_PARAM
                       : st == HIL_MODEL_PARAM_RANGE ? HIL_ERR_PARAM_RANGE
                                                     : HIL_ERR_MODEL,
                       "model refused the parameter");
            return;
        }
    }
    st = m->get_param(a->state, id, &value);
    if (st != HIL_MODEL_OK) {
        slot_error(a, slot, st == HIL_MODEL_BAD_PARAM ? HIL_ERR_BAD_PARAM : HIL_ERR_MODEL,
                   "model could not read the parameter");
        return;
    }
    slot_param(slot, id, value);
}

/** PROCESS: exactly hop samples through the model, timed with hil_port_counter(). */
static void exec_process(hil_agent_t *a, hil_agent_slot_t *slot, uint16_t len)
{
    const hil_model_t *m = a->model;
    const size_t hop = m->hop;
    int16_t *out = slot->payload.s + 4; /* byte offset 8 */
    uint64_t c0, delta;
    hil_model_status_t st;
    size_t i;
    if (len != 2u * hop) {
        text_t t;
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "PROCESS payload must be ");
        t.buf = slot->payload.b;
        t.cap = HIL_AGENT_SLOT_SIZE;
        t.len = slot->len;
        t_u64(&t, 2u * hop);
        t_str(&t, " bytes");
        slot->len = (uint16_t)t.len;
        return;
    }
    /* little-endian bytes -> int16, in place (each sample's bytes are read before written) */
    for (i = 0; i < hop; i++) a->rx.s[i] = u16_to_i16(get_u16(a->rx.b + 2u * i));

    c0 = hil_port_counter();
    st = m->process(a->state, a->rx.s, out);
    delta = hil_port_counter() - c0;

    if (st != HIL_MODEL_OK) {
        slot_error(a, slot, HIL_ERR_MODEL, "model failed to process the frame");
        return;
    }
    a->stats.frames++;
    put_u32(slot->payload.b, (uint32_t)(delta & 0xFFFFFFFFu));
    put_u32(slot->payload.b + 4, delta > 0xFFFFFFFFu ? 1u : 0u);
    /* int16 -> little-endian bytes, in place */
    for (i = 0; i < hop; i++) {
        const int16_t v = out[i];
        put_u16(slot->payload.b + 8u + 2u * i, (uint16_t)(v < 0 ? (int32_t)v + 65536 : v));
    }
    slot->type = HIL_MSG_RESULT;
    slot->len = (uint16_t)(8u + 2u * hop);
}

/** Execute request (type, seq, tx, payload in a->rx) and record its response in the history. */
static void execute(hil_agent_t *a, const hil_header_t *h)
{
    hil_agent_slot_t *slot = &a->hist[a->hist_next];
    slot->valid = 0;
    switch (h->type) {
    case HIL_MSG_HELLO: /* payload ignored (forward compatible) */
        exec_info(a, slot);
        break;
    case HIL_MSG_RESET:
        if (h->len != 0u) {
            slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "RESET payload must be empty");
        } else {
            a->model->reset(a->state);
            slot->type = HIL_MSG_OK;
            slot->len = 0;
        }
        break;
    case HIL_MSG_SET_PARAM:
    case HIL_MSG_GET_PARAM:
        exec_param(a, slot, h->type, h->len);
        break;
    case HIL_MSG_PROCESS:
        exec_process(a, slot, h->len);
        break;
    case HIL_MSG_STATS:
        if (h->len != 0u) {
            slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "STATS payload must be empty");
        } else {
            exec_stats(a, slot);
        }
        break;
    default:
        slot_error(a, slot, HIL_ERR_UNKNOWN_TYPE, "unknown message type");
        break;
    }
    slot->seq = h->seq;
    slot->valid = 1;
    a->hist_next = (a->hist_next + 1u) % HIL_AGENT_HISTORY;
    a->expected = (uint16_t)(h->seq + 1u);
    send_frame(slot->type, slot->seq, h->tx, slot->payload.b, slot->len);
}

/** Send a NAK (nothing executed, nothing stored). */
static void send_nak(uint16_t seq, uint16_t tx, uint16_t expected, uint8_t reason)
{
    uint8_t p[3];
    put_u16(p, expected);
    p[2] = reason;
    send_frame(HIL_MSG_NAK, seq, tx, p, sizeof p);
}

/** Forget every stored response (HELLO). */
static void clear_history(hil_agent_t *a)
{
    unsigned i;
    for (i = 0; i < HIL_AGENT_HISTORY; i++) a->hist[i].valid = 0;
    a->hist_next = 0;
}

/** Handle one complete line (newline and trailing '\r' removed, length <= line limit). */
static void handle_line(hil_agent_t *a, const char *line, size_t n)
{
    hil_header_t h;
    int r;
    uint16_t behind;
    unsigned i;

    a->stats.rx_lines++;
    if (n < 2u || line[0] != MARKER0 || line[1] != MARKER1) {
        a->stats.rx_log_lines++;
        return;
    }
    r = hil_frame_decode(line, n, &h, a->rx.b, HIL_AGENT_MAX_PAYLOAD);
    if (r == HIL_NAK_CRC) {
        a->stats.crc_errors++;
        send_nak(a->expected, a->last_tx, a->expected, HIL_NAK_CRC);
        return;
    }
    if (r == HIL_NAK_BAD_VERSION) {
        a->stats.errors++;
        send_nak(a->expected, a->last_tx, a->expected, HIL_NAK_BAD_VERSION);
        return;
    }
    if (h.type >= 0x80u) return; /* not a request (e.g. an echo of our own output): ignored */
    a->last_tx = h.tx;
    if (r == HIL_NAK_BAD_LENGTH) {
        a->stats.errors++;
        send_nak(h.seq, h.tx, a->expected, HIL_NAK_BAD_LENGTH);
        return;
    }
    if (h.type == HIL_MSG_HELLO) { /* executed whatever its seq; re-synchronises */
        clear_history(a);
        a->expected = h.seq;
    }
    if (h.seq == a->expected) {
        execute(a, &h);
        return;
    }
    behind = (uint16_t)(a->expected - h.seq);
    if (behind <= HIL_AGENT_HISTORY) {
        for (i = 0; i < HIL_AGENT_HISTORY; i++) {
            const hil_agent_slot_t *s = &a->hist[i];
            if (s->valid && s->seq == h.seq) {
                a->stats.history_resends++;
                send_frame(s->type, s->seq, h.tx, s->payload.b, s->len);
                return;
            }
        }
    }
    a->stats.gap_naks++;
    send_nak(h.seq, h.tx, a->expected, HIL_NAK_GAP);
}

/** A line went over the limit: count it and NAK it if it is a protocol line. */
static void line_too_long(hil_agent_t *a)
{
    a->stats.too_long++;
    if (a->line[0] == MARKER0 && a->line[1] == MARKER1) {
        send_nak(a->expected, a->last_tx, a->expected, HIL_NAK_TOO_LONG);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API.                                                                                */

int hil_agent_init(hil_agent_t *agent, const hil_model_t *model, void *state, size_t state_bytes)
{
    if (agent == NULL || model == NULL || state == NULL) return -1;
    memset(agent, 0, sizeof *agent);
    if (state_bytes < model->state_size || model->hop == 0u || model->hop > HIL_AGENT_MAX_HOP ||
        2u * (size_t)model->hop > HIL_AGENT_MAX_PAYLOAD) {
        return -1;
    }
    agent->model = model;
    agent->state = state;
    model->init(state);
    agent->t0 = hil_port_counter();
    return 0;
}

/** See hil_agent.h. */
void hil_agent_boot(hil_agent_t *agent, const char *reason)
{
    const hil_port_identity_t *id = hil_port_identity();
    uint8_t buf[192];
    text_t t;
    (void)agent;
    t.buf = buf;
    t.cap = sizeof buf;
    t.len = 0;
    kv_str(&t, "fw", id->fw_name);
    kv_str(&t, "build", id->build_id);
    kv_str(&t, "reason", reason);
    send_frame(HIL_MSG_BOOT, 0, 0, buf, (uint16_t)t.len);
}

/** See hil_agent.h. Lines over HIL_AGENT_LINE_MAX are discarded up to the newline. */
void hil_agent_feed(hil_agent_t *agent, const uint8_t *bytes, size_t n)
{
    hil_agent_t *a = agent;
    size_t i;
    for (i = 0; i < n; i++) {
        const char ch = (char)bytes[i];
        if (ch == '\n') {
            if (a->discarding) {
                a->discarding = 0;
                a->stats.rx_lines++;
            } else {
                size_t len = a->line_len;
                if (len > 0u && a->line[len - 1u] == '\r') len--;
                if (len > HIL_AGENT_LINE_MAX) {
                    a->stats.rx_lines++;
                    line_too_long(a);
                } else {
                    handle_line(a, a->line, len);
                }
            }
            a->line_len = 0;
        } else if (!a->discarding) {
            if (a->line_len < sizeof a->line) {
                a->line[a->line_len++] = ch;
            } else {
                a->discarding = 1;
                line_too_long(a);
            }
        }
    }
}

/** See hil_agent.h. */
void hil_agent_log(const char *text)
{
    char buf[64];
    size_t n = 0;
    if (text == NULL) text = "";
    /* a log line must never look like a protocol line, nor span lines */
    if (text[0] == MARKER0 && text[1] == MARKER1) buf[n++] = ' ';
    for (; *text != '\0'; text++) {
        if (n == sizeof buf) {
            hil_port_write((const uint8_t *)buf, n);
            n = 0;
        }
        buf[n++] = (*text == '\n' || *text == '\r') ? ' ' : *text;
    }
    if (n == sizeof buf) {
        hil_port_write((const uint8_t *)buf, n);
        n = 0;
    }
    buf[n++] = '\n';
    hil_port_write((const uint8_t *)buf, n);
}

/** See hil_agent.h. */
void hil_agent_fault(const char *kv)
{
    size_t n = 0;
    if (kv == NULL) kv = "";
    while (kv[n] != '\0' && n < HIL_PAYLOAD_HARD_LIMIT) n++;
    send_frame(HIL_MSG_FAULT, 0, 0, (const uint8_t *)kv, (uint16_t)n);
}

/** See hil_agent.h. */
const hil_agent_stats_t *hil_agent_stats(const hil_agent_t *agent)
{
    return &agent->stats;
}
