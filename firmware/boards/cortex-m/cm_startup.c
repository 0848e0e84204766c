/**
 * @file cm_startup.c
 * @brief Memory initialisation, MPU stack guard, fault enables and the stack high-water mark of
 *        the Cortex-M boards, from the board's cm_memory layout (see cm_startup.h).
 */
#include <stdint.h>

#include "cm_armv7m.h"
#include "cm_startup.h"
#include "hil_port.h"

/** MPU region 0: the no-access guard below the thread stack (PMSAv7), execute-never. Every
 *  other address keeps the default memory map (PRIVDEFENA); HardFault and NMI run with the MPU
 *  off (HFNMIENA = 0). */
static void cm_mpu_guard(void)
{
    const uintptr_t start = (uintptr_t)cm_memory.guard_start;
    const uint32_t size = (uint32_t)((uintptr_t)cm_memory.guard_end - start);
    const uint32_t size_field = (uint32_t)__builtin_ctz(size) - 1u; /* size = 2^(SIZE+1) */
    CM_MPU_RNR = 0u;
    CM_MPU_RBAR = (uint32_t)start; /* aligned to its size by the linker */
    CM_MPU_RASR = (1u << 28)          /* XN */
                  | (0u << 24)        /* AP = no access */
                  | (size_field << 1) /* SIZE */
                  | 1u;               /* ENABLE */
    CM_MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE (HFNMIENA = 0) */
    __asm__ volatile("dsb\n isb" ::: "memory");
}

uint32_t *cm_startup_init(void)
{
    const uint32_t *src = cm_memory.data_load;
    uint32_t *dst;
    for (dst = cm_memory.data_start; dst < cm_memory.data_end; dst++) *dst = *src++;
    for (dst = cm_memory.bss_start; dst < cm_memory.bss_end; dst++) *dst = 0u;
    /* the thread stack is entirely unused here (we run on MSP): paint all of it */
    for (dst = cm_memory.stack_bottom; dst < cm_memory.stack_top; dst++) {
        *(volatile uint32_t *)dst = CM_STACK_PAINT;
    }
    cm_mpu_guard();
    CM_SCB_SHCSR |= CM_SHCSR_MEMFAULTENA | CM_SHCSR_BUSFAULTENA | CM_SHCSR_USGFAULTENA;
    CM_SCB_CCR |= CM_CCR_DIV_0_TRP;
    __asm__ volatile("dsb\n isb" ::: "memory");
    return cm_memory.stack_top;
}

/** Bytes of the thread stack ever written: the painted words from the bottom that were
 *  overwritten. Exact to the word unless a frame happened to store the paint value itself. */
int32_t hil_port_stack_hwm(void)
{
    const volatile uint32_t *p = cm_memory.stack_bottom;
    while (p < cm_memory.stack_top && *p == CM_STACK_PAINT) p++;
    return (int32_t)((uintptr_t)cm_memory.stack_top - (uintptr_t)p);
}

uint32_t hil_port_stack_size(void)
{
    return (uint32_t)((uintptr_t)cm_memory.stack_top - (uintptr_t)cm_memory.stack_bottom);
}
