/**
 * @file sf_fault.c
 * @brief Where this board's fault reports go: the shared Cortex-M handlers
 *        (../cortex-m/cm_fault.h) decode HardFault, MemManage, BusFault, UsageFault, NMI and any
 *        unexpected exception or interrupt into a protocol FAULT message on USART2 (polled
 *        transmitter), then the core spins with interrupts off.
 *
 * FAULT keys (PROTOCOL.md 4, cm_fault.h): kind, pc, lr, xpsr, cfsr, hfsr, mmfar, bfar, frame, sp,
 * exc_return, cause. After the report the board needs a reset (the host's `reset` method:
 * flasher/dtr/rts, or the RESET button).
 */
#include "cm_fault.h"
#include "sf_board.h"

/** Stop for good: interrupts off, spin (a debugger can still attach and inspect). */
static void sf_halt(void) __attribute__((noreturn));
static void sf_halt(void)
{
    sf_uart_flush();
    __asm__ volatile("cpsid i" ::: "memory");
    for (;;) {
        __asm__ volatile("nop");
    }
}

const cm_fault_board_t cm_fault_board = {
    "NMI (clock security system or external)", /* nmi_cause */
    sf_current_frame,                           /* frame_index (sf_main.c) */
    sf_uart_write,                              /* write: polled, safe in a handler */
    sf_halt,                                    /* halt */
};

void sf_fatal(const char *kv)
{
    hil_agent_fault(kv);
    sf_halt();
}
