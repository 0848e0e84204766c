/**
 * @file rv_counter.c
 * @brief hil_port_counter(): exact guest instructions from minstret under QEMU
 *        `-icount shift=N,align=off,sleep=off` (counter source `icount`).
 *
 * QEMU 7.2 (target/riscv/csr.c, get_ticks(); measured, README.md): with -icount, minstret and
 * mcycle both read icount_get(), QEMU's virtual clock in ns, i.e. (instructions << N) plus a
 * constant; without -icount both read the host's time-stamp counter. A CSR read ends QEMU's
 * translation block under -icount, so the value is exact at that instruction.
 *
 * So the board measures N once at boot, from two back-to-back reads of minstret: they differ by
 * exactly 2^N (one instruction) under -icount, and hil_port_counter() returns minstret >> N, the
 * exact instruction count whatever shift QEMU runs with. If the difference is not a power of two
 * up to 2^10 (QEMU without -icount, or a core whose minstret counts instructions: then 1 and
 * N = 0 is right anyway) the counter is reported as "none".
 *
 * 64-bit read on RV32, branch-free: minstreth, minstret, minstreth. If the two high words differ,
 * minstret wrapped between them (2 instructions, at most 2 x 2^10 units, apart), and the low word
 * belongs to the first high word when it is still near the top of its range (bit 31 set), to the
 * second one otherwise. No loop and no data-dependent branch: every read costs the same number of
 * instructions, wrap or not (as the Arm board's timer extension).
 */
#include "hil_port.h"
#include "rv_board.h"

static uint32_t rv_shift; /**< QEMU's -icount shift, measured by rv_counter_init() */

/** minstret as 64 bits, raw (units of 2^shift instructions under -icount). */
static inline uint64_t rv_minstret64(void)
{
    uint32_t hi1, lo, hi2, hi;
    __asm__ volatile("csrr %0, minstreth\n\t"
                     "csrr %1, minstret\n\t"
                     "csrr %2, minstreth"
                     : "=&r"(hi1), "=&r"(lo), "=r"(hi2));
    hi = hi2 ^ ((hi1 ^ hi2) & (0u - (lo >> 31))); /* lo's bit 31 set: hi1, else hi2 */
    return ((uint64_t)hi << 32) | lo;
}

int32_t rv_counter_init(void)
{
    uint32_t a, b, d;
    __asm__ volatile("csrr %0, minstret\n\t"
                     "csrr %1, minstret"
                     : "=&r"(a), "=r"(b));
    d = b - a;
    if (d == 0u || d > 1024u || (d & (d - 1u)) != 0u) return -1;
    rv_shift = (uint32_t)__builtin_ctz(d);
    return (int32_t)rv_shift;
}

uint64_t hil_port_counter(void)
{
    const uint64_t raw = rv_minstret64();
    const uint32_t lo = (uint32_t)raw, hi = (uint32_t)(raw >> 32), s = rv_shift;
    /* raw >> s for s in 0..31 without a branch: (hi << 1) << (31 - s) is hi << (32 - s) */
    return ((uint64_t)(hi >> s) << 32) | (lo >> s) | ((hi << 1) << (31u - s));
}
