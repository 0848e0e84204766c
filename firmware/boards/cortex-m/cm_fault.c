/**
 * @file cm_fault.c
 * @brief Exception entries and the fault report of the Cortex-M boards (cm_fault.h): read the
 *        fault status registers, build the FAULT text (cm_fault_text.c), send it through
 *        hil_agent_fault on the board's link, halt.
 */
#include <stdint.h>

#include "cm_armv7m.h"
#include "cm_fault.h"
#include "hil_agent.h"

void cm_fault_report(const uint32_t *sp, uint32_t exc_return, uint32_t kind)
    __attribute__((noreturn, used));

/*
 * Entry stubs: r0 = the stacked frame (MSP or PSP per EXC_RETURN bit 2), r1 = EXC_RETURN,
 * r2 = kind (CM_FAULT_*). They run on MSP, which a thread-stack overflow does not touch.
 */
#define CM_FAULT_STUB(name, kind)                                                                  \
    __asm__("  .section .text." #name ",\"ax\",%progbits\n"                                       \
            "  .global " #name "\n"                                                                \
            "  .type " #name ", %function\n"                                                       \
            "  .thumb_func\n" #name ":\n"                                                          \
            "  tst lr, #4\n"                                                                       \
            "  ite eq\n"                                                                           \
            "  mrseq r0, msp\n"                                                                    \
            "  mrsne r0, psp\n"                                                                    \
            "  mov r1, lr\n"                                                                       \
            "  movs r2, #" #kind "\n"                                                              \
            "  b cm_fault_report\n"                                                                \
            "  .size " #name ", . - " #name "\n"                                                   \
            "  .text\n")

CM_FAULT_STUB(cm_hardfault_handler, 1);
CM_FAULT_STUB(cm_memmanage_handler, 2);
CM_FAULT_STUB(cm_busfault_handler, 3);
CM_FAULT_STUB(cm_usagefault_handler, 4);
CM_FAULT_STUB(cm_nmi_handler, 5);
CM_FAULT_STUB(cm_unexpected_handler, 6);

void cm_fault_report(const uint32_t *sp, uint32_t exc_return, uint32_t kind)
{
    static volatile uint32_t cm_in_fault;
    static cm_fault_t f; /* static: the handler stack stays small */
    const cm_fault_board_t *board = &cm_fault_board;

    if (cm_in_fault != 0u) board->halt(); /* fault while reporting: just stop */
    cm_in_fault = 1u;
    /* the stacked frame first, while this handler has used only a few bytes of MSP */
    f.stacked = cm_fault_frame_readable(sp, &cm_memory);
    if (f.stacked) {
        f.pc = sp[6];
        f.lr = sp[5];
        f.xpsr = sp[7];
    }
    f.kind = kind;
    f.sp = sp;
    f.exc_return = exc_return;
    __asm__ volatile("mrs %0, ipsr" : "=r"(f.ipsr));
    f.cfsr = CM_SCB_CFSR;
    f.hfsr = CM_SCB_HFSR;
    f.mmfar = CM_SCB_MMFAR;
    f.bfar = CM_SCB_BFAR;
    f.frame = board->frame_index();
    /* hil_agent_fault starts on a fresh unit itself, in case the fault cut one in half */
    hil_agent_fault(cm_fault_text(&f, &cm_memory, board->nmi_cause));
    board->halt();
}
