/**
 * @file hil_agent.c
 * @brief The device side of the hil protocol (PROTOCOL.md): framing v1 lines and, once the host
 *        asks for it, framing v2 frames (hil_frame2.c). Portable C99: no malloc, no stdio, no
 *        floating point. All output goes through hil_port_write().
 */
#include "hil_agent.h"

#include <string.h>

#include "hil_port.h"

#define MARKER0 '@'
#define MARKER1 ':'
#define FAULT_CHUNK 128u /* bytes of encoded line buffered on the stack by hil_agent_fault */

/* Performance notes (the agent runs in series with the model on the target, and on QEMU every
 * guest instruction, load and branch costs host time): the codec works a base64 group at a time
 * with table lookups and no branch in its loops other than the loop's own, the CRC uses a
 * byte-wide table fused into the base64 loops, a complete line in the caller's buffer is decoded
 * where it lies (only a line split across feeds is copied), and a response is encoded into one
 * line buffer and written with one hil_port_write() call. About 9 900 instructions a frame on a
 * Cortex-M4 for a 160-sample PROCESS/RESULT pair (PROTOCOL.md has the framing). */

/* ------------------------------------------------------------------------------------------ */
/* CRC-32 (IEEE 802.3, reflected, zlib): byte-wide table, 1 KiB of constants.                 */

/* shared with hil_frame2.c (declared in hil_agent_private.h) */
const uint32_t hil_crc_table[256] = {
    0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu,
    0xE963A535u, 0x9E6495A3u, 0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u,
    0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u, 0x1DB71064u, 0x6AB020F2u,
    0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
    0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u,
    0xFA0F3D63u, 0x8D080DF5u, 0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u,
    0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu, 0x35B5A8FAu, 0x42B2986Cu,
    0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
    0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u,
    0xCFBA9599u, 0xB8BDA50Fu, 0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u,
    0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du, 0x76DC4190u, 0x01DB7106u,
    0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
    0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du,
    0x91646C97u, 0xE6635C01u, 0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu,
    0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u, 0x65B0D9C6u, 0x12B7E950u,
    0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
    0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u,
    0xA4D1C46Du, 0xD3D6F4FBu, 0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u,
    0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u, 0x5005713Cu, 0x270241AAu,
    0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
    0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u,
    0xB7BD5C3Bu, 0xC0BA6CADu, 0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au,
    0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u, 0xE3630B12u, 0x94643B84u,
    0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
    0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu,
    0x196C3671u, 0x6E6B06E7u, 0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu,
    0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u, 0xD6D6A3E8u, 0xA1D1937Eu,
    0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
    0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u,
    0x316E8EEFu, 0x4669BE79u, 0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u,
    0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu, 0xC5BA3BBEu, 0xB2BD0B28u,
    0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
    0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu,
    0x72076785u, 0x05005713u, 0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u,
    0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u, 0x86D3D2D4u, 0xF1D4E242u,
    0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
    0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u,
    0x616BFFD3u, 0x166CCF45u, 0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u,
    0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu, 0xAED16A4Au, 0xD9D65ADCu,
    0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
    0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u,
    0x54DE5729u, 0x23D967BFu, 0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u,
    0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du,
};

/** One byte into a running (non-inverted) CRC register. */
#define CRC_STEP(c, b) HIL_CRC_STEP(c, b)

/** Update a running (non-inverted) CRC register with n bytes. */
static uint32_t crc_update(uint32_t c, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) c = CRC_STEP(c, p[i]);
    return c;
}

