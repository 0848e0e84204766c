/**
 * @file fake_port.h
 * @brief A hil_port implementation for the agent unit tests: captures every written byte and
 *        exposes a controllable counter.
 */
#ifndef FAKE_PORT_H
#define FAKE_PORT_H

#include <stddef.h>
#include <stdint.h>

/** Bytes written through hil_port_write since the last fake_port_clear(). */
extern uint8_t fake_port_out[1u << 20];
extern size_t fake_port_out_len;

/** hil_port_counter() returns fake_port_now and then adds fake_port_step to it. */
extern uint64_t fake_port_now;
extern uint64_t fake_port_step;

/** Forget the captured output. */
void fake_port_clear(void);

#endif /* FAKE_PORT_H */
