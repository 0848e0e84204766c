/**
 * @file hil_agent.h
 * @brief Protocol agent (see PROTOCOL.md): framing, CRC-32, exactly-once windowed streaming,
 *        parameter table and statistics. Portable C99, no malloc, no stdio.
 *
 * Usage by a board:
 *   static hil_agent_t agent; static uint64_t state[(MODEL_STATE + 7) / 8];
 *   hil_agent_init(&agent, &model, state, sizeof state);
 *   hil_agent_boot(&agent, "power-on");          // sends BOOT
 *   for (;;) { n = read_some(buf); hil_agent_feed(&agent, buf, n); }
 * The agent writes every response through hil_port_write().
 */
#ifndef HIL_AGENT_H
#define HIL_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "hil_model.h"

#define HIL_PROTO_VERSION 1u
#define HIL_HEADER_SIZE 8u
#define HIL_CRC_SIZE 4u
#define HIL_PAYLOAD_HARD_LIMIT 4096u

#ifndef HIL_AGENT_MAX_PAYLOAD
#define HIL_AGENT_MAX_PAYLOAD 1024u /**< largest host-to-device payload */
#endif
#ifndef HIL_AGENT_WINDOW
#define HIL_AGENT_WINDOW 8u /**< receive window reported in INFO */
#endif
#ifndef HIL_AGENT_HISTORY
#define HIL_AGENT_HISTORY 8u /**< responses kept for re-sending, >= window */
#endif
#ifndef HIL_AGENT_MAX_HOP
#define HIL_AGENT_MAX_HOP 512u /**< largest model hop the agent buffers */
#endif

/** Message types (PROTOCOL.md section 4). */
enum {
    HIL_MSG_HELLO = 0x01, HIL_MSG_RESET = 0x02, HIL_MSG_SET_PARAM = 0x03,
    HIL_MSG_GET_PARAM = 0x04, HIL_MSG_PROCESS = 0x05, HIL_MSG_STATS = 0x06,
    HIL_MSG_PROFILE = 0x07, HIL_MSG_TAP = 0x08,
    HIL_MSG_INFO = 0x81, HIL_MSG_OK = 0x82, HIL_MSG_PARAM = 0x83, HIL_MSG_RESULT = 0x85,
    HIL_MSG_STATS_REPLY = 0x86, HIL_MSG_TAP_DATA = 0x88, HIL_MSG_BOOT = 0xC0, HIL_MSG_FAULT = 0xC1,
    HIL_MSG_LOG = 0xC2,
    HIL_MSG_NAK = 0xE0, HIL_MSG_ERROR = 0xE1
};

/** NAK reasons. */
enum { HIL_NAK_CRC = 1, HIL_NAK_GAP = 2, HIL_NAK_TOO_LONG = 3, HIL_NAK_BAD_VERSION = 4,
       HIL_NAK_BAD_LENGTH = 5 };

/** ERROR codes. */
enum { HIL_ERR_UNKNOWN_TYPE = 1, HIL_ERR_BAD_PAYLOAD = 2, HIL_ERR_BAD_PARAM = 3,
       HIL_ERR_PARAM_RANGE = 4, HIL_ERR_MODEL = 5,
       HIL_ERR_UNSUPPORTED = 6 };

/** RESULT.flags bits; with HIL_RESULT_STAGES, bits 8..15 hold the number of stage counts that
 *  follow the samples; with HIL_RESULT_DIGESTS, bits 16..23 hold the number of stage digests
 *  that follow them (PROTOCOL.md 4.5). */
enum { HIL_RESULT_COUNT_OVERFLOW = 1u, HIL_RESULT_STAGES = 2u, HIL_RESULT_DIGESTS = 4u };

/** TAP request operations (PROTOCOL.md 4.5). */
enum { HIL_TAP_OFF = 0, HIL_TAP_DIGESTS = 1, HIL_TAP_CAPTURE = 2, HIL_TAP_READ = 3 };

/** Decoded frame header. */
typedef struct {
    uint8_t ver;
    uint8_t type;
    uint16_t seq;
    uint16_t tx;
    uint16_t len;
} hil_header_t;

/** Device statistics (STATS_REPLY). */
typedef struct {
    uint32_t frames, rx_lines, rx_log_lines, crc_errors, gap_naks, too_long, history_resends,
        errors;
} hil_agent_stats_t;

