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

/* Linker-script symbols (mps2_an386.ld). */
extern uint32_t __qb_data_start[], __qb_data_end[], __qb_data_load[];
extern uint32_t __qb_bss_start[], __qb_bss_end[];
extern uint32_t __qb_handler_stack_bottom[], __qb_handler_stack_top[];
extern uint32_t __qb_guard_start[], __qb_stack_bottom[], __qb_stack_top[];

/** The layout for the shared start-up and fault code (cm_startup.h). */
const cm_memory_t cm_memory = {
    .data_start = __qb_data_start,
    .data_end = __qb_data_end,
    .data_load = __qb_data_load,
    .bss_start = __qb_bss_start,
    .bss_end = __qb_bss_end,
    .handler_stack_bottom = __qb_handler_stack_bottom,
    .handler_stack_top = __qb_handler_stack_top,
    .guard_start = __qb_guard_start,
    .guard_end = __qb_stack_bottom, /* the guard ends where the thread stack begins */
    .stack_bottom = __qb_stack_bottom,
    .stack_top = __qb_stack_top,
};

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