/** See hil_agent.h. */
uint32_t hil_crc32(uint32_t crc, const uint8_t *bytes, size_t n)
{
    return ~crc_update(~crc, bytes, n);
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

/** 1 when int16_t is stored little-endian (then the wire format is the memory format). A
 *  constant for the compiler: it removes the conversion loops on little-endian targets.
 *  HIL_AGENT_PORTABLE_SAMPLES makes it 0 so that a test build runs those loops (they are right on
 *  any byte order; agent/fuzz/fuzz.mk builds the agent-small target so). */
static int little_endian(void)
{
#ifdef HIL_AGENT_PORTABLE_SAMPLES
    return 0;
#else
    const uint16_t one = 1u;
    uint8_t first;
    memcpy(&first, &one, 1u);
    return first == 1u;
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* Base64 (RFC 4648, standard alphabet, '=' padding).                                         */

static const char b64_alphabet[64] = {
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P',
    'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'a', 'b', 'c', 'd', 'e', 'f',
    'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v',
    'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '/'};

/** Value of each character (0..63), or X_ (bit 7 set) for a character outside the alphabet,
 *  '=' included (padding is handled by the caller). */
#define X_ 0x80u
static const uint8_t b64_dec[256] = {
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, 62, X_, X_, X_, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X_, X_, X_, X_, X_, X_,
    X_, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X_, X_, X_, X_, X_,
    X_, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
    X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
};
#undef X_

/* ------------------------------------------------------------------------------------------ */
/* Frame encoder: header + payload + CRC -> "@:" base64 "\n" into an output buffer that is     */
/* either big enough for the whole line (hil_frame_encode, responses) or flushed to a sink     */
/* whenever it fills (hil_agent_fault: a small stack buffer).                                 */

typedef void (*sink_fn)(void *ctx, const char *s, size_t n);

typedef struct {
    char *buf;
    size_t cap;   /* >= 4 */
    size_t n;     /* characters in buf */
    sink_fn sink; /* NULL: buf is sized for the whole line, never flushed */
    void *ctx;
} out_t;

/** Hand the buffered characters to the sink (nothing without a sink). */
static void out_flush(out_t *o)
{
    if (o->sink != NULL && o->n != 0u) {
        o->sink(o->ctx, o->buf, o->n);
        o->n = 0;
    }
}

/** Append n characters. */
static void out_chars(out_t *o, const char *s, size_t n)
{
    while (n > 0u) {
        size_t k = o->cap - o->n;
        if (k == 0u) {
            if (o->sink == NULL) return; /* cannot happen: the caller sized buf */
            out_flush(o);
            k = o->cap;
        }
        if (k > n) k = n;
        memcpy(o->buf + o->n, s, k);
        o->n += k;
        s += k;
        n -= k;
    }
}

/** Base64 of ng whole 3-byte groups of s into d (4 * ng characters), continuing the CRC
 *  register c over the bytes. The hot loop of every response: no branch in its body. */
static uint32_t b64_encode_crc(char *d, const uint8_t *s, size_t ng, uint32_t c)
{
    for (; ng > 0u; ng--) {
        const uint32_t b0 = s[0], b1 = s[1], b2 = s[2];
        c = CRC_STEP(c, b0);
        c = CRC_STEP(c, b1);
        c = CRC_STEP(c, b2);
        d[0] = b64_alphabet[b0 >> 2];
        d[1] = b64_alphabet[((b0 << 4) | (b1 >> 4)) & 0x3Fu];
        d[2] = b64_alphabet[((b1 << 2) | (b2 >> 6)) & 0x3Fu];
        d[3] = b64_alphabet[b2 & 0x3Fu];
        s += 3;
        d += 4;
    }
    return c;
}

/** Append ng whole groups of s, continuing the CRC register *c. */
static void out_groups(out_t *o, const uint8_t *s, size_t ng, uint32_t *c)
{
    while (ng > 0u) {
        size_t k = (o->cap - o->n) / 4u;
        if (k == 0u) {
            if (o->sink == NULL) return; /* cannot happen: the caller sized buf */
            out_flush(o);
            k = o->cap / 4u;
        }
        if (k > ng) k = ng;
        *c = b64_encode_crc(o->buf + o->n, s, k, *c);
        o->n += 4u * k;
        s += 3u * k;
        ng -= k;
    }
}

/** Append the base64 of n (<= 12) bytes with '=' padding (not CRC-covered here). */
static void out_tail(out_t *o, const uint8_t *s, size_t n)
{
    char t[16];
    const size_t whole = n / 3u;
    size_t m = 4u * whole;
    (void)b64_encode_crc(t, s, whole, 0u);
    s += 3u * whole;
    n -= 3u * whole;
    if (n != 0u) {
        const uint32_t b0 = s[0], b1 = n > 1u ? s[1] : 0u;
        t[m++] = b64_alphabet[b0 >> 2];
        t[m++] = b64_alphabet[((b0 << 4) | (b1 >> 4)) & 0x3Fu];
        t[m++] = n > 1u ? b64_alphabet[(b1 << 2) & 0x3Fu] : '=';
        t[m++] = '=';
    }
    out_chars(o, t, m);
}

/** Characters of the line of a frame with len payload bytes, newline included. */
static size_t line_chars(size_t len)
{
    return 2u + 4u * ((HIL_HEADER_SIZE + len + HIL_CRC_SIZE + 2u) / 3u) + 1u;
}

/** Encode one frame as a line into o and flush it. The stream header(8) payload(len) crc(4)
 *  is cut as: header + first payload byte (3 groups), the payload's whole groups straight from
 *  the caller's memory, then the last 0..2 payload bytes with the CRC (or, for an empty payload,
 *  the header with the CRC) staged with the padding. */
static void enc_frame(out_t *o, uint8_t ver, uint8_t type, uint16_t seq, uint16_t tx,
                      const uint8_t *p, uint16_t len)
{
    uint8_t st[HIL_HEADER_SIZE + HIL_CRC_SIZE];
    uint32_t c = 0xFFFFFFFFu;
    const size_t first = len != 0u ? 1u : 0u; /* payload bytes that go with the header */
    size_t ns = 0, rest = 0, i;
    st[0] = ver;
    st[1] = type;
    put_u16(st + 2, seq);
    put_u16(st + 4, tx);
    put_u16(st + 6, len);
    out_chars(o, "@:", 2u);
    if (first != 0u) {
        st[8] = p[0];
        out_groups(o, st, 3u, &c);
    } else {
        c = crc_update(c, st, HIL_HEADER_SIZE);
        ns = HIL_HEADER_SIZE;
    }
    if (len != 0u) { /* (p may be NULL for an empty payload) */
        const size_t mid = ((size_t)len - first) / 3u;
        out_groups(o, p + first, mid, &c);
        rest = (size_t)len - first - 3u * mid;
        for (i = 0; i < rest; i++) st[ns + i] = p[first + 3u * mid + i];
        c = crc_update(c, st + ns, rest);
    }
    ns += rest;
    put_u32(st + ns, ~c);
    out_tail(o, st, ns + HIL_CRC_SIZE);
    out_chars(o, "\n", 1u);
    out_flush(o);
}

/** Sink writing to the link. */
static void port_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    hil_port_write((const uint8_t *)s, n);
}

/** See hil_agent.h. */
size_t hil_frame_encode(const hil_header_t *h, const uint8_t *payload, char *out, size_t cap)
{
    out_t o;
    size_t need;
    if (h->len > HIL_PAYLOAD_HARD_LIMIT || (h->len != 0u && payload == NULL)) return 0;
    need = line_chars(h->len);
    if (need > cap) return 0;
    o.buf = out;
    o.cap = need;
    o.n = 0;
    o.sink = NULL;
    o.ctx = NULL;
    enc_frame(&o, h->ver, h->type, h->seq, h->tx, payload, h->len);
    return o.n;
}

/** Write the framing v2 delimiter, 0x00, alone: it ends whatever unit came before. */
static void write_delimiter(void)
{
    static const uint8_t delimiter = 0u;
    hil_port_write(&delimiter, 1u);
}

/** Send one frame to the link in `framing`: encoded into the agent's line buffer, one
 *  hil_port_write (the buffer holds any response; a longer v1 frame is written in buffer-sized
 *  pieces). */
static void send_frame(hil_agent_t *a, uint8_t framing, uint8_t type, uint16_t seq, uint16_t tx,
                       const uint8_t *payload, uint16_t len)
{
    out_t o;
    if (framing == HIL_FRAMING_V2) {
        hil_v2_writer_t w;
        size_t n;
        hil_v2_begin(&w, (uint8_t *)a->tx, NULL, type, seq, tx);
        hil_v2_bytes(&w, payload, len);
        n = hil_v2_end(&w);
        hil_port_write((const uint8_t *)a->tx, n);
        return;
    }
    o.buf = a->tx;
    o.cap = sizeof a->tx;
    o.n = 0;
    o.sink = port_sink;
    o.ctx = NULL;
    enc_frame(&o, (uint8_t)HIL_PROTO_VERSION, type, seq, tx, payload, len);
    if (a->framing == HIL_FRAMING_V2) {
        /* a v1 line (the answer to a v1 request) while speaking v2: a delimiter after it tells
         * the host that v2 frames follow again (PROTOCOL.md 8.2) */
        write_delimiter();
    }
}

/** Framing of the device's own messages (LOG, FAULT), for hil_agent_log and hil_agent_fault,
 *  which take no agent: one agent per image. */
static uint8_t s_framing = HIL_FRAMING_V1;

/* ------------------------------------------------------------------------------------------ */
/* Frame decoder.                                                                             */

/** Base64 of ng whole groups (4 * ng characters of s, no padding) into d (3 * ng bytes),
 *  continuing the CRC register c. Characters outside the alphabet set bit 7 of *bad (their
 *  bytes are garbage). The hot loop of every request: no branch in its body. */
static uint32_t b64_decode_crc(uint8_t *d, const unsigned char *s, size_t ng, uint32_t c,
                               uint32_t *bad)
{
    uint32_t acc = 0;
    for (; ng > 0u; ng--) {
        const uint32_t v0 = b64_dec[s[0]], v1 = b64_dec[s[1]], v2 = b64_dec[s[2]],
                       v3 = b64_dec[s[3]];
        const uint32_t v = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
        const uint32_t b0 = (v >> 16) & 0xFFu, b1 = (v >> 8) & 0xFFu, b2 = v & 0xFFu;
        acc |= v0 | v1 | v2 | v3;
        d[0] = (uint8_t)b0;
        d[1] = (uint8_t)b1;
        d[2] = (uint8_t)b2;
        c = CRC_STEP(c, b0);
        c = CRC_STEP(c, b1);
        c = CRC_STEP(c, b2);
        s += 4;
        d += 3;
    }
    *bad |= acc;
    return c;
}

/** Decoding state of hil_frame_decode. */
typedef struct {
    uint8_t hdr[HIL_HEADER_SIZE];
    uint8_t crcb[HIL_CRC_SIZE];
    uint8_t *payload;
    size_t cap;
    size_t plen;  /* payload bytes the line's size implies */
    uint32_t crc; /* running register over header and payload */
} dec_t;

/** Decode group g (characters s[0..3]) byte by byte: any group holding header or CRC bytes,
 *  padding, or payload bytes beyond the capacity. last: the final group, with pad '='
 *  characters. Returns -1 for an invalid character. */
static int dec_group_slow(dec_t *d, const unsigned char *s, size_t g, int last, size_t pad)
{
    uint32_t v = 0;
    size_t j, nbytes = last ? 3u - pad : 3u;
    for (j = 0; j < 4u; j++) {
        uint32_t x = b64_dec[s[j]];
        if (x & 0x80u) {
            /* '=' only as the trailing padding counted by the caller */
            if (s[j] != '=' || !last || j < 4u - pad) return -1;
            x = 0;
        }
        v = (v << 6) | x;
    }
    for (j = 0; j < nbytes; j++) {
        const size_t pos = 3u * g + j;
        const uint8_t b = (uint8_t)((v >> (16u - 8u * j)) & 0xFFu);
        if (pos < HIL_HEADER_SIZE) {
            d->hdr[pos] = b;
        } else if (pos - HIL_HEADER_SIZE < d->plen) {
            if (pos - HIL_HEADER_SIZE < d->cap) d->payload[pos - HIL_HEADER_SIZE] = b;
        } else {
            d->crcb[pos - HIL_HEADER_SIZE - d->plen] = b;
            continue;
        }
        d->crc = CRC_STEP(d->crc, b);
    }
    return 0;
}

int hil_frame_decode(const char *line, size_t n, hil_header_t *h, uint8_t *payload, size_t cap)
{
    dec_t d;
    const unsigned char *s;
    size_t nb, pad = 0, total, ng, g, fast_end, stored;
    uint32_t bad = 0;
    uint16_t len;

    if (n < 2u || line[0] != MARKER0 || line[1] != MARKER1) return HIL_NAK_CRC;
    s = (const unsigned char *)line + 2;
    nb = n - 2u;
    if (nb == 0u || nb % 4u != 0u) return HIL_NAK_CRC;
    if (s[nb - 1u] == '=') pad = s[nb - 2u] == '=' ? 2u : 1u;
    total = nb / 4u * 3u - pad;
    if (total < HIL_HEADER_SIZE + HIL_CRC_SIZE) return HIL_NAK_CRC;

    for (g = 0; g < HIL_HEADER_SIZE; g++) d.hdr[g] = 0; /* all written below (total >= 12), */
    for (g = 0; g < HIL_CRC_SIZE; g++) d.crcb[g] = 0;   /* but the compiler cannot tell */
    d.payload = payload;
    d.cap = cap;
    d.plen = total - HIL_HEADER_SIZE - HIL_CRC_SIZE;
    d.crc = 0xFFFFFFFFu;
    ng = nb / 4u;
    /* groups 3 .. fast_end-1 hold only stored payload bytes (bytes 9 ..) and are not the last
     * group: decoded straight into the payload */
    stored = d.plen < cap ? d.plen : cap;
    fast_end = (HIL_HEADER_SIZE + stored) / 3u;
    if (fast_end > ng - 1u) fast_end = ng - 1u;
    for (g = 0; g < ng;) {
        if (g >= 3u && g < fast_end) {
            d.crc = b64_decode_crc(payload + (3u * g - HIL_HEADER_SIZE), s + 4u * g, fast_end - g,
                                   d.crc, &bad);
            g = fast_end;
        } else {
            if (dec_group_slow(&d, s + 4u * g, g, g + 1u == ng, pad) != 0) return HIL_NAK_CRC;
            g++;
        }
    }
    len = get_u16(d.hdr + 6);
    if ((bad & 0x80u) != 0u || (size_t)len != d.plen || ~d.crc != get_u32(d.crcb)) {
        return HIL_NAK_CRC;
    }
    h->ver = d.hdr[0];
    h->type = d.hdr[1];
    h->seq = get_u16(d.hdr + 2);
    h->tx = get_u16(d.hdr + 4);
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

/** The model's stage table if it is usable (1 .. HIL_MAX_STAGES stages and a probe setter). */
static const hil_model_stages_t *stages_of(const hil_model_t *m)
{
    const hil_model_stages_t *sg = m->stages;
    if (sg == NULL || sg->n == 0u || sg->n > HIL_MAX_STAGES || sg->names == NULL || sg->set_probe == NULL)
        return NULL;
    return sg;
}

/** The model's tap of `stage` if it has a valid one (PROTOCOL.md 4.5); 0 if not. Its data
 *  pointer is only meaningful inside the probe. */
static int tap_of(const hil_agent_t *a, uint8_t stage, hil_tap_t *t)
{
    const hil_model_stages_t *sg = stages_of(a->model);
    if (sg == NULL || sg->tap == NULL || stage >= sg->n) return 0;
    if (!sg->tap(a->state, stage, t)) return 0;
    return t->count > 0u && (t->type == HIL_TAP_I16 || t->type == HIL_TAP_I32 || t->type == HIL_TAP_I64);
}

/** Element i of a tap as little-endian bytes into le[t->type]. */
static void tap_elem_le(const hil_tap_t *t, size_t i, uint8_t *le)
{
    uint64_t v;
    unsigned k;
    if (t->type == HIL_TAP_I16) v = (uint64_t)(uint16_t)((const int16_t *)t->data)[i];
    else if (t->type == HIL_TAP_I32) v = (uint64_t)(uint32_t)((const int32_t *)t->data)[i];
    else v = (uint64_t)((const int64_t *)t->data)[i];
    for (k = 0; k < t->type; k++) le[k] = (uint8_t)(v >> (8u * k));
}

/** CRC-32 of a tap's elements as little-endian bytes (the same on every target). */
static uint32_t tap_digest(const hil_tap_t *t)
{
    const size_t bytes = (size_t)t->count * t->type;
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    if (little_endian()) return ~crc_update(c, (const uint8_t *)t->data, bytes);
    for (i = 0; i < t->count; i++) {
        uint8_t le[8];
        tap_elem_le(t, i, le);
        c = crc_update(c, le, t->type);
    }
    return ~c;
}

/**
 * The stage probe: the counter delta since the end of the previous stage (PROFILE), then the
 * stage's tap digest or capture (TAP). The counter is read first, so a profile's counts exclude
 * the tap work of the stage that just ended but include that of the stages before it: counts
 * taken with taps on are not the model's.
 */
static void stage_probe(void *ctx, uint8_t stage)
{
    hil_agent_t *a = (hil_agent_t *)ctx;
    const uint64_t now = hil_port_counter();
    const uint64_t d = now - a->stage_last;
    hil_tap_t t;
    if (stage < HIL_MAX_STAGES) a->stage_cnt[stage] = d > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)d;
    a->stage_last = now;
    if (a->tap_mode == HIL_TAP_OFF || stage >= HIL_MAX_STAGES) return;
    if (a->tap_mode == HIL_TAP_DIGESTS) {
        a->tap_digest[stage] = tap_of(a, stage, &t) && t.data != NULL ? tap_digest(&t) : 0u;
        return;
    }
#if HIL_AGENT_TAP_BYTES > 0
    if (stage == a->tap_stage && tap_of(a, stage, &t) && t.data != NULL &&
        (size_t)t.count * t.type <= HIL_AGENT_TAP_BYTES) {
        size_t i;
        if (little_endian()) memcpy(a->tap_buf.b, t.data, (size_t)t.count * t.type);
        else for (i = 0; i < t.count; i++) tap_elem_le(&t, i, a->tap_buf.b + i * t.type);
        a->tap_type = t.type;
        a->tap_count = t.count;
        a->tap_have = 1u;
    }
#endif
}

/** Install the probe while profiling or tapping, remove it when neither is on. */
static void update_probe(hil_agent_t *a)
{
    const hil_model_stages_t *sg = stages_of(a->model);
    if (sg == NULL) return;
    sg->set_probe(a->state, (a->profiling || a->tap_mode != HIL_TAP_OFF) ? stage_probe : NULL, a);
}

/** PROFILE: u8 enable; install or remove the stage probe. */
static void exec_profile(hil_agent_t *a, hil_agent_slot_t *slot, uint16_t len)
{
    const hil_model_stages_t *sg = stages_of(a->model);
    if (len != 1u || a->rx.b[0] > 1u) {
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "PROFILE payload must be 1 byte, 0 or 1");
        return;
    }
    if (sg == NULL) {
        slot_error(a, slot, HIL_ERR_UNSUPPORTED, "model declares no stages");
        return;
    }
    a->profiling = a->rx.b[0];
    update_probe(a);
    slot->type = HIL_MSG_OK;
    slot->len = 0;
}

/** TAP READ: up to one slot of the captured tap from a byte offset, as TAP_DATA. */
static void tap_read(hil_agent_t *a, hil_agent_slot_t *slot, uint16_t len)
{
#if HIL_AGENT_TAP_BYTES > 0
    /* the data chunk: what fits in a slot after the 6-byte header, in whole 8-byte groups */
    const size_t chunk = ((HIL_AGENT_SLOT_SIZE - 6u) / 8u) * 8u;
    size_t total, offset, n;
    if (len != 4u) {
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "TAP READ payload must be 4 bytes");
        return;
    }
    if (a->tap_mode != HIL_TAP_CAPTURE || !a->tap_have) {
        slot_error(a, slot, HIL_ERR_UNSUPPORTED, "no tap captured (TAP CAPTURE, then PROCESS)");
        return;
    }
    total = (size_t)a->tap_count * a->tap_type;
    offset = get_u16(a->rx.b + 2);
    if (offset > total) {
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "TAP READ offset beyond the captured tap");
        return;
    }
    n = total - offset < chunk ? total - offset : chunk;
    slot->payload.b[0] = a->tap_stage;
    slot->payload.b[1] = a->tap_type;
    put_u16(slot->payload.b + 2, a->tap_count);
    put_u16(slot->payload.b + 4, (uint16_t)offset);
    memcpy(slot->payload.b + 6, a->tap_buf.b + offset, n);
    slot->type = HIL_MSG_TAP_DATA;
    slot->len = (uint16_t)(6u + n);
