/**
 * @file hil_frame2.c
 * @brief Framing v2 of the hil protocol (PROTOCOL.md 8): binary frames, COBS-stuffed, ended by
 *        0x00. Portable C99, no malloc. The writer computes the CRC and the stuffing as the bytes
 *        come (no copy of the payload); the decoder unstuffs and checks in one pass, with a
 *        4-byte delay so that the CRC covers exactly the bytes before the last four.
 *
 * Frame: k_tx (bit 7: 1 = not an audio frame; bits 6..0: tx), seq (low byte), [type when bit 7
 * is set], payload, CRC-32 (little-endian) of everything before it.
 */
#include "hil_agent.h"

#include <string.h>

/** Header bytes of a frame of `type`: PROCESS and RESULT carry no type byte. */
static size_t header_size(uint8_t type)
{
    return (type == HIL_MSG_PROCESS || type == HIL_MSG_RESULT) ? 2u : 3u;
}

/** Close the open COBS block; with a sink, hand everything written so far to it. */
static void finish_block(hil_v2_writer_t *w)
{
    w->buf[w->code_at] = w->code;
    if (w->sink != NULL) {
        w->sink(w->buf, w->w);
        w->w = 0;
    }
    w->code_at = w->w++;
    w->code = 1u;
}

/** One frame byte: into the CRC, then stuffed. */
static void put_byte(hil_v2_writer_t *w, uint8_t b)
{
    w->crc = HIL_CRC_STEP(w->crc, b);
    if (b == 0u) {
        finish_block(w);
    } else {
        w->buf[w->w++] = b;
        if (++w->code == 0xFFu) finish_block(w);
    }
}

void hil_v2_begin(hil_v2_writer_t *w, uint8_t *buf, size_t cap,
                  void (*sink)(const uint8_t *bytes, size_t n), uint8_t type, uint16_t seq,
                  uint16_t tx)
{
    const int audio = header_size(type) == 2u;
    w->buf = buf;
    w->cap = cap;
    w->sink = sink;
    w->w = 1u;
    w->code_at = 0u;
    w->code = 1u;
    w->crc = 0xFFFFFFFFu;
    put_byte(w, (uint8_t)((audio ? 0u : 0x80u) | (tx & 0x7Fu)));
    put_byte(w, (uint8_t)(seq & 0xFFu));
    if (!audio) put_byte(w, type);
}

void hil_v2_bytes(hil_v2_writer_t *w, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) put_byte(w, p[i]);
}

size_t hil_v2_end(hil_v2_writer_t *w)
{
    const uint32_t c = ~w->crc;
    put_byte(w, (uint8_t)(c & 0xFFu));
    put_byte(w, (uint8_t)((c >> 8) & 0xFFu));
    put_byte(w, (uint8_t)((c >> 16) & 0xFFu));
    put_byte(w, (uint8_t)(c >> 24));
    w->buf[w->code_at] = w->code;
    w->buf[w->w++] = 0u; /* the delimiter */
    if (w->sink != NULL) {
        w->sink(w->buf, w->w);
        w->w = 0;
    }
    return w->w;
}

size_t hil_frame2_encode(const hil_header_t *h, const uint8_t *payload, uint8_t *out, size_t cap)
{
    hil_v2_writer_t w;
    if (h->len > HIL_PAYLOAD_HARD_LIMIT || (h->len != 0u && payload == NULL)) return 0;
    if (cap < HIL_V2_COBS_MAX(header_size(h->type) + (size_t)h->len + HIL_CRC_SIZE) + 1u) return 0;
    hil_v2_begin(&w, out, cap, NULL, h->type, h->seq, h->tx);
    hil_v2_bytes(&w, payload, h->len);
    return hil_v2_end(&w);
}

/** Decoder state: the last four bytes are held back until more arrive (they may be the CRC). */
typedef struct {
    uint8_t hdr[3];
    uint8_t tail[4];
    size_t n;       /**< bytes decoded so far */
    size_t hs;      /**< header size, known from the first byte */
    uint32_t crc;   /**< over the bytes that left the delay line */
    uint8_t *payload;
    size_t cap;
} dec2_t;

static void dec_put(dec2_t *d, uint8_t b)
{
    if (d->n >= 4u) {
        const uint8_t out = d->tail[d->n & 3u];
        const size_t q = d->n - 4u; /* index of `out` in the frame */
        d->crc = HIL_CRC_STEP(d->crc, out);
        if (q == 0u) d->hs = (out & 0x80u) != 0u ? 3u : 2u;
        if (q < d->hs) {
            d->hdr[q] = out;
        } else if (q - d->hs < d->cap) {
            d->payload[q - d->hs] = out;
        }
    }
    d->tail[d->n & 3u] = b;
    d->n++;
}

int hil_frame2_decode(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                      hil_header_t *h, uint8_t *payload, size_t cap)
{
    dec2_t d;
    size_t r = 0, len;
    uint32_t got;
    memset(&d, 0, sizeof d);
    d.hs = 3u;
    d.crc = 0xFFFFFFFFu;
    d.payload = payload;
    d.cap = cap;
    if (n == 0u) return HIL_NAK_CRC;
    while (r < n) {
        const uint8_t code = enc[r++];
        uint8_t k;
        if (code == 0u || (size_t)code - 1u > n - r) return HIL_NAK_CRC;
        for (k = 1u; k < code; k++) {
            const uint8_t b = enc[r++];
            if (b == 0u) return HIL_NAK_CRC;
            dec_put(&d, b);
        }
        if (code != 0xFFu && r < n) dec_put(&d, 0u);
    }
    if (d.n < 4u + 2u || d.n < 4u + d.hs) return HIL_NAK_CRC;
    got = (uint32_t)d.tail[d.n & 3u] | ((uint32_t)d.tail[(d.n + 1u) & 3u] << 8) |
          ((uint32_t)d.tail[(d.n + 2u) & 3u] << 16) | ((uint32_t)d.tail[(d.n + 3u) & 3u] << 24);
    if (~d.crc != got) return HIL_NAK_CRC;
    len = d.n - 4u - d.hs;
    h->ver = (uint8_t)HIL_FRAMING_V2;
    h->type = d.hs == 3u ? d.hdr[2] : audio_type;
    /* the 16-bit sequence number nearest seq_ref with this low byte */
    {
        const uint8_t diff = (uint8_t)(d.hdr[1] - (uint8_t)(seq_ref & 0xFFu));
        h->seq = (uint16_t)(diff < 0x80u ? seq_ref + diff : seq_ref - (uint16_t)(0x100u - diff));
    }
    h->tx = (uint16_t)(d.hdr[0] & 0x7Fu);
    h->len = (uint16_t)(len > 0xFFFFu ? 0xFFFFu : len);
    if (len > cap) return HIL_NAK_BAD_LENGTH;
    return 0;
}
