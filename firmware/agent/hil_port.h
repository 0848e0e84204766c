/**
 * @file hil_port.h
 * @brief The port seam: everything the agent needs from a board. One implementation per board
 *        under firmware/boards/<board>/.
 */
#ifndef HIL_PORT_H
#define HIL_PORT_H

#include <stddef.h>
#include <stdint.h>

/** Identity and counter facts of a board, reported in the handshake. */
typedef struct {
    const char *board;       /**< e.g. "host-sim", "qemu-mps2-an386" */
    const char *fw_name;     /**< firmware image name */
    const char *fw_version;  /**< firmware version */
    const char *build_id;    /**< build id (hash of sources and flags), hex */
    uint32_t clock_hz;       /**< core clock, 0 if not applicable */
    const char *counter;     /**< "dwt", "icount", "timer" or "none" */
} hil_port_identity_t;

/** Write n bytes to the link; returns only when they are queued or sent. */
void hil_port_write(const uint8_t *buf, size_t n);

/** Read a 64-bit monotonically increasing counter in the unit named by identity.counter
 *  (return 0 when the counter is "none"). */
uint64_t hil_port_counter(void);

/** Static identity of this board and image. */
const hil_port_identity_t *hil_port_identity(void);

/** Bytes of stack ever used (high-water mark), or -1 if the board cannot tell. */
int32_t hil_port_stack_hwm(void);

/** Total stack size in bytes, or 0 if unknown. */
uint32_t hil_port_stack_size(void);

#endif /* HIL_PORT_H */
