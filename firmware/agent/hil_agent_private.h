/**
 * @file hil_agent_private.h
 * @brief The layout of struct hil_agent. Included by hil_agent.h only so that callers can own the
 *        storage (no malloc); the fields are private to hil_agent.c.
 *
 * Memory (defaults: max payload 1024, max hop 512, history 8, text 1024): about 12 KiB, dominated
 * by the response history (HIL_AGENT_HISTORY slots of HIL_AGENT_SLOT_SIZE bytes), then the
 * receive line, the request payload and the response line buffers (1.4 KiB each).
 */
#ifndef HIL_AGENT_PRIVATE_H
#define HIL_AGENT_PRIVATE_H

#ifndef HIL_AGENT_H
#error "include hil_agent.h, not hil_agent_private.h"
#endif

#ifndef HIL_AGENT_TEXT_MAX
#define HIL_AGENT_TEXT_MAX 1024u /**< largest key/value text response (INFO, STATS_REPLY) */
#endif

#ifndef HIL_AGENT_TAP_BYTES
/** Capture buffer of TAP CAPTURE (PROTOCOL.md 4.5): the largest stage tap that can be read back
 *  element by element (model S's largest: 514 x i32 = 2056 B). 0 leaves capture out; digests
 *  need no buffer. */
#define HIL_AGENT_TAP_BYTES 2304u
#endif

/* Internal to the agent's two files (hil_agent.c, hil_frame2.c): the CRC-32 table and step. */
extern const uint32_t hil_crc_table[256];
/** One byte into a running (non-inverted) CRC register. */
#define HIL_CRC_STEP(c, b) (hil_crc_table[((c) ^ (uint32_t)(b)) & 0xFFu] ^ ((c) >> 8))

/** Framing v2 frame writer (hil_frame2.c): CRC-32 and COBS as the bytes come. With a sink, each
 *  finished COBS block is handed to it at once, so `buf` needs only 256 bytes; without, `buf`
 *  holds the whole frame (HIL_V2_COBS_MAX(3 + len + 4) + 1 bytes). */
typedef struct {
    uint8_t *buf;
    size_t w;        /**< bytes in buf */
    size_t code_at;  /**< index of the open block's code byte */
    uint8_t code;    /**< the open block's code so far (1 + its bytes) */
    uint32_t crc;    /**< running (non-inverted) CRC register */
    void (*sink)(const uint8_t *bytes, size_t n);
} hil_v2_writer_t;

/** Start a frame: header of `type` (2 bytes for PROCESS/RESULT, 3 for the others). */
void hil_v2_begin(hil_v2_writer_t *w, uint8_t *buf, void (*sink)(const uint8_t *bytes, size_t n),
                  uint8_t type, uint16_t seq, uint16_t tx);
/** Append payload bytes. */
void hil_v2_bytes(hil_v2_writer_t *w, const uint8_t *p, size_t n);
/** Append the CRC and the delimiter; returns the bytes left in buf (all of them without a sink,
 *  0 with one: the sink got everything). */
size_t hil_v2_end(hil_v2_writer_t *w);

/** hil_frame2_decode for a unit split at 0x00 (so it holds none): the same result, without the
 *  scan for a 0x00 inside a block. */
int hil_frame2_decode_unit(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                           hil_header_t *h, uint8_t *payload, size_t cap);

/** Largest framing v2 unit the agent receives (PROTOCOL.md 8): the COBS bytes of a 3-byte header,
 *  the largest payload and the CRC. */
#define HIL_AGENT_V2_UNIT_MAX \
    (HIL_V2_COBS_MAX(3u + HIL_AGENT_MAX_PAYLOAD + HIL_CRC_SIZE))

/** Device line limit (PROTOCOL.md 6): 2 + 4*ceil((12 + max_payload)/3), newline excluded. */
#define HIL_AGENT_LINE_MAX \
    (2u + 4u * ((HIL_HEADER_SIZE + HIL_AGENT_MAX_PAYLOAD + HIL_CRC_SIZE + 2u) / 3u))

/** Largest RESULT payload: u32 cycles, u32 flags, max hop samples. */
/* cycles, flags, samples, then (profiling) n x u32 stage counts, n in flags bits 8..15, then
 * (TAP DIGESTS) n x u32 stage digests, n in flags bits 16..23 */
#define HIL_AGENT_RESULT_MAX (8u + 2u * HIL_AGENT_MAX_HOP + 8u * HIL_MAX_STAGES)