/* The agent instance. Fields are private to hil_agent.c; the struct is public only so the
 * caller can own the storage (no malloc). */
typedef struct hil_agent hil_agent_t;
#include "hil_agent_private.h"

/** Initialise the agent with a model and caller-owned model state (state_bytes >=
 *  model->state_size, 8-byte aligned). Calls model->init. Returns 0, or -1 if the state is too
 *  small or the model's hop exceeds HIL_AGENT_MAX_HOP. */
int hil_agent_init(hil_agent_t *agent, const hil_model_t *model, void *state, size_t state_bytes);

/** Send the unsolicited BOOT message with the given reset reason. */
void hil_agent_boot(hil_agent_t *agent, const char *reason);

/** Feed received link bytes; complete lines are handled (and answered) immediately. */
void hil_agent_feed(hil_agent_t *agent, const uint8_t *bytes, size_t n);

/** Write a device log line (a plain text line, not a protocol line): text + '\n'. Newlines in text
 *  become spaces, and a text starting with the marker "@:" gets a leading space. */
void hil_agent_log(const char *text);

/** Send an unsolicited FAULT message (seq 0, tx 0); `kv` is key=value text (lines separated by
 *  '\n'), at most 4096 bytes are sent. Uses about 200 bytes of stack, no agent state. */
void hil_agent_fault(const char *kv);

/** Current statistics. */
const hil_agent_stats_t *hil_agent_stats(const hil_agent_t *agent);

/** CRC-32 (IEEE, zlib) of n bytes, continuing from `crc` (pass 0 to start). */
uint32_t hil_crc32(uint32_t crc, const uint8_t *bytes, size_t n);

/** Encode one frame as a protocol line (marker + base64 + '\n') into out[cap]. h->ver is written
 *  as given (normally HIL_PROTO_VERSION) and h->len bytes of payload are taken. Returns the line
 *  length including the newline (no NUL is added), or 0 if it does not fit or h->len > 4096. */
size_t hil_frame_encode(const hil_header_t *h, const uint8_t *payload, char *out, size_t cap);

/** Decode a protocol line (marker + base64, without the newline) into header and payload[cap].
 *  Returns 0 on success, HIL_NAK_CRC if the line is corrupt (bad base64, size or CRC),
 *  HIL_NAK_BAD_LENGTH if the payload exceeds cap, HIL_NAK_BAD_VERSION for another version. */
int hil_frame_decode(const char *line, size_t n, hil_header_t *h, uint8_t *payload, size_t cap);

/* ---- Framing v2 (PROTOCOL.md 8): binary frames, COBS-stuffed, ended by 0x00 ---------------- */

#define HIL_FRAMING_V1 1u
#define HIL_FRAMING_V2 2u
/** The transmission tag an audio frame never carries (so no v2 frame starts with "@:"). */
#define HIL_V2_SKIPPED_TX 0x3Au
/** Largest COBS encoding of n bytes (the 0x00 delimiter not included). */
#define HIL_V2_COBS_MAX(n) ((n) + 1u + (n) / 254u)

/** Encode one frame in framing v2 (COBS of header, payload and CRC-32, then the 0x00 delimiter)
 *  into out[cap]: a 2-byte header (tx, seq low byte) for PROCESS and RESULT, 3 bytes (with the
 *  type) for the others. h->tx is taken modulo 128, h->seq modulo 256. Returns the bytes written,
 *  delimiter included, or 0 if they do not fit or h->len > 4096. */
size_t hil_frame2_encode(const hil_header_t *h, const uint8_t *payload, uint8_t *out, size_t cap);

/** Decode one framing v2 frame: its COBS bytes without the delimiter. An audio frame (2-byte
 *  header) gets type `audio_type` (PROCESS on the device); the 16-bit seq is the one nearest
 *  `seq_ref` with the received low byte. h->ver is HIL_FRAMING_V2. Returns 0, HIL_NAK_CRC if the
 *  frame is corrupt (stuffing, size or CRC), or HIL_NAK_BAD_LENGTH if the payload exceeds cap. */
int hil_frame2_decode(const uint8_t *enc, size_t n, uint16_t seq_ref, uint8_t audio_type,
                      hil_header_t *h, uint8_t *payload, size_t cap);

#endif /* HIL_AGENT_H */
