/**
 * @file cm_fault.h
 * @brief Fault handlers shared by the Cortex-M boards: HardFault, MemManage, BusFault,
 *        UsageFault, NMI and any unexpected exception or interrupt are decoded from the ARMv7-M
 *        fault status registers and reported on the link as a protocol FAULT message
 *        (hil_agent_fault), then the board stops (its `halt`).
 *
 * FAULT keys (PROTOCOL.md 4), in this order: kind, pc, lr, xpsr, cfsr, hfsr, mmfar (when
 * CFSR.MMARVALID), bfar (when CFSR.BFARVALID), frame, sp, exc_return, cause.
 *   kind   hardfault | memmanage | busfault | usagefault | nmi | exception (unexpected; `cause`
 *          is "unexpected exception number=<exception number>")
 *   pc, lr, xpsr   from the stacked exception frame, "unknown" when the frame is not wholly
 *          inside one of the two stacks (stacking failed: MSTKERR/STKERR, e.g. a stack overflow
 *          into the MPU guard)
 *   frame  index of the audio frame being processed (or, between frames, the next one); -1
 *          before the agent runs
 *   sp     address of the stacked frame; exc_return: the handler's EXC_RETURN
 *   cause  short decoding of CFSR/HFSR (cm_fault_text.c), e.g. "stack overflow (MPU guard)"
 * Hex values are 0x + 8 lower-case digits; frame is decimal.
 *
 * The handlers run on MSP, which a thread-stack overflow does not touch (cm_startup.h). A fault
 * while reporting skips the report and halts at once.
 *
 * Seam: the board puts the cm_*_handler functions in its vector table (CM_SYSTEM_VECTORS) and
 * defines `const cm_fault_board_t cm_fault_board`; the stack and guard bounds come from
 * cm_memory (cm_startup.h).
 */
#ifndef CM_FAULT_H
#define CM_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "cm_startup.h"

/** Fault kinds (the entry stubs pass them to the report). */
enum {
    CM_FAULT_HARD = 1,
    CM_FAULT_MEM = 2,
    CM_FAULT_BUS = 3,
    CM_FAULT_USAGE = 4,
    CM_FAULT_NMI = 5,
    CM_FAULT_OTHER = 6 /**< any other exception or interrupt: reported with its number */
};

/** What the fault report needs from the board. */
typedef struct {
    /** `cause` of an NMI (what can raise one on this part). */
    const char *nmi_cause;
    /** Index of the audio frame being processed (or next), -1 before the agent runs. */
    int32_t (*frame_index)(void);
    /** Blocking, polled write to the link; must work from a fault handler (interrupts may be
     *  masked). The report is preceded by a "\n" written with it, in case the fault cut a line. */
    void (*write)(const uint8_t *buf, size_t n);
    /** Stop for good after the report (exit the emulator, park the core...). */
    void (*halt)(void) __attribute__((noreturn));
} cm_fault_board_t;

/** This board's fault sink. Defined by the board. */
extern const cm_fault_board_t cm_fault_board;

/* Exception entries (cm_fault.c), for the board's vector table. */
void cm_nmi_handler(void);
void cm_hardfault_handler(void);
void cm_memmanage_handler(void);
void cm_busfault_handler(void);
void cm_usagefault_handler(void);
/** Every exception or interrupt the board does not expect: reported as kind=exception. */
void cm_unexpected_handler(void);

/**
 * The 16 system entries of an ARMv7-M vector table: initial MSP, reset, NMI, the four faults to
 * the handlers above; SVCall, DebugMonitor, PendSV and SysTick to cm_unexpected_handler (none is
 * used: a SysTick interrupt would add cycles to measured frames). The board's external
 * interrupts follow them in its table.
 */
#define CM_SYSTEM_VECTORS(initial_msp, reset)                                                      \
    (uintptr_t)(initial_msp),                                                                      \
    (uintptr_t)(reset),                                                                            \
    (uintptr_t)cm_nmi_handler,                                                                     \
    (uintptr_t)cm_hardfault_handler,                                                               \
    (uintptr_t)cm_memmanage_handler,                                                               \
    (uintptr_t)cm_busfault_handler,                                                                \
    (uintptr_t)cm_usagefault_handler,                                                              \
    0u, 0u, 0u, 0u,                   /* reserved */                                               \
    (uintptr_t)cm_unexpected_handler, /* SVCall */                                                 \
    (uintptr_t)cm_unexpected_handler, /* DebugMonitor */                                           \
    0u,                               /* reserved */                                               \
    (uintptr_t)cm_unexpected_handler, /* PendSV */                                                 \
    (uintptr_t)cm_unexpected_handler  /* SysTick */

/** Processor state at a fault, as read by the handler. */
typedef struct {
    uint32_t kind;         /**< CM_FAULT_* */
    const uint32_t *sp;    /**< the stacked exception frame (r0-r3, r12, lr, pc, xpsr) */
    int stacked;           /**< sp is readable (cm_fault_frame_readable): pc, lr, xpsr are set */
    uint32_t pc, lr, xpsr; /**< from the stacked frame */
    uint32_t exc_return;   /**< EXC_RETURN of the handler */
    uint32_t ipsr;         /**< IPSR: the exception number (for CM_FAULT_OTHER) */
    uint32_t cfsr, hfsr, mmfar, bfar; /**< SCB fault status and address registers */
    int32_t frame;         /**< audio frame index (cm_fault_board_t.frame_index) */
} cm_fault_t;

/** Does the 32-byte basic exception frame at sp lie wholly inside one of the two stacks of `mem`
 *  (so that it was stacked and can be read)? The handler reads it first, before its own stack
 *  use could reach it (a runaway thread stack may have left PSP inside the handler stack). */
int cm_fault_frame_readable(const uint32_t *sp, const cm_memory_t *mem);

/**
 * Build the FAULT key=value text (the keys above, one `key=value\n` each) for a fault. `mem`
 * gives the guard bounds, `nmi_cause` the cause text of an NMI. Portable C, no memory access but
 * *f (host unit tested).
 * @return NUL-terminated text in a static buffer (overwritten by the next call).
 */
const char *cm_fault_text(const cm_fault_t *f, const cm_memory_t *mem, const char *nmi_cause);

#endif /* CM_FAULT_H */