#else
    (void)len;
    slot_error(a, slot, HIL_ERR_UNSUPPORTED, "this build has no tap capture buffer");
#endif
}

/** TAP: u8 op [, u8 stage | u8 0, u16 offset] (PROTOCOL.md 4.5). */
static void exec_tap(hil_agent_t *a, hil_agent_slot_t *slot, uint16_t len)
{
    const hil_model_stages_t *sg = stages_of(a->model);
    const uint8_t op = len > 0u ? a->rx.b[0] : 0xFFu;
    hil_tap_t t;
    if (sg == NULL || sg->tap == NULL) {
        slot_error(a, slot, HIL_ERR_UNSUPPORTED, "model has no stage taps");
        return;
    }
    if (op == HIL_TAP_READ) {
        tap_read(a, slot, len);
        return;
    }
    if (!((op <= HIL_TAP_DIGESTS && len == 1u) || (op == HIL_TAP_CAPTURE && len == 2u))) {
        slot_error(a, slot, HIL_ERR_BAD_PAYLOAD, "TAP payload must be: 0 | 1 | 2 stage | 3 0 offset");
        return;
    }
    if (op == HIL_TAP_CAPTURE) {
        if (!tap_of(a, a->rx.b[1], &t)) {
            slot_error(a, slot, HIL_ERR_UNSUPPORTED, "that stage has no tap");
            return;
        }
        if ((size_t)t.count * t.type > HIL_AGENT_TAP_BYTES) {
            slot_error(a, slot, HIL_ERR_UNSUPPORTED, "the tap exceeds the capture buffer (HIL_AGENT_TAP_BYTES)");
            return;
        }
        a->tap_stage = a->rx.b[1];
    }
    a->tap_mode = op;
    a->tap_have = 0u;
    update_probe(a);
    slot->type = HIL_MSG_OK;
    slot->len = 0;
}

