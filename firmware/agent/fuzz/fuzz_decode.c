/**
 * @file fuzz_decode.c
 * @brief libFuzzer target for the frame codec: hil_frame_decode() on arbitrary lines, and
 *        hil_frame_encode() -> hil_frame_decode() round trips of arbitrary frames.
 *
 * Buffers are heap blocks of the exact size (libFuzzer's input already is one), so ASan reports
 * any read past the line or write past the payload capacity.
 *
 * Decode invariants (input = one line without its newline):
 *   - the result is 0, HIL_NAK_CRC, HIL_NAK_BAD_LENGTH or HIL_NAK_BAD_VERSION;
 *   - corruption does not depend on the capacity: a line that is corrupt for one capacity is
 *     corrupt for every capacity, and a line accepted with a small capacity is accepted (with the
 *     same header and payload) with a large one;
 *   - BAD_LENGTH means h.len > cap; BAD_VERSION means h.ver != 1; 0 means h.ver == 1, h.len <= cap;
 *   - a line that is not corrupt re-encodes to itself (hil_frame_encode), except that the decoder
 *     ignores the unused low bits of the last base64 character before '=' padding (RFC 4648 3.5
 *     allows either), so only those bits may differ.
 * Framing v2 (PROTOCOL.md 8), when the input starts with 0x00: the rest is one v2 unit (the
 * delimiter removed), decoded with hil_frame2_decode():
 *   - the result is 0, HIL_NAK_CRC or HIL_NAK_BAD_LENGTH, and corruption does not depend on the
 *     capacity (as for v1);
 *   - an accepted frame re-encodes (hil_frame2_encode) to bytes that decode to the same header and
 *     payload, contain no 0x00 but the final delimiter, and are no longer than the input (COBS may
 *     spell a final 254-byte block with or without its trailing code);
 *   - encoding the input bytes as a frame and decoding it gives them back.
 * Encode invariants (input = ver, type, seq, tx as 8 header bytes, then the payload):
 *   - hil_frame_encode() returns the exact line length, or 0 when the buffer is one byte short;
 *   - decoding its line (newline removed) gives back the header and payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_port.h"
#include "hil_agent.h"

/** Capacity of the reference decode: any u16 length fits. */
#define BIG_CAP 65535u

