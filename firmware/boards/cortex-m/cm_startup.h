/**
 * @file cm_startup.h
 * @brief Start-up shared by the Cortex-M boards (ARMv7-M with FPU, e.g. Cortex-M4F): the reset
 *        entry, .data/.bss initialisation, thread-stack painting and its high-water mark, the MPU
 *        stack guard and the configurable-fault enables.
 *
 * Memory model. Two stacks: exceptions run on MSP (a small handler stack), the application on PSP
 * (the thread stack). Right below the thread stack lies a no-access MPU region, the guard: a
 * thread-stack overflow runs into it and raises MemManage, which still has the handler stack to
 * report on (cm_fault.h). The board's linker script lays this out and names the bounds; the board
 * passes them here once, as the cm_memory object.
 *
 * Seam: the board defines `const cm_memory_t cm_memory` (its linker-script symbols; usually by
 * expanding CM_MEMORY_FROM_LINKER) and expands CM_RESET_HANDLER once. cm_startup.c then implements hil_port_stack_hwm() and
 * hil_port_stack_size() of hil_port.h for it.
 */
#ifndef CM_STARTUP_H
#define CM_STARTUP_H

#include <stdint.h>

/** RAM layout of a board, from its linker script: pointers to the linker symbols. */
typedef struct {
    uint32_t *data_start, *data_end; /**< .data in RAM */
    const uint32_t *data_load;       /**< the load image of .data (flash) */
    uint32_t *bss_start, *bss_end;   /**< .bss, zeroed at boot */
    uint32_t *handler_stack_bottom, *handler_stack_top; /**< MSP: exceptions */
    /** MPU no-access guard below the thread stack: its size is a power of two >= 32 and it is
     *  aligned to its size. It must be larger than any stack frame, or a frame could skip it. */
    uint32_t *guard_start, *guard_end;
    uint32_t *stack_bottom, *stack_top; /**< PSP: the thread stack, painted at boot */
} cm_memory_t;

/** This board's layout. Defined by the board (with its linker-script symbols), in flash: it is
 *  read before .data exists. */
extern const cm_memory_t cm_memory;

/**
 * Define cm_memory from a linker script that names its bounds `__<p>_data_start`,
 * `__<p>_data_end`, `__<p>_data_load`, `__<p>_bss_start`, `__<p>_bss_end`,
 * `__<p>_handler_stack_bottom`, `__<p>_handler_stack_top`, `__<p>_guard_start`,
 * `__<p>_stack_bottom` and `__<p>_stack_top` (the guard ends where the thread stack begins).
 * Expand once at file scope, e.g. `CM_MEMORY_FROM_LINKER(qb);`.
 */
#define CM_MEMORY_FROM_LINKER(p)                                                                   \
    extern uint32_t __##p##_data_start[], __##p##_data_end[], __##p##_data_load[];                 \
    extern uint32_t __##p##_bss_start[], __##p##_bss_end[];                                        \
    extern uint32_t __##p##_handler_stack_bottom[], __##p##_handler_stack_top[];                   \
    extern uint32_t __##p##_guard_start[], __##p##_stack_bottom[], __##p##_stack_top[];            \
    const cm_memory_t cm_memory = {                                                                \
        .data_start = __##p##_data_start,                                                          \
        .data_end = __##p##_data_end,                                                              \
        .data_load = __##p##_data_load,                                                            \
        .bss_start = __##p##_bss_start,                                                            \
        .bss_end = __##p##_bss_end,                                                                \
        .handler_stack_bottom = __##p##_handler_stack_bottom,                                      \
        .handler_stack_top = __##p##_handler_stack_top,                                            \
        .guard_start = __##p##_guard_start,                                                        \
        .guard_end = __##p##_stack_bottom,                                                         \
        .stack_bottom = __##p##_stack_bottom,                                                      \
        .stack_top = __##p##_stack_top,                                                            \
    }

/** Word written over the whole thread stack at boot; hil_port_stack_hwm() counts the words from
 *  the bottom that still hold it. */
#define CM_STACK_PAINT 0xA5A5A5A5u

/**
 * Runs on MSP from the reset entry, before anything else: copy .data, zero .bss, paint the thread
 * stack, enable the MPU guard (region 0, background map for everything else), enable the
 * MemManage/BusFault/UsageFault exceptions and the divide-by-zero trap.
 * @return cm_memory.stack_top, the initial PSP.
 */
uint32_t *cm_startup_init(void);

/**
 * Define the reset entry `name`, in assembly so that nothing touches the FPU or the thread stack
 * before they are set up: enable CP10/CP11 (full access) in CPACR, run cm_startup_init() on MSP,
 * switch thread mode to PSP (CONTROL.SPSEL = 1, privileged), then call `main` (which must not
 * return; if it does, the core spins). Expand once at file scope, e.g.
 * `CM_RESET_HANDLER(qb_reset_handler, qb_main);`, and put `name` in the vector table.
 */
#define CM_RESET_HANDLER(name, main)                                                               \
    __asm__("  .section .text." #name ",\"ax\",%progbits\n"                                       \
            "  .global " #name "\n"                                                                \
            "  .type " #name ", %function\n"                                                       \
            "  .thumb_func\n" #name ":\n"                                                          \
            "  ldr r0, =0xE000ED88\n" /* SCB CPACR */                                              \
            "  ldr r1, [r0]\n"                                                                     \
            "  orr r1, r1, #(0xF << 20)\n"                                                         \
            "  str r1, [r0]\n"                                                                     \
            "  dsb\n"                                                                              \
            "  isb\n"                                                                              \
            "  bl cm_startup_init\n"                                                               \
            "  msr psp, r0\n"                                                                      \
            "  movs r0, #2\n"                                                                      \
            "  msr control, r0\n"                                                                  \
            "  isb\n"                                                                              \
            "  bl " #main "\n"                                                                     \
            "1: b 1b\n"                                                                            \
            "  .size " #name ", . - " #name "\n"                                                   \
            "  .ltorg\n"                                                                           \
            "  .text\n")

#endif /* CM_STARTUP_H */