/** HELLO: the INFO key/value text, keys in PROTOCOL.md 4.1 order; `framing` is the framing in
 *  force after this HELLO (PROTOCOL.md 8.1). */
static void exec_info(hil_agent_t *a, hil_agent_slot_t *slot, uint8_t framing)
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
    kv_str(&t, "framings", "1,2");
    kv_u64(&t, "framing", framing);
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
    if (stages_of(m) != NULL) {
        const hil_model_stages_t *sg = m->stages;
        uint8_t k;
        t_str(&t, "stages=");
        for (k = 0; k < sg->n; k++) {
            if (k > 0u) t_char(&t, ',');
            t_str(&t, sg->names[k]);
        }
        t_char(&t, '\n');
        if (sg->tap != NULL) {
            t_str(&t, "taps=");
            for (k = 0; k < sg->n; k++) {
                hil_tap_t tp;
                if (k > 0u) t_char(&t, ',');
                if (tap_of(a, k, &tp)) {
                    t_char(&t, 'i');
                    t_u64(&t, 8u * tp.type);
                    t_char(&t, 'x');
                    t_u64(&t, tp.count);
                } else {
                    t_char(&t, '-');
                }
            }
            t_char(&t, '\n');
        }
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
    uint64_t c0, c1, delta;
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
    /* little-endian bytes -> int16, in place (each sample's bytes are read before written);
     * nothing to do where int16 is little-endian in memory */
    if (!little_endian()) {
        for (i = 0; i < hop; i++) a->rx.s[i] = u16_to_i16(get_u16(a->rx.b + 2u * i));
    }

    if (a->profiling) {
        for (i = 0; i < HIL_MAX_STAGES; i++) a->stage_cnt[i] = 0;
    }
    if (a->tap_mode == HIL_TAP_DIGESTS) {
        for (i = 0; i < HIL_MAX_STAGES; i++) a->tap_digest[i] = 0;
    }
    c0 = hil_port_counter();
    a->stage_last = c0;
    st = m->process(a->state, a->rx.s, out);
    c1 = hil_port_counter();
    delta = c1 - c0;

    if (st != HIL_MODEL_OK) {
        slot_error(a, slot, HIL_ERR_MODEL, "model failed to process the frame");
        return;
    }
    a->stats.frames++;
    put_u32(slot->payload.b, (uint32_t)(delta & 0xFFFFFFFFu));
    put_u32(slot->payload.b + 4,
            (delta > 0xFFFFFFFFu ? HIL_RESULT_COUNT_OVERFLOW : 0u) |
                (a->profiling ? HIL_RESULT_STAGES | ((uint32_t)a->model->stages->n << 8) : 0u) |
                (a->tap_mode == HIL_TAP_DIGESTS
                     ? HIL_RESULT_DIGESTS | ((uint32_t)a->model->stages->n << 16)
                     : 0u));
    /* int16 -> little-endian bytes, in place (nothing to do on a little-endian target) */
    if (!little_endian()) {
        for (i = 0; i < hop; i++) {
            const int16_t v = out[i];
            put_u16(slot->payload.b + 8u + 2u * i, (uint16_t)(v < 0 ? (int32_t)v + 65536 : v));
        }
    }
    slot->type = HIL_MSG_RESULT;
    slot->len = (uint16_t)(8u + 2u * hop);
    if (a->profiling) {
        /* the tail after the last probe (the model's return) belongs to the last stage, so the
         * stage counts add up to `cycles` exactly */
        const uint8_t n = a->model->stages->n;
        uint8_t *p = slot->payload.b + slot->len;
        const uint64_t tail = c1 - a->stage_last + a->stage_cnt[n - 1u];
        a->stage_cnt[n - 1u] = tail > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)tail;
        for (i = 0; i < n; i++) put_u32(p + 4u * i, a->stage_cnt[i]);
        slot->len = (uint16_t)(slot->len + 4u * n);
    }
    if (a->tap_mode == HIL_TAP_DIGESTS) {
        const uint8_t n = a->model->stages->n;
        uint8_t *p = slot->payload.b + slot->len;
        for (i = 0; i < n; i++) put_u32(p + 4u * i, a->tap_digest[i]);
        slot->len = (uint16_t)(slot->len + 4u * n);
    }
}