/** Bytes of one history slot: the larger of a RESULT and a text response. */
#define HIL_AGENT_SLOT_SIZE \
    (HIL_AGENT_RESULT_MAX > HIL_AGENT_TEXT_MAX ? HIL_AGENT_RESULT_MAX : HIL_AGENT_TEXT_MAX)

#if HIL_AGENT_MAX_PAYLOAD > HIL_PAYLOAD_HARD_LIMIT
#error "HIL_AGENT_MAX_PAYLOAD exceeds the protocol hard limit (4096)"
#endif
#if HIL_AGENT_SLOT_SIZE > HIL_PAYLOAD_HARD_LIMIT
#error "HIL_AGENT_MAX_HOP / HIL_AGENT_TEXT_MAX give responses over the protocol hard limit"
#endif
#if HIL_AGENT_HISTORY < HIL_AGENT_WINDOW || HIL_AGENT_WINDOW < 1
#error "the history must hold at least HIL_AGENT_WINDOW (>= 1) responses"
#endif
#if HIL_AGENT_HISTORY > 32767
#error "HIL_AGENT_HISTORY must be below half the sequence space"
#endif

/** Characters of the longest response line, newline included (the encoder's line buffer). */
#define HIL_AGENT_TX_LINE \
    (3u + 4u * ((HIL_HEADER_SIZE + HIL_AGENT_SLOT_SIZE + HIL_CRC_SIZE + 2u) / 3u))

/** One stored response (PROTOCOL.md 3.1): re-sent, never recomputed. */
typedef struct {
    uint16_t seq;   /**< seq of the request it answers */
    uint16_t len;   /**< payload bytes */
    uint8_t type;   /**< response type */
    uint8_t valid;  /**< 0: empty */
    union {
        uint8_t b[HIL_AGENT_SLOT_SIZE];
        int16_t s[HIL_AGENT_SLOT_SIZE / 2u];
        uint32_t align;
    } payload;
} hil_agent_slot_t;

struct hil_agent {
    const hil_model_t *model;
    void *state;
    uint64_t t0;            /**< counter at init (uptime base) */
    hil_agent_stats_t stats;
    uint16_t expected;      /**< next sequence number to execute */
    uint16_t last_tx;       /**< tx of the last well-formed request */
    uint8_t discarding;     /**< an overlong line is being dropped up to its newline */
    uint8_t framing;        /**< HIL_FRAMING_V1 or _V2 (PROTOCOL.md 8): what it receives and sends */
    uint8_t unit;           /**< framing v2: the unit being received (UNIT_* in hil_agent.c) */
    size_t line_len;
    unsigned hist_next;     /**< ring index of the next slot to (over)write */
    char line[HIL_AGENT_LINE_MAX + 1u]; /**< +1: a '\r' before the newline */
    union {
        uint8_t b[HIL_AGENT_MAX_PAYLOAD];
        int16_t s[(HIL_AGENT_MAX_PAYLOAD + 1u) / 2u];
        uint32_t align;
    } rx;                   /**< decoded request payload; PROCESS input samples in place */
    hil_agent_slot_t hist[HIL_AGENT_HISTORY];
    char tx[HIL_AGENT_TX_LINE]; /**< the response line being sent (one hil_port_write) */
    uint8_t profiling;      /**< PROFILE 1: stage probe installed, RESULT carries stage counts */
    uint64_t stage_last;    /**< counter at the end of the previous stage */
    uint32_t stage_cnt[HIL_MAX_STAGES]; /**< this frame's counter delta per stage */
    uint8_t tap_mode;       /**< HIL_TAP_OFF, HIL_TAP_DIGESTS or HIL_TAP_CAPTURE */
    uint8_t tap_stage;      /**< TAP CAPTURE: the stage captured */
    uint8_t tap_have;       /**< a capture was made since TAP CAPTURE */
    uint8_t tap_type;       /**< the capture's element type (bytes per element) */
    uint16_t tap_count;     /**< the capture's element count */
    uint32_t tap_digest[HIL_MAX_STAGES]; /**< this frame's CRC-32 of each stage's tap */
#if HIL_AGENT_TAP_BYTES > 0
    union {
        uint8_t b[HIL_AGENT_TAP_BYTES];
        uint64_t align;
    } tap_buf;              /**< TAP CAPTURE: the last frame's tap, little-endian elements */
#endif
};

#endif /* HIL_AGENT_PRIVATE_H */
