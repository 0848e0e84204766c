/**
 * @file sf_startup.c
 * @brief Reset and startup of the stm32f4-template board: the vector table, the memory layout of
 *        stm32f4.ld and the reset entry. The start-up itself (FPU enable, .data/.bss init,
 *        thread-stack painting, MPU stack guard, configurable-fault enables, the switch from the
 *        handler stack (MSP) to the thread stack (PSP) before sf_main()) and the stack high-water
 *        mark are shared with the other Cortex-M boards: ../cortex-m/cm_startup.h.
 *
 * Two stacks: exceptions run on MSP (a small handler stack at the bottom of SRAM), the
 * application on PSP. A thread-stack overflow hits the 32-byte MPU guard below the thread stack
 * and the MemManage handler can still run (on MSP) and report it.
 */
#include <stdint.h>

#include "cm_fault.h"
#include "cm_startup.h"
#include "sf_board.h"

/** The layout for the shared start-up and fault code (cm_startup.h), from stm32f4.ld. */
CM_MEMORY_FROM_LINKER(sf);

void sf_reset_handler(void);
void sf_main(void) __attribute__((noreturn));

/* The USART2 interrupt (sf_uart.c). */
void sf_usart2_irq_handler(void);

#define SF_D1 (uintptr_t)cm_unexpected_handler
#define SF_D2 SF_D1, SF_D1
#define SF_D4 SF_D2, SF_D2
#define SF_D8 SF_D4, SF_D4
#define SF_D16 SF_D8, SF_D8
#define SF_D32 SF_D16, SF_D16

/** The vector table, at the start of flash (0x08000000, aliased at 0x0 when booting from flash;
 *  VTOR resets to 0). Every interrupt but USART2 goes to cm_unexpected_handler, which reports it
 *  as a FAULT with its exception number. ADAPT: SF_N_IRQ and the filler counts around USART2
 *  (IRQ 38) for a part with another interrupt count, or another UART's IRQ. */
__attribute__((section(".isr_vector"), used)) static const uintptr_t sf_vectors[] = {
    CM_SYSTEM_VECTORS(__sf_handler_stack_top, sf_reset_handler),
    /* IRQ 0 .. 37 */
    SF_D32, SF_D4, SF_D2,
    /* IRQ 38: USART2 */
    (uintptr_t)sf_usart2_irq_handler,
    /* IRQ 39 .. 96 */
    SF_D32, SF_D16, SF_D8, SF_D2,
};
/** Compile-time check: the table has exactly 16 + SF_N_IRQ entries. */
typedef char sf_vectors_size_check[sizeof sf_vectors == (16u + SF_N_IRQ) * sizeof(uintptr_t) ? 1 : -1];

/* Reset entry: FPU on, cm_startup_init() on MSP, then sf_main() on PSP. */
CM_RESET_HANDLER(sf_reset_handler, sf_main);
