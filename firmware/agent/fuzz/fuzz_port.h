/**
 * @file fuzz_port.h
 * @brief hil_port implementation for the fuzz targets: instead of capturing the agent's output it
 *        validates it as it streams out, line by line, and aborts (a libFuzzer crash) on the first
 *        violation of an output invariant:
 *
 *   - every line the agent writes ends with '\n' and is a protocol line (marker "@:") that
 *     hil_frame_decode() accepts, or a log line (anything else);
 *   - a protocol line is a device response: INFO, OK, PARAM, RESULT, STATS_REPLY, NAK or ERROR
 *     (BOOT and FAULT are never sent in answer to input), with the payload shape of its type
 *     (OK empty, PARAM 6 bytes, RESULT 8 + 2*hop bytes with cycles = FUZZ_PORT_STEP and flags 0,
 *     NAK 3 bytes with a known reason, ERROR a known code), no longer than HIL_AGENT_SLOT_SIZE;
 *   - exactly once: a request is executed at most once per sequence number until a HELLO clears
 *     the history, and a history re-send is byte-identical to the first answer (never a
 *     recomputation); the agent's history_resends counter tells the two apart;
 *   - a line never exceeds the protocol's longest device line;
 *   - in framing v2 (after a HELLO asked for it, PROTOCOL.md 8), every unit up to a 0x00 is a
 *     response frame hil_frame2_decode() accepts, checked the same way.
 */
#ifndef FUZZ_PORT_H
#define FUZZ_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "hil_agent.h"

/** hil_port_counter() advances by this much per read, so every RESULT reports this many cycles. */
#define FUZZ_PORT_STEP 7u

/** What the port has seen since fuzz_port_reset(). */
typedef struct {
    size_t bytes;          /**< bytes written */
    size_t protocol_lines; /**< protocol lines written */
    size_t log_lines;      /**< log lines written */
    size_t fresh_results;  /**< RESULT frames answering a sequence number for the first time */
    size_t resends;        /**< responses identical to an earlier answer of the same seq */
    size_t delimiters;     /**< 0x00 written at a unit boundary: the agent speaks framing v2 */
} fuzz_port_counts_t;

extern fuzz_port_counts_t fuzz_port_counts;

/** Start a new input: forget the line in progress, the answers seen and the counts.
 *  `hop` is the model's hop (for the RESULT length check); `agent` (NULL for none) is the agent
 *  whose statistics tell re-sends from executions (its history_resends must start at 0). */
void fuzz_port_reset(uint16_t hop, const hil_agent_t *agent);

/** End of an input: the output must end at a line boundary. */
void fuzz_port_finish(void);

/** Print the failed check and abort (a finding: libFuzzer saves the input). */
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond);                                         \
    } while (0)

#endif /* FUZZ_PORT_H */
