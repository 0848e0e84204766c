/**
 * @file qb_startup.c
 * @brief Reset and startup for qemu-mps2-an386: the vector table, the memory layout of
 *        mps2_an386.ld and the reset entry. The start-up itself (FPU enable, .data/.bss init,
 *        stack painting, MPU stack guard, configurable-fault enables, the switch from the handler
 *        stack (MSP) to the thread stack (PSP) before qb_main()) and the stack high-water mark
 *        are shared with the other Cortex-M boards: ../cortex-m/cm_startup.h.
 *
 * Two stacks: exceptions run on MSP (a small handler stack), the application on PSP. A thread-stack
 * overflow therefore hits the 1 KiB MPU guard and the MemManage handler can still run and report
 * it.
 */
#include <stdint.h>

#include "cm_fault.h"
#include "cm_startup.h"
#include "qb_board.h"

/** The layout for the shared start-up and fault code (cm_startup.h), from mps2_an386.ld. */
CM_MEMORY_FROM_LINKER(qb);

void qb_reset_handler(void);
void qb_main(void) __attribute__((noreturn));

/** Number of external interrupts of the mps2-an386 NVIC model. */
#define QB_N_IRQ 32

#define QB_IRQ1 (uintptr_t)cm_unexpected_handler
#define QB_IRQ8 QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1

/** The vector table, placed at 0x0 by the linker script. */
__attribute__((section(".isr_vector"), used)) static const uintptr_t qb_vectors[16 + QB_N_IRQ] = {
    CM_SYSTEM_VECTORS(__qb_handler_stack_top, qb_reset_handler),
    /* external interrupts: none is used; any one firing is reported as a fault */
    QB_IRQ8, QB_IRQ8, QB_IRQ8, QB_IRQ8,
};

/* Reset entry: FPU on, cm_startup_init() on MSP, then qb_main() on PSP. */
CM_RESET_HANDLER(qb_reset_handler, qb_main);
