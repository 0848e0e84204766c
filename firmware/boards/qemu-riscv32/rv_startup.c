/**
 * @file rv_startup.c
 * @brief Reset entry, trap entry, memory initialisation, the PMP stack guard and the stack
 *        high-water mark of the qemu-riscv32 board (machine mode, no interrupts).
 *
 * Start-up: rv_start (at 0x80000000, where virt's reset code jumps with `-bios none`) sets gp, the
 * trap vector and a stack (the trap stack), runs rv_startup_init() there (zero .bss, paint the
 * whole thread stack, lock the PMP guard below it), then switches sp to the thread stack and calls
 * rv_main(). Interrupts stay disabled (mstatus.MIE = 0 at reset, mie cleared): nothing but the
 * model and the agent runs inside a measured frame.
 *
 * Traps: every trap (exception or interrupt) enters rv_trap_entry (mtvec, direct mode), which
 * keeps the trapping sp in mscratch, takes the trap stack afresh (so a stack overflow into the
 * guard can still be reported, and a trap inside the report starts from a clean stack too),
 * reloads gp and hands mcause, mepc, mtval, sp and ra to rv_trap_report() (rv_fault.c), which
 * never returns.
 *
 * Guard: PMP entry 0 is a locked (L = 1, so it binds machine mode too) NAPOT region with no
 * access, 4 KiB right below the thread stack. One QEMU page: the PMP check then keeps the
 * software TLB at page granularity for every other page.
 */
#include <stdint.h>

#include "hil_port.h"
#include "rv_board.h"

extern uint32_t __rv_bss_start[], __rv_bss_end[], __rv_trap_stack_bottom[], __rv_trap_stack_top[];
extern uint32_t __rv_guard_start[], __rv_stack_bottom[], __rv_stack_top[], __rv_noinit[];

const rv_memory_t rv_memory = {
    .bss_start = __rv_bss_start,
    .bss_end = __rv_bss_end,
    .trap_stack_bottom = __rv_trap_stack_bottom,
    .trap_stack_top = __rv_trap_stack_top,
    .guard_start = __rv_guard_start,
    .guard_end = __rv_stack_bottom,
    .stack_bottom = __rv_stack_bottom,
    .stack_top = __rv_stack_top,
    .noinit = __rv_noinit,
};

/** Word written over the whole thread stack at boot (as on the Cortex-M boards). */
#define RV_STACK_PAINT 0xA5A5A5A5u

uint32_t *rv_startup_init(void) __attribute__((used));
void rv_main(void) __attribute__((noreturn));

__asm__("  .section .text.rv_start,\"ax\",@progbits\n"
        "  .global rv_start\n"
        "  .type rv_start, @function\n"
        "rv_start:\n"
        "  .option push\n"
        "  .option norelax\n"
        "  la gp, __global_pointer$\n"
        "  .option pop\n"
        "  la sp, __rv_trap_stack_top\n"
        "  la t0, rv_trap_entry\n"
        "  csrw mtvec, t0\n"
        "  csrw mie, zero\n"
        "  call rv_startup_init\n" /* a0 = top of the thread stack */
        "  mv sp, a0\n"
        "  call rv_main\n"
        "1: j 1b\n"
        "  .size rv_start, . - rv_start\n"
        "\n"
        "  .section .text.rv_trap_entry,\"ax\",@progbits\n"
        "  .balign 4\n" /* mtvec direct mode: 4-byte aligned */
        "  .global rv_trap_entry\n"
        "  .type rv_trap_entry, @function\n"
        "rv_trap_entry:\n"
        "  csrw mscratch, sp\n"
        "  .option push\n"
        "  .option norelax\n"
        "  la sp, __rv_trap_stack_top\n"
        "  la gp, __global_pointer$\n"
        "  .option pop\n"
        "  csrr a0, mcause\n"
        "  csrr a1, mepc\n"
        "  csrr a2, mtval\n"
        "  csrr a3, mscratch\n"
        "  mv a4, ra\n"
        "  j rv_trap_report\n"
        "  .size rv_trap_entry, . - rv_trap_entry\n"
        "  .text\n");

uint32_t *rv_startup_init(void)
{
    const uint32_t guard = (uint32_t)(uintptr_t)rv_memory.guard_start;
    const uint32_t guard_size = (uint32_t)((uintptr_t)rv_memory.guard_end - (uintptr_t)guard);
    volatile uint32_t *p;
    for (p = rv_memory.bss_start; p < rv_memory.bss_end; p++) *p = 0u;
    for (p = rv_memory.stack_bottom; p < rv_memory.stack_top; p++) *p = RV_STACK_PAINT;
    /* PMP entry 0: NAPOT (pmpaddr = base/4 | (size/8 - 1)), L = 1, A = NAPOT, R = W = X = 0 */
    __asm__ volatile("csrw pmpaddr0, %0" ::"r"((guard >> 2) | ((guard_size >> 3) - 1u)));
    __asm__ volatile("csrw pmpcfg0, %0" ::"r"(0x80u | 0x18u));
    return rv_memory.stack_top;
}

/** Bytes of the thread stack ever written: the painted words from the bottom that were
 *  overwritten. Exact to the word unless a frame happened to store the paint value itself. */
int32_t hil_port_stack_hwm(void)
{
    const volatile uint32_t *p = rv_memory.stack_bottom;
    while (p < rv_memory.stack_top && *p == RV_STACK_PAINT) p++;
    return (int32_t)((uintptr_t)rv_memory.stack_top - (uintptr_t)p);
}

uint32_t hil_port_stack_size(void)
{
    return (uint32_t)((uintptr_t)rv_memory.stack_top - (uintptr_t)rv_memory.stack_bottom);
}