static int b64v(char ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/** Length of the protocol line (newline excluded) of a frame with `len` payload bytes. */
static size_t line_len_for(size_t len)
{
    return 2u + 4u * ((HIL_HEADER_SIZE + len + HIL_CRC_SIZE + 2u) / 3u);
}

/** A non-corrupt line must be the encoding of what it decodes to (modulo unused bits). */
static void check_reencodes(const char *in, size_t n, const hil_header_t *h, const uint8_t *payload)
{
    const size_t need = line_len_for(h->len) + 1u;
    char *out = (char *)malloc(need);
    size_t m, i, last, pad = 0;
    FUZZ_CHECK(out != NULL);
    m = hil_frame_encode(h, payload, out, need);
    FUZZ_CHECK(m == need && out[m - 1u] == '\n');
    FUZZ_CHECK(m - 1u == n);
    if (in[n - 1u] == '=') pad = in[n - 2u] == '=' ? 2u : 1u;
    last = n - 1u - pad;
    for (i = 0; i < n; i++) {
        if (out[i] == in[i]) continue;
        FUZZ_CHECK(i == last && pad != 0u);
        /* pad 1: 2 unused bits; pad 2: 4 unused bits */
        FUZZ_CHECK(((unsigned)b64v(out[i]) >> (pad * 2u)) == ((unsigned)b64v(in[i]) >> (pad * 2u)));
    }
    free(out);
}

static void fuzz_decode_line(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    static hil_header_t hb, hs;
    uint8_t *big = (uint8_t *)malloc(BIG_CAP);
    const size_t small_cap = size == 0u ? 0u : data[size - 1u] % 48u;
    uint8_t *small = (uint8_t *)malloc(small_cap == 0u ? 1u : small_cap);
    int rb, rs;
    FUZZ_CHECK(big != NULL && small != NULL);
    memset(&hb, 0xA5, sizeof hb);
    memset(&hs, 0x5A, sizeof hs);

    rb = hil_frame_decode(in, size, &hb, big, BIG_CAP);
    rs = hil_frame_decode(in, size, &hs, small, small_cap);
    FUZZ_CHECK(rb == 0 || rb == HIL_NAK_CRC || rb == HIL_NAK_BAD_VERSION);
    FUZZ_CHECK(rs == 0 || rs == HIL_NAK_CRC || rs == HIL_NAK_BAD_VERSION ||
               rs == HIL_NAK_BAD_LENGTH);
    FUZZ_CHECK((rb == HIL_NAK_CRC) == (rs == HIL_NAK_CRC));
    FUZZ_CHECK((rb == HIL_NAK_BAD_VERSION) == (rs == HIL_NAK_BAD_VERSION));
    if (rb != HIL_NAK_CRC) {
        FUZZ_CHECK(size >= 2u && in[0] == '@' && in[1] == ':');
        FUZZ_CHECK(size == line_len_for(hb.len));
        FUZZ_CHECK(memcmp(&hb, &hs, sizeof hb) == 0);
        if (rb == 0) FUZZ_CHECK(hb.ver == HIL_PROTO_VERSION);
        else FUZZ_CHECK(hb.ver != HIL_PROTO_VERSION);
        if (rs == 0) {
            FUZZ_CHECK(hs.len <= small_cap);
            FUZZ_CHECK(hs.len == 0u || memcmp(big, small, hs.len) == 0);
        }
        if (rs == HIL_NAK_BAD_LENGTH) FUZZ_CHECK(hs.len > small_cap);
        if (hb.len <= HIL_PAYLOAD_HARD_LIMIT) check_reencodes(in, size, &hb, big);
    }
    free(big);
    free(small);
}

static void fuzz_encode(const uint8_t *data, size_t size)
{
    hil_header_t h, d;
    size_t need, cap, m;
    char *out;
    uint8_t *back;
    int r;
    if (size < HIL_HEADER_SIZE) return;
    h.ver = data[0];
    h.type = data[1];
    h.seq = (uint16_t)(data[2] | (data[3] << 8));
    h.tx = (uint16_t)(data[4] | (data[5] << 8));
    h.len = (uint16_t)(size - HIL_HEADER_SIZE > HIL_PAYLOAD_HARD_LIMIT ? HIL_PAYLOAD_HARD_LIMIT
                                                                       : size - HIL_HEADER_SIZE);
    need = line_len_for(h.len) + 1u;
    cap = need - (data[6] & 1u); /* sometimes one byte short */
    out = (char *)malloc(cap);
    back = (uint8_t *)malloc(h.len == 0u ? 1u : h.len);
    FUZZ_CHECK(out != NULL && back != NULL);
    m = hil_frame_encode(&h, data + HIL_HEADER_SIZE, out, cap);
    if (cap < need) {
        FUZZ_CHECK(m == 0u);
    } else {
        FUZZ_CHECK(m == need && out[m - 1u] == '\n');
        r = hil_frame_decode(out, m - 1u, &d, back, h.len);
        FUZZ_CHECK(r == (h.ver == HIL_PROTO_VERSION ? 0 : HIL_NAK_BAD_VERSION));
        FUZZ_CHECK(d.ver == h.ver && d.type == h.type && d.seq == h.seq && d.tx == h.tx &&
                   d.len == h.len);
        FUZZ_CHECK(h.len == 0u || memcmp(back, data + HIL_HEADER_SIZE, h.len) == 0);
        FUZZ_CHECK(memchr(out, '\n', m - 1u) == NULL);
    }
    free(out);
    free(back);
}

static void fuzz_frame2(const uint8_t *unit, size_t n)
{
    static hil_header_t hb, hs, hr;
    uint8_t *big = (uint8_t *)malloc(HIL_PAYLOAD_HARD_LIMIT + 8u);
    const size_t small_cap = n == 0u ? 0u : unit[n - 1u] % 48u;
    uint8_t *small = (uint8_t *)malloc(small_cap == 0u ? 1u : small_cap);
    const size_t wcap = HIL_V2_COBS_MAX(3u + (size_t)HIL_PAYLOAD_HARD_LIMIT + 4u) + 1u;
    uint8_t *wire = (uint8_t *)malloc(wcap), *back = (uint8_t *)malloc(HIL_PAYLOAD_HARD_LIMIT + 8u);
    const uint16_t ref = n >= 2u ? (uint16_t)(unit[0] | (unit[1] << 8)) : 0u;
    int rb, rs;
    size_t m;
    FUZZ_CHECK(big != NULL && small != NULL && wire != NULL && back != NULL);
    rb = hil_frame2_decode(unit, n, ref, HIL_MSG_PROCESS, &hb, big, HIL_PAYLOAD_HARD_LIMIT + 8u);
    rs = hil_frame2_decode(unit, n, ref, HIL_MSG_PROCESS, &hs, small, small_cap);
    FUZZ_CHECK(rb == 0 || rb == HIL_NAK_CRC || rb == HIL_NAK_BAD_LENGTH);
    FUZZ_CHECK(rs == 0 || rs == HIL_NAK_CRC || rs == HIL_NAK_BAD_LENGTH);
    FUZZ_CHECK((rb == HIL_NAK_CRC) == (rs == HIL_NAK_CRC));
    if (rb == 0) {
        FUZZ_CHECK(hb.ver == 2u && hb.tx < 128u);
        FUZZ_CHECK((uint16_t)(hb.seq - ref + 128u) < 256u); /* nearest the reference */
        if (rs == 0) FUZZ_CHECK(hs.len == hb.len && (hs.len == 0u || memcmp(big, small, hs.len) == 0));
        else FUZZ_CHECK(hs.len > small_cap);
        if (hb.len <= HIL_PAYLOAD_HARD_LIMIT) {
            m = hil_frame2_encode(&hb, big, wire, wcap);
            FUZZ_CHECK(m >= 2u && m <= n + 2u && wire[m - 1u] == 0u && memchr(wire, 0, m - 1u) == NULL);
            FUZZ_CHECK(hil_frame2_decode(wire, m - 1u, ref, HIL_MSG_PROCESS, &hr, back, HIL_PAYLOAD_HARD_LIMIT + 8u) == 0);
            FUZZ_CHECK(hr.type == hb.type && hr.seq == hb.seq && hr.tx == hb.tx && hr.len == hb.len);
            FUZZ_CHECK(hb.len == 0u || memcmp(back, big, hb.len) == 0);
        }
    }
    /* the input's bytes as the payload of an audio frame: round trip */
    {
        hil_header_t h = {2u, HIL_MSG_RESULT, ref, (uint16_t)(n & 0x7Fu), 0u};
        const size_t len = n > HIL_PAYLOAD_HARD_LIMIT ? HIL_PAYLOAD_HARD_LIMIT : n;
        h.len = (uint16_t)len;
        m = hil_frame2_encode(&h, unit, wire, wcap);
        FUZZ_CHECK(m > 0u && wire[m - 1u] == 0u && memchr(wire, 0, m - 1u) == NULL);
        FUZZ_CHECK(hil_frame2_decode(wire, m - 1u, ref, HIL_MSG_PROCESS, &hr, back, HIL_PAYLOAD_HARD_LIMIT + 8u) == 0);
        FUZZ_CHECK(hr.type == HIL_MSG_PROCESS && hr.seq == ref && hr.len == len); /* an audio frame: the receiver names its type */
        FUZZ_CHECK(len == 0u || memcmp(back, unit, len) == 0);
    }
    free(big);
    free(small);
    free(wire);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0u && data[0] == 0u) {
        fuzz_frame2(data + 1, size - 1u);
        return 0;
    }
    fuzz_decode_line(data, size);
    fuzz_encode(data, size);
    return 0;
}