/** Receive and send in `framing` from now on. The answer that switched to v2 went out in
 *  `answered_in`; after a v1 line the host needs a delimiter to know where the first v2 frame
 *  begins (PROTOCOL.md 8.2). */
static void set_framing(hil_agent_t *a, uint8_t framing, uint8_t answered_in)
{
    a->framing = framing;
    a->unit = 0u;
    s_framing = framing;
    if (framing == HIL_FRAMING_V2 && answered_in != HIL_FRAMING_V2) write_delimiter();
}

/** Execute request (type, seq, tx, payload in a->rx) and record its response in the history. */
static void execute(hil_agent_t *a, const hil_header_t *h)
{
    hil_agent_slot_t *slot = &a->hist[a->hist_next];
    uint8_t switch_to = 0u; /* HELLO: the framing from now on */
    slot->valid = 0;
    switch (h->type) {
    case HIL_MSG_HELLO: /* payload: optional u8 framing (PROTOCOL.md 8.1), more is ignored
                         * (forward compatible); a new session starts unprofiled and untapped */
        switch_to = (h->len >= 1u && a->rx.b[0] == HIL_FRAMING_V2) ? HIL_FRAMING_V2 : HIL_FRAMING_V1;
        if (a->profiling || a->tap_mode != HIL_TAP_OFF) {
            a->profiling = 0;
            a->tap_mode = HIL_TAP_OFF;
            a->tap_have = 0u;
            a->model->stages->set_probe(a->state, NULL, NULL);
        }
        exec_info(a, slot, switch_to);
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
    case HIL_MSG_PROFILE:
        exec_profile(a, slot, h->len);
        break;
    case HIL_MSG_TAP:
        exec_tap(a, slot, h->len);
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
    /* back to v1: before the answer, so that no delimiter follows it; to v2: after it */
    if (switch_to == HIL_FRAMING_V1) set_framing(a, switch_to, h->ver);
    send_frame(a, h->ver, slot->type, slot->seq, h->tx, slot->payload.b, slot->len);
    if (switch_to == HIL_FRAMING_V2) set_framing(a, switch_to, h->ver);
}

/** Send a NAK (nothing executed, nothing stored). */
static void send_nak(hil_agent_t *a, uint8_t framing, uint16_t seq, uint16_t tx,
                     uint16_t expected, uint8_t reason)
{
    uint8_t p[3];
    put_u16(p, expected);
    p[2] = reason;
    send_frame(a, framing, HIL_MSG_NAK, seq, tx, p, sizeof p);
}

/** Forget every stored response (HELLO). */
static void clear_history(hil_agent_t *a)
{
    unsigned i;
    for (i = 0; i < HIL_AGENT_HISTORY; i++) a->hist[i].valid = 0;
    a->hist_next = 0;
}

/** Act on a decoded request (r: the decoder's result, h: its header, framing: h->ver, the
 *  framing it came in and its answer goes out in). */
static void handle_request(hil_agent_t *a, int r, const hil_header_t *h, uint8_t framing)
{
    uint16_t behind;
    unsigned i;
    if (r == HIL_NAK_CRC) {
        a->stats.crc_errors++;
        send_nak(a, framing, a->expected, a->last_tx, a->expected, HIL_NAK_CRC);
        return;
    }
    if (r == HIL_NAK_BAD_VERSION) {
        a->stats.errors++;
        send_nak(a, framing, a->expected, a->last_tx, a->expected, HIL_NAK_BAD_VERSION);
        return;
    }
    if (h->type >= 0x80u) return; /* not a request (e.g. an echo of our own output): ignored */
    a->last_tx = h->tx;
    if (r == HIL_NAK_BAD_LENGTH) {
        a->stats.errors++;
        send_nak(a, framing, h->seq, h->tx, a->expected, HIL_NAK_BAD_LENGTH);
        return;
    }
    if (h->type == HIL_MSG_HELLO) { /* executed whatever its seq; re-synchronises */
        clear_history(a);
        a->expected = h->seq;
    }
    if (h->seq == a->expected) {
        execute(a, h);
        return;
    }
    behind = (uint16_t)(a->expected - h->seq);
    if (behind <= HIL_AGENT_HISTORY) {
        for (i = 0; i < HIL_AGENT_HISTORY; i++) {
            const hil_agent_slot_t *s = &a->hist[i];
            if (s->valid && s->seq == h->seq) {
                a->stats.history_resends++;
                send_frame(a, framing, s->type, s->seq, h->tx, s->payload.b, s->len);
                return;
            }
        }
    }
    a->stats.gap_naks++;
    send_nak(a, framing, h->seq, h->tx, a->expected, HIL_NAK_GAP);
}

/** Handle one complete line (newline and trailing '\r' removed, length <= line limit). */
static void handle_line(hil_agent_t *a, const char *line, size_t n)
{
    hil_header_t h;
    int r;
    a->stats.rx_lines++;
    if (n < 2u || line[0] != MARKER0 || line[1] != MARKER1) {
        a->stats.rx_log_lines++;
        return;
    }
    r = hil_frame_decode(line, n, &h, a->rx.b, HIL_AGENT_MAX_PAYLOAD);
    handle_request(a, r, &h, HIL_FRAMING_V1);
}

/** Handle one complete framing v2 frame (its COBS bytes, the delimiter removed). */
static void handle_frame2(hil_agent_t *a, const uint8_t *enc, size_t n)
{
    hil_header_t h;
    int r;
    a->stats.rx_lines++;
    r = hil_frame2_decode_unit(enc, n, a->expected, HIL_MSG_PROCESS, &h, a->rx.b,
                               HIL_AGENT_MAX_PAYLOAD);
    handle_request(a, r, &h, HIL_FRAMING_V2);
}

/** A line went over the limit: count it and NAK it if it is a protocol line (line: its first
 *  characters, at least two). */
static void line_too_long(hil_agent_t *a, const char *line)
{
    a->stats.too_long++;
    if (line[0] == MARKER0 && line[1] == MARKER1) {
        send_nak(a, HIL_FRAMING_V1, a->expected, a->last_tx, a->expected, HIL_NAK_TOO_LONG);
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
    agent->framing = HIL_FRAMING_V1;
    s_framing = HIL_FRAMING_V1;
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
    t.buf = buf;
    t.cap = sizeof buf;
    t.len = 0;
    kv_str(&t, "fw", id->fw_name);
    kv_str(&t, "build", id->build_id);
    kv_str(&t, "reason", reason);
    set_framing(agent, HIL_FRAMING_V1, HIL_FRAMING_V1); /* after a reset: v1 until asked */
    /* "\n" then 0x00 end whatever a reset cut in half, in both framings: a v1 host skips the
     * empty line and the NUL before the marker, a v2 host ends the unit at the 0x00 and takes the
     * BOOT line that follows as v1 (PROTOCOL.md 8.1) */
    static const uint8_t resync[2] = {(uint8_t)'\n', 0u};
    hil_port_write(resync, sizeof resync);
    send_frame(agent, HIL_FRAMING_V1, HIL_MSG_BOOT, 0, 0, buf, (uint16_t)t.len);
}

/** A complete line (without its newline) of n characters: strip a trailing '\r', refuse it
 *  when over the limit, else handle it. line is the agent's line buffer or the caller's bytes. */
static void line_done(hil_agent_t *a, const char *line, size_t n)
{
    if (n > 0u && line[n - 1u] == '\r') n--;
    if (n > HIL_AGENT_LINE_MAX) {
        a->stats.rx_lines++;
        line_too_long(a, line);
    } else {
        handle_line(a, line, n);
    }
}

/* Units of the received stream (PROTOCOL.md 8.2). In framing v1 every unit is a line. In v2 a
 * unit that starts with the marker "@:" is a v1 line (a HELLO that re-synchronises), any other
 * is a v2 frame, up to its 0x00 delimiter. */
enum { UNIT_START = 0, UNIT_LINE = 1, UNIT_FRAME = 2 };

/** A complete v2 unit of n bytes (delimiter removed): a frame, or empty (ignored). */
static void frame_done(hil_agent_t *a, const uint8_t *enc, size_t n)
{
    if (n == 0u) return;
    if (n > HIL_AGENT_V2_UNIT_MAX) {
        a->stats.rx_lines++;
        a->stats.too_long++;
        send_nak(a, HIL_FRAMING_V2, a->expected, a->last_tx, a->expected, HIL_NAK_TOO_LONG);
        return;
    }
    handle_frame2(a, enc, n);
}

/** Framing v2: which unit begins with bytes[0] (and bytes[1] if n > 1, else the byte kept in
 *  agent->line)? Sets agent->unit, or leaves it at UNIT_START when one more byte is needed. */
static void classify_unit(hil_agent_t *a, const uint8_t *bytes, size_t n)
{
    if (a->line_len == 1u) { /* an '@' kept from the previous call */
        a->unit = bytes[0] == (uint8_t)MARKER1 ? UNIT_LINE : UNIT_FRAME;
    } else if (bytes[0] != (uint8_t)MARKER0) {
        a->unit = UNIT_FRAME;
    } else if (n >= 2u) {
        a->unit = bytes[1] == (uint8_t)MARKER1 ? UNIT_LINE : UNIT_FRAME;
    } else {
        a->line[0] = (char)bytes[0];
        a->line_len = 1u;
    }
}

/** See hil_agent.h. Units over the limit (HIL_AGENT_LINE_MAX for lines) are discarded up to
 *  their terminator. A unit that lies whole in `bytes` is handled where it is; the start of a
 *  unit split across calls is kept in agent->line (at most sizeof agent->line bytes). */
void hil_agent_feed(hil_agent_t *agent, const uint8_t *bytes, size_t n)
{
    hil_agent_t *a = agent;
    while (n > 0u) {
        const uint8_t *end;
        size_t seg, room;
        uint8_t term;
        if (a->framing != HIL_FRAMING_V2) {
            a->unit = UNIT_LINE;
        } else if (a->unit == UNIT_START) {
            if (a->line_len == 0u && bytes[0] == 0u) { /* an empty unit: a lone delimiter */
                bytes++;
                n--;
                continue;
            }
            classify_unit(a, bytes, n);
            if (a->unit == UNIT_START) return; /* the '@' is kept; the next byte decides */
        }
        term = a->unit == UNIT_LINE ? (uint8_t)'\n' : 0u;
        end = (const uint8_t *)memchr(bytes, term, n);
        seg = end != NULL ? (size_t)(end - bytes) : n; /* bytes before the terminator */
        room = sizeof a->line - a->line_len;
        if (a->discarding) {
            if (end == NULL) return; /* all of it belongs to the overlong unit */
            a->discarding = 0;
            a->stats.rx_lines++;
            a->line_len = 0;
        } else if (seg > room) {
            /* the unit outgrows the buffer at byte room + 1: keep the start (for the marker
             * test), refuse it, drop the rest up to its terminator */
            memcpy(a->line + a->line_len, bytes, room);
            a->line_len = sizeof a->line;
            a->discarding = 1;
            if (a->unit == UNIT_LINE) {
                line_too_long(a, a->line);
            } else {
                a->stats.too_long++;
                send_nak(a, HIL_FRAMING_V2, a->expected, a->last_tx, a->expected, HIL_NAK_TOO_LONG);
            }
            bytes += room;
            n -= room;
            continue;
        } else if (end == NULL) {
            memcpy(a->line + a->line_len, bytes, seg); /* the start of a unit */
            a->line_len += seg;
            return;
        } else if (a->line_len == 0u) {
            if (a->unit == UNIT_LINE) {
                line_done(a, (const char *)bytes, seg); /* a whole unit: no copy */
            } else {
                frame_done(a, bytes, seg);
            }
        } else {
            memcpy(a->line + a->line_len, bytes, seg);
            if (a->unit == UNIT_LINE) {
                line_done(a, a->line, a->line_len + seg);
            } else {
                frame_done(a, (const uint8_t *)a->line, a->line_len + seg);
            }
            a->line_len = 0;
        }
        a->unit = UNIT_START;
        bytes += seg + 1u;
        n -= seg + 1u;
    }
}

/** Sink of the v2 writer for the device's own messages. */
static void port_bytes(const uint8_t *bytes, size_t n)
{
    hil_port_write(bytes, n);
}

/** Send a device-initiated message (LOG, FAULT) in framing v2: a 256-byte stack buffer. */
static void send_own_v2(uint8_t type, const uint8_t *payload, size_t n)
{
    uint8_t buf[256];
    hil_v2_writer_t w;
    hil_v2_begin(&w, buf, port_bytes, type, 0u, 0u);
    hil_v2_bytes(&w, payload, n);
    (void)hil_v2_end(&w);
}

/** See hil_agent.h. */
void hil_agent_log(const char *text)
{
    char buf[64];
    size_t n = 0;
    if (text == NULL) text = "";
    if (s_framing == HIL_FRAMING_V2) { /* a LOG frame: the text as it is, at most 1024 bytes */
        while (text[n] != '\0' && n < 1024u) n++;
        send_own_v2(HIL_MSG_LOG, (const uint8_t *)text, n);
        return;
    }
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
    char chunk[FAULT_CHUNK];
    out_t o;
    size_t n = 0;
    if (kv == NULL) kv = "";
    while (kv[n] != '\0' && n < HIL_PAYLOAD_HARD_LIMIT) n++;
    /* a fault may have cut a line or frame in half: end it first (PROTOCOL.md 8.2) */
    if (s_framing == HIL_FRAMING_V2) {
        write_delimiter();
        send_own_v2(HIL_MSG_FAULT, (const uint8_t *)kv, n);
        return;
    }
    hil_port_write((const uint8_t *)"\n", 1u);
    o.buf = chunk;
    o.cap = sizeof chunk;
    o.n = 0;
    o.sink = port_sink;
    o.ctx = NULL;
    enc_frame(&o, (uint8_t)HIL_PROTO_VERSION, HIL_MSG_FAULT, 0, 0, (const uint8_t *)kv,
              (uint16_t)n);
}

/** See hil_agent.h. */
const hil_agent_stats_t *hil_agent_stats(const hil_agent_t *agent)
{
    return &agent->stats;
}
