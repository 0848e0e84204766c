/**
 * @file sf_startup.c
 * @brief Reset and startup of the stm32f4-template board: vector table, FPU enable, .data/.bss
 *        init, thread-stack painting, MPU stack guard, configurable-fault enables, and the switch
 *        from the handler stack (MSP) to the thread stack (PSP) before sf_main().
 *
 * Two stacks: exceptions run on MSP (a small handler stack at the bottom of SRAM), the
 * application on PSP. A thread-stack overflow hits the 32-byte MPU guard below the thread stack
 * and the MemManage handler can still run (on MSP) and report it.
 */
#include <stdint.h>

#include "hil_port.h"
#include "sf_board.h"

/* Linker-script symbols (stm32f4.ld). */
extern uint32_t __sf_data_start[], __sf_data_end[], __sf_data_load[];
extern uint32_t __sf_bss_start[], __sf_bss_end[];
extern uint32_t __sf_stack_bottom[], __sf_stack_top[], __sf_guard_start[];
extern uint32_t __sf_handler_stack_top[];

void sf_reset_handler(void);
void sf_startup_init(void);
void sf_main(void) __attribute__((noreturn));

/* Exception handlers (sf_fault.c) and the USART2 interrupt (sf_uart.c). */
void sf_nmi_handler(void);
void sf_hardfault_handler(void);
void sf_memmanage_handler(void);
void sf_busfault_handler(void);
void sf_usagefault_handler(void);
void sf_unexpected_handler(void);
void sf_usart2_irq_handler(void);

#define SF_D1 (uintptr_t)sf_unexpected_handler
#define SF_D2 SF_D1, SF_D1
#define SF_D4 SF_D2, SF_D2
#define SF_D8 SF_D4, SF_D4
#define SF_D16 SF_D8, SF_D8
#define SF_D32 SF_D16, SF_D16

/** The vector table, at the start of flash (0x08000000, aliased at 0x0 when booting from flash;
 *  VTOR resets to 0). Every interrupt but USART2 goes to sf_unexpected_handler, which reports it
 *  as a FAULT with its exception number. ADAPT: SF_N_IRQ and the filler counts around USART2
 *  (IRQ 38) for a part with another interrupt count, or another UART's IRQ. */
__attribute__((section(".isr_vector"), used)) static const uintptr_t sf_vectors[] = {
    (uintptr_t)__sf_handler_stack_top, /* initial MSP */
    (uintptr_t)sf_reset_handler,
    (uintptr_t)sf_nmi_handler,
    (uintptr_t)sf_hardfault_handler,
    (uintptr_t)sf_memmanage_handler,
    (uintptr_t)sf_busfault_handler,
    (uintptr_t)sf_usagefault_handler,
    0u, 0u, 0u, 0u, /* reserved */
    SF_D1,          /* SVCall */
    SF_D1,          /* DebugMonitor */
    0u,             /* reserved */
    SF_D1,          /* PendSV */
    SF_D1,          /* SysTick (not used: its interrupt would add cycles to measured frames) */
    /* IRQ 0 .. 37 */
    SF_D32, SF_D4, SF_D2,
    /* IRQ 38: USART2 */
    (uintptr_t)sf_usart2_irq_handler,
    /* IRQ 39 .. 96 */
    SF_D32, SF_D16, SF_D8, SF_D2,
};
/** Compile-time check: the table has exactly 16 + SF_N_IRQ entries. */
typedef char sf_vectors_size_check[sizeof sf_vectors == (16u + SF_N_IRQ) * sizeof(uintptr_t) ? 1 : -1];

/*
 * Reset entry, in assembly so that nothing touches the FPU or a stack before they are set up:
 * enable CP10/CP11 (full access) in CPACR, initialise memory on MSP (sf_startup_init), then
 * switch thread mode to PSP (CONTROL.SPSEL = 1, privileged) and call sf_main().
 */
__asm__(
    "  .section .text.sf_reset_handler,\"ax\",%progbits\n"
    "  .global sf_reset_handler\n"
    "  .type sf_reset_handler, %function\n"
    "  .thumb_func\n"
    "sf_reset_handler:\n"
    "  ldr r0, =0xE000ED88\n" /* SCB CPACR */
    "  ldr r1, [r0]\n"
    "  orr r1, r1, #(0xF << 20)\n"
    "  str r1, [r0]\n"
    "  dsb\n"
    "  isb\n"
    "  bl sf_startup_init\n"
    "  ldr r0, =__sf_stack_top\n"
    "  msr psp, r0\n"
    "  movs r0, #2\n"
    "  msr control, r0\n"
    "  isb\n"
    "  bl sf_main\n"
    "1: b 1b\n"
    "  .size sf_reset_handler, . - sf_reset_handler\n"
    "  .ltorg\n"
    "  .text\n");

/** MPU region 0: 32-byte no-access guard below the thread stack (PMSAv7). */
static void sf_mpu_guard(void)
{
    SF_MPU_RNR = 0u;
    SF_MPU_RBAR = (uint32_t)(uintptr_t)__sf_guard_start; /* 32-byte aligned by the linker */
    SF_MPU_RASR = (1u << 28)    /* XN */
                  | (0u << 24)  /* AP = no access */
                  | (4u << 1)   /* SIZE: 2^(4+1) = 32 bytes */
                  | 1u;         /* ENABLE */
    SF_MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE (HFNMIENA = 0) */
    __asm__ volatile("dsb\n isb" ::: "memory");
}

/** Runs on MSP from sf_reset_handler: memory init, stack paint, guard, fault enables. */
void sf_startup_init(void)
{
    const uint32_t *src = __sf_data_load;
    uint32_t *dst;
    for (dst = __sf_data_start; dst < __sf_data_end; dst++) *dst = *src++;
    for (dst = __sf_bss_start; dst < __sf_bss_end; dst++) *dst = 0u;
    /* the thread stack is entirely unused here (we run on MSP): paint all of it */
    for (dst = __sf_stack_bottom; dst < __sf_stack_top; dst++) {
        *(volatile uint32_t *)dst = SF_STACK_PAINT;
    }
    sf_mpu_guard();
    SF_SCB_SHCSR |= SF_SHCSR_MEMFAULTENA | SF_SHCSR_BUSFAULTENA | SF_SHCSR_USGFAULTENA;
    SF_SCB_CCR |= SF_CCR_DIV_0_TRP;
    __asm__ volatile("dsb\n isb" ::: "memory");
}

/** Bytes of the thread stack ever written: the painted words from the bottom that were
 *  overwritten. Exact to the word unless a frame happened to store the paint value itself. */
int32_t hil_port_stack_hwm(void)
{
    const volatile uint32_t *p = __sf_stack_bottom;
    while (p < __sf_stack_top && *p == SF_STACK_PAINT) p++;
    return (int32_t)((uintptr_t)__sf_stack_top - (uintptr_t)p);
}

uint32_t hil_port_stack_size(void)
{
    return (uint32_t)((uintptr_t)__sf_stack_top - (uintptr_t)__sf_stack_bottom);
}
