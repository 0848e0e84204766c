/**
 * @file qb_board.h
 * @brief Internal interface of the qemu-mps2-an386 board (QEMU `-M mps2-an386`, Cortex-M4F):
 *        register map, link driver, instruction counter, semihosting, stack and fault helpers.
 *
 * Everything public is prefixed `qb_`. The protocol agent only sees hil_port.h; this header is
 * shared by the board's own translation units. The ARMv7-M system registers (SCB, MPU, NVIC) and
 * the start-up and fault code common to the Cortex-M boards are in ../cortex-m/ (`cm_`).
 */
#ifndef QB_BOARD_H
#define QB_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "cm_armv7m.h"
#include "hil_agent.h"

/* ---- memory-mapped registers (CMSDK APB timer and UART; the ARMv7-M ones: cm_armv7m.h) ------ */

/** 32-bit register at an absolute address. */
#define QB_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/** CMSDK APB timer 0 (25 MHz system clock). */
#define QB_TIMER0_BASE 0x40000000u
#define QB_TIMER_CTRL(b) QB_REG((b) + 0x00u)
#define QB_TIMER_VALUE(b) QB_REG((b) + 0x04u)
#define QB_TIMER_RELOADREG(b) QB_REG((b) + 0x08u)
#define QB_TIMER_INTCLEAR(b) QB_REG((b) + 0x0Cu)

/** CMSDK APB UART 0. */
#define QB_UART0_BASE 0x40004000u
#define QB_UART_DATA(b) QB_REG((b) + 0x00u)
#define QB_UART_STATE(b) QB_REG((b) + 0x04u)
#define QB_UART_CTRL(b) QB_REG((b) + 0x08u)
#define QB_UART_INTCLEAR(b) QB_REG((b) + 0x0Cu)
#define QB_UART_BAUDDIV(b) QB_REG((b) + 0x10u)
#define QB_UART_STATE_TXFULL (1u << 0)
#define QB_UART_STATE_RXFULL (1u << 1)

/** System clock of the AN386 FPGA image (and of QEMU's model of it). */
#define QB_SYSCLK_HZ 25000000u

/* ---- build-time configuration --------------------------------------------------------------- */

/** QEMU `-icount shift=N` the image is built for. The counter converts timer ticks (40 ns each)
 *  into instructions (2^N ns each); exact for N >= 6 (see README.md). */
#ifndef QB_ICOUNT_SHIFT
#define QB_ICOUNT_SHIFT 6
#endif
#if QB_ICOUNT_SHIFT < 6 || QB_ICOUNT_SHIFT > 20
#error "QB_ICOUNT_SHIFT must be in [6, 20]: below 6 one timer tick spans several instructions"
#endif

/** Timer 0 reload value: the period is QB_TIMER_RELOAD + 1 ticks. Tests shrink it to exercise
 *  the 64-bit extension; the default wraps every 2^32 ticks (2^32 * 40 / 2^N instructions). */
#ifndef QB_TIMER_RELOAD
#define QB_TIMER_RELOAD 0xFFFFFFFFu
#endif

/** Exit code of QEMU (semihosting SYS_EXIT_EXTENDED) after a fault report. */
#define QB_EXIT_FAULT 3
/** Exit code when the link reaches end of input (the host closed stdin). */
#define QB_EXIT_EOF 0
/** Exit code when the semihosting link fails (SYS_READ error). */
#define QB_EXIT_LINK 4

/* ---- semihosting (qb_semihost.c) ------------------------------------------------------------ */

/** Issue one ARM semihosting call (BKPT 0xAB); returns r0. Needs QEMU `-semihosting`. */
int32_t qb_semihost_call(uint32_t op, const void *arg);
/** Terminate QEMU with the given exit code (SYS_EXIT_EXTENDED, ApplicationExit). Never returns. */
void qb_semihost_exit(int32_t code) __attribute__((noreturn));

/* ---- link driver (qb_link_semihost.c or qb_link_uart.c; one per image) ---------------------- */

/** Name of the link driver compiled into this image: "semihost" or "uart". */
extern const char qb_link_name[];
/** Initialise the link. */
void qb_link_init(void);
/** Block until at least one byte arrives; return the count read (1..cap). On end of input
 *  (semihosting stdin closed) the image exits QEMU with QB_EXIT_EOF and never returns. */
size_t qb_link_read(uint8_t *buf, size_t cap);
/** Write all n bytes (blocking). Safe to call from fault handlers. */
void qb_link_write(const uint8_t *buf, size_t n);
/** Stop after a fatal event (fault report): exit QEMU (semihost) or park the core (uart). */
void qb_link_halt(int32_t code) __attribute__((noreturn));

/* ---- instruction counter (qb_counter.c) ----------------------------------------------------- */

/** Start timer 0 free-running; counting starts at 0 instructions. */
void qb_counter_init(void);

/* ---- reset reason (qb_main.c) -------------------------------------------------------------- */

/** Request a system reset (SCB AIRCR SYSRESETREQ) noting `reason` for the next BOOT message. */
void qb_request_reset(const char *reason) __attribute__((noreturn));

/* ---- faults (qb_fault.c) -------------------------------------------------------------------- */

/** Index of the frame being processed (or next to be processed), for fault reports. -1 before the
 *  agent is up. Maintained by qb_main.c. */
int32_t qb_current_frame(void);

#endif /* QB_BOARD_H */
