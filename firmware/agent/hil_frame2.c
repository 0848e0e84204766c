/**
 * @file hil_frame2.c
 * @brief Framing v2 of the hil protocol (PROTOCOL.md 8): binary frames, COBS-stuffed, ended by
 *        0x00. Portable C99, no malloc. The writer computes the CRC and the stuffing in one pass
 *        over the payload; the decoder first walks the COBS codes for the decoded size (so it
 *        knows where the CRC starts), then CRCs and stores each block in one pass.
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

void hil_v2_begin(hil_v2_writer_t *w, uint8_t *buf, void (*sink)(const uint8_t *bytes, size_t n),
                  uint8_t type, uint16_t seq, uint16_t tx)
{
    const int audio = header_size(type) == 2u;
    w->buf = buf;
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
    if (w->sink == NULL) {
        uint32_t c = w->crc;
        /* the whole frame fits the buffer (responses): stuff byte by byte in registers, a zero
         * byte (every other byte of quiet int16 audio) costs no more than any other */
        uint8_t *buf = w->buf;
        size_t wi = w->w, code_at = w->code_at, i;
        unsigned code = w->code;
        for (i = 0; i < n; i++) {
            const uint8_t b = p[i];
            c = HIL_CRC_STEP(c, b);
            if (b == 0u) {
                buf[code_at] = (uint8_t)code;
                code_at = wi++;
                code = 1u;
            } else {
                buf[wi++] = b;
                if (++code == 0xFFu) {
                    buf[code_at] = 0xFFu;
                    code_at = wi++;
                    code = 1u;
                }
            }
        }
        w->w = wi;
        w->code_at = code_at;
        w->code = (uint8_t)code;
        w->crc = c;
        return;
    }
    /* with a sink (LOG and FAULT, rare and short): byte by byte, each block flushed as it closes */
    for (; n > 0u; n--) put_byte(w, *p++);
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
    hil_v2_begin(&w, out, NULL, h->type, h->seq, h->tx);
    hil_v2_bytes(&w, payload, h->len);
    return hil_v2_end(&w);
}

/** Decoded size of COBS bytes, or -1 when they are not COBS (a zero code, a code running past
 *  the end). Walks the codes only. */
static long cobs_size(const uint8_t *enc, size_t n)
{
    size_t r = 0, total = 0;
    if (n == 0u) return -1;
    while (r < n) {
        const size_t code = enc[r++];
        if (code == 0u || code - 1u > n - r) return -1;
        total += code - 1u;
        r += code - 1u;
        if (code != 0xFFu && r < n) total++;
    }
    return (long)total;
}

/** Decoder state: where each decoded byte goes (header, CRC-covered body, the CRC). */
typedef struct {
    uint8_t hdr[3];
    uint8_t crcb[4];
    size_t q;        /**< decoded bytes so far */
    size_t hs;       /**< header size, known from the first byte */
    size_t body_end; /**< total - 4: where the CRC starts */
    uint32_t crc;    /**< running CRC register over bytes 0 .. body_end-1 */
    uint8_t *payload;
    size_t cap;
} dec2_t;

/** CRC n bytes of src into the register c and copy them to dst, in one pass. */
static uint32_t crc_store(uint32_t c, uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        const uint8_t b = src[i];
        c = HIL_CRC_STEP(c, b);
        dst[i] = b;
    }
    return c;
}

/** Route k decoded bytes at p (a run of one block, or one implied zero). */
static void dec_span(dec2_t *d, const uint8_t *p, size_t k)
{
    while (k > 0u) {
        if (d->q < d->hs) { /* header: byte by byte (2 or 3 of them) */
            if (d->q == 0u) d->hs = (p[0] & 0x80u) != 0u ? 3u : 2u;
            d->crc = HIL_CRC_STEP(d->crc, p[0]);
            if (d->q < d->hs) d->hdr[d->q] = p[0];
            d->q++;
            p++;
            k--;
        } else if (d->q < d->body_end) { /* payload: CRC and copy a whole stretch */
            const size_t m = k < d->body_end - d->q ? k : d->body_end - d->q;
            const size_t at = d->q - d->hs;
            const size_t keep = at >= d->cap ? 0u : (m < d->cap - at ? m : d->cap - at);
            uint8_t *dst = d->payload + (at < d->cap ? at : 0u);
            size_t i;
            uint32_t c = crc_store(d->crc, dst, p, keep);
            for (i = keep; i < m; i++) c = HIL_CRC_STEP(c, p[i]); /* beyond the capacity: CRC only */
            d->crc = c;
            d->q += m;
            p += m;
            k -= m;
        } else { /* the CRC */
            d->crcb[d->q - d->body_end] = p[0];
            d->q++;
            p++;
            k--;
        }
    }
}

/** hil_frame2_decode; `check_zeros` 0 skips the scan for a 0x00 inside a block (a receiver that
 *  split its units at 0x00 has none). */
static int frame2_decode(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                         hil_header_t *h, uint8_t *payload, size_t cap, int check_zeros)
{
    static const uint8_t zero = 0u;
    dec2_t d;
    size_t r = 0, len;
    uint32_t got;
    const long total = cobs_size(enc, n);
    if (total < 0 || (size_t)total < 4u + 2u) return HIL_NAK_CRC;
    memset(&d, 0, sizeof d);
    d.hs = 3u; /* until the first byte says otherwise (it is decoded first) */
    d.body_end = (size_t)total - 4u;
    d.crc = 0xFFFFFFFFu;
    d.payload = payload;
    d.cap = cap;
    while (r < n) {
        const size_t code = enc[r++];
        const size_t k = code - 1u;
        const int implied_zero = code != 0xFFu && r + k < n;
        if (check_zeros && memchr(enc + r, 0, k) != NULL) return HIL_NAK_CRC;
        if (d.q >= d.hs && d.q + k + (size_t)implied_zero <= d.body_end &&
            d.q + k + (size_t)implied_zero - d.hs <= d.cap) {
            /* the common case, a block inside the payload (audio has many short ones: every
             * zero byte ends one): CRC and store in one loop, the zero inline */
            uint8_t *dst = d.payload + (d.q - d.hs);
            uint32_t c = crc_store(d.crc, dst, enc + r, k);
            if (implied_zero) {
                c = HIL_CRC_STEP(c, 0u);
                dst[k] = 0u;
            }
            d.crc = c;
            d.q += k + (size_t)implied_zero;
        } else {
            dec_span(&d, enc + r, k);
            if (implied_zero) dec_span(&d, &zero, 1u);
        }
        r += k;
    }
    if ((size_t)total < 4u + d.hs) return HIL_NAK_CRC;
    got = (uint32_t)d.crcb[0] | ((uint32_t)d.crcb[1] << 8) | ((uint32_t)d.crcb[2] << 16) |
          ((uint32_t)d.crcb[3] << 24);
    if (~d.crc != got) return HIL_NAK_CRC;
    len = (size_t)total - 4u - d.hs;
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

int hil_frame2_decode(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                      hil_header_t *h, uint8_t *payload, size_t cap)
{
    return frame2_decode(enc, n, seq_ref, audio_type, h, payload, cap, 1);
}

int hil_frame2_decode_unit(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                           hil_header_t *h, uint8_t *payload, size_t cap)
{
    return frame2_decode(enc, n, seq_ref, audio_type, h, payload, cap, 0);
}
