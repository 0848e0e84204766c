/**
 * @file qb_fault.c
 * @brief Where this board's fault reports go: the shared Cortex-M handlers
 *        (../cortex-m/cm_fault.h) decode HardFault, MemManage, BusFault, UsageFault, NMI and
 *        unexpected exceptions into a protocol FAULT message on the selected link, then QEMU
 *        exits with QB_EXIT_FAULT (semihost link) or the core parks (uart link).
 *
 * FAULT keys (PROTOCOL.md 4, cm_fault.h): kind, pc, lr, xpsr, cfsr, hfsr, mmfar, bfar, frame, sp,
 * exc_return, cause.
 */
#include "cm_fault.h"
#include "qb_board.h"

static void qb_fault_halt(void) __attribute__((noreturn));
static void qb_fault_halt(void)
{
    qb_link_halt(QB_EXIT_FAULT);
}

const cm_fault_board_t cm_fault_board = {
    "NMI",            /* nmi_cause */
    qb_current_frame, /* frame_index (qb_main.c) */
    qb_link_write,    /* write: the link driver, safe in a handler */
    qb_fault_halt,    /* halt */
};
