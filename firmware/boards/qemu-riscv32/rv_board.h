/**
 * @file rv_board.h
 * @brief Internal interface of the qemu-riscv32 board (QEMU `qemu-system-riscv32 -M virt`,
 *        RV32IMAC, machine mode only): memory layout, semihosting link, instruction counter,
 *        traps and reset reasons.
 *
 * Everything public is prefixed `rv_`. The protocol agent only sees hil_port.h; this header is
 * shared by the board's own translation units (rv_startup.c, rv_fault.c, rv_semihost.c,
 * rv_counter.c, rv_main.c).
 */
#ifndef RV_BOARD_H
#define RV_BOARD_H

#include <stddef.h>
#include <stdint.h>

/** 32-bit register at an absolute address. */
#define RV_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/** virt's SiFive test device ("finisher"): 0x7777 resets the machine, 0x5555 powers it off. */
#define RV_TEST_BASE 0x00100000u
#define RV_TEST_RESET 0x7777u

/** Exit status of QEMU (semihosting SYS_EXIT_EXTENDED), as on qemu-mps2-an386. */
#define RV_EXIT_EOF 0   /**< the link reached end of input (the host closed stdin) */
#define RV_EXIT_FAULT 3 /**< after a FAULT report */
#define RV_EXIT_LINK 4  /**< the semihosting link failed (SYS_READ error) */

/** Read a CSR by name (e.g. RV_CSR_READ(mcause)). */
#define RV_CSR_READ(csr)                                                                           \
    __extension__({                                                                                \
        uint32_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })

/* ---- memory layout (rv32_virt.ld; rv_startup.c) ---------------------------------------------- */

/** Bounds from the linker script. Stacks, low to high: trap stack | PMP guard | thread stack. */
typedef struct {
    uint32_t *bss_start, *bss_end;
    uint32_t *trap_stack_bottom, *trap_stack_top;
    uint32_t *guard_start, *guard_end; /**< no-access (locked PMP) region below the thread stack */
    uint32_t *stack_bottom, *stack_top;
    volatile uint32_t *noinit; /**< two words outside the loaded image: survive a reset */
} rv_memory_t;

extern const rv_memory_t rv_memory;

/* ---- semihosting and the link (rv_semihost.c) ------------------------------------------------ */

/** One RISC-V semihosting call (slli/ebreak/srai); returns a0. Needs QEMU `-semihosting`. */
int32_t rv_semihost_call(uint32_t op, const void *arg);
/** Terminate QEMU with the given exit status (SYS_EXIT_EXTENDED, ApplicationExit). */
void rv_semihost_exit(int32_t code) __attribute__((noreturn));
/** Open the link (SYS_OPEN ":tt" for reading and for writing: QEMU's stdin and stdout). */
void rv_link_init(void);
/** Block until input arrives; returns 1..cap bytes. End of input exits QEMU with RV_EXIT_EOF. */
size_t rv_link_read(uint8_t *buf, size_t cap);
/** Write n bytes (line-buffered; flushed at every '\n'). Safe in the trap handler. */
void rv_link_write(const uint8_t *buf, size_t n);
/** Flush and exit QEMU with `code`. */
void rv_link_halt(int32_t code) __attribute__((noreturn));

/* ---- instruction counter (rv_counter.c) ----------------------------------------------------- */

/** Measure the scale of minstret (QEMU's -icount shift) once at boot; returns it, or -1 when
 *  minstret is not instructions x 2^shift (QEMU without -icount). */
int32_t rv_counter_init(void);

/* ---- traps and frames (rv_fault.c, rv_main.c) ----------------------------------------------- */

/** Trap report (rv_fault.c), called by the trap entry on the trap stack: FAULT, then halt. */
void rv_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t sp, uint32_t ra)
    __attribute__((noreturn));
/** Index of the frame being processed (or next), -1 before the agent runs (rv_main.c). */
int32_t rv_current_frame(void);

#endif /* RV_BOARD_H */
