/**
 * @file qb_startup.c
 * @brief Reset and startup for qemu-mps2-an386: vector table, FPU enable, .data/.bss init, stack
 *        painting, MPU stack guard, configurable-fault enables, and the switch from the handler
 *        stack (MSP) to the thread stack (PSP) before qb_main().
 *
 * Two stacks: exceptions run on MSP (a small handler stack), the application on PSP. A thread-stack
 * overflow therefore hits the MPU guard and the MemManage handler can still run and report it.
 */
#include <stdint.h>

#include "qb_board.h"

/* Linker-script symbols (mps2_an386.ld). */
extern uint32_t __qb_data_start[], __qb_data_end[], __qb_data_load[];
extern uint32_t __qb_bss_start[], __qb_bss_end[];
extern uint32_t __qb_stack_bottom[], __qb_stack_top[], __qb_guard_start[], __qb_guard_size[];
extern uint32_t __qb_handler_stack_top[];

void qb_reset_handler(void);
void qb_startup_init(void);
void qb_main(void) __attribute__((noreturn));

/* Exception handlers (qb_fault.c). */
void qb_nmi_handler(void);
void qb_hardfault_handler(void);
void qb_memmanage_handler(void);
void qb_busfault_handler(void);
void qb_usagefault_handler(void);
void qb_unexpected_handler(void);

/** Number of external interrupts of the mps2-an386 NVIC model. */
#define QB_N_IRQ 32

#define QB_IRQ1 (uintptr_t)qb_unexpected_handler
#define QB_IRQ8 QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1, QB_IRQ1

/** The vector table, placed at 0x0 by the linker script. */
__attribute__((section(".isr_vector"), used)) static const uintptr_t qb_vectors[16 + QB_N_IRQ] = {
    (uintptr_t)__qb_handler_stack_top, /* initial MSP */
    (uintptr_t)qb_reset_handler,
    (uintptr_t)qb_nmi_handler,
    (uintptr_t)qb_hardfault_handler,
    (uintptr_t)qb_memmanage_handler,
    (uintptr_t)qb_busfault_handler,
    (uintptr_t)qb_usagefault_handler,
    0u, 0u, 0u, 0u,                    /* reserved */
    (uintptr_t)qb_unexpected_handler,  /* SVCall */
    (uintptr_t)qb_unexpected_handler,  /* DebugMonitor */
    0u,                                /* reserved */
    (uintptr_t)qb_unexpected_handler,  /* PendSV */
    (uintptr_t)qb_unexpected_handler,  /* SysTick */
    /* external interrupts: none is used; any one firing is reported as a fault */
    QB_IRQ8, QB_IRQ8, QB_IRQ8, QB_IRQ8,
};

/*
 * Reset entry, in assembly so that nothing touches the FPU or the thread stack before they are
 * set up: enable CP10/CP11 (full access), initialise memory on MSP, then switch thread mode to
 * PSP (CONTROL.SPSEL = 1, privileged) and call qb_main().
 */
__asm__(
    "  .section .text.qb_reset_handler,\"ax\",%progbits\n"
    "  .global qb_reset_handler\n"
    "  .type qb_reset_handler, %function\n"
    "  .thumb_func\n"
    "qb_reset_handler:\n"
    "  ldr r0, =0xE000ED88\n" /* SCB CPACR */
    "  ldr r1, [r0]\n"
    "  orr r1, r1, #(0xF << 20)\n"
    "  str r1, [r0]\n"
    "  dsb\n"
    "  isb\n"
    "  bl qb_startup_init\n"
    "  ldr r0, =__qb_stack_top\n"
    "  msr psp, r0\n"
    "  movs r0, #2\n"
    "  msr control, r0\n"
    "  isb\n"
    "  bl qb_main\n"
    "1: b 1b\n"
    "  .size qb_reset_handler, . - qb_reset_handler\n"
    "  .ltorg\n"
    "  .text\n");

/** MPU region 0: no-access guard below the thread stack (PMSAv7). Its size (a power of two,
 *  >= 32, from the linker script) must exceed the largest stack frame, or a frame could skip it. */
static void qb_mpu_guard(void)
{
    const uint32_t size = (uint32_t)(uintptr_t)__qb_guard_size;
    const uint32_t size_field = (uint32_t)__builtin_ctz(size) - 1u; /* size = 2^(SIZE+1) */
    QB_MPU_RNR = 0u;
    QB_MPU_RBAR = (uint32_t)(uintptr_t)__qb_guard_start; /* aligned to its size by the linker */
    QB_MPU_RASR = (1u << 28)           /* XN */
                  | (0u << 24)         /* AP = no access */
                  | (size_field << 1)  /* SIZE */
                  | 1u;                /* ENABLE */
    QB_MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE (HFNMIENA = 0) */
    __asm__ volatile("dsb\n isb" ::: "memory");
}

/** Runs on MSP from qb_reset_handler: memory init, stack paint, guard, fault enables. */
void qb_startup_init(void)
{
    const uint32_t *src = __qb_data_load;
    uint32_t *dst;
    for (dst = __qb_data_start; dst < __qb_data_end; dst++) *dst = *src++;
    for (dst = __qb_bss_start; dst < __qb_bss_end; dst++) *dst = 0u;
    /* the thread stack is entirely unused here (we run on MSP): paint all of it */
    for (dst = __qb_stack_bottom; dst < __qb_stack_top; dst++) *(volatile uint32_t *)dst = QB_STACK_PAINT;
    qb_mpu_guard();
    QB_SCB_SHCSR |= QB_SHCSR_MEMFAULTENA | QB_SHCSR_BUSFAULTENA | QB_SHCSR_USGFAULTENA;
    QB_SCB_CCR |= QB_CCR_DIV_0_TRP;
    __asm__ volatile("dsb\n isb" ::: "memory");
}

int32_t hil_port_stack_hwm(void)
{
    const volatile uint32_t *p = __qb_stack_bottom;
    while (p < __qb_stack_top && *p == QB_STACK_PAINT) p++;
    return (int32_t)((uintptr_t)__qb_stack_top - (uintptr_t)p);
}

uint32_t hil_port_stack_size(void)
{
    return (uint32_t)((uintptr_t)__qb_stack_top - (uintptr_t)__qb_stack_bottom);
}
