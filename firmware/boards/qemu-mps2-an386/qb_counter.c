/**
 * @file qb_counter.c
 * @brief 64-bit instruction counter for QEMU `-icount shift=N,align=off,sleep=off` (counter
 *        source `icount`), built on CMSDK APB timer 0.
 *
 * Facts (QEMU 7.2, measured, see README.md): under `-icount shift=N` every guest instruction
 * advances QEMU's virtual clock by exactly 2^N ns; timer 0 is clocked at 25 MHz, one tick per
 * 40 ns of virtual time, and counts down from its reload value. Reading VALUE returns
 * ceil(remaining_ns / 40), so the ticks elapsed since the timer was started, e, satisfy
 *     e = ceil(k * 2^N / 40)          (k = instructions executed since the start).
 * For N >= 6 (2^N >= 40, i.e. at least one tick per instruction) this inverts exactly:
 *     k = floor(e * 40 / 2^N).
 * So hil_port_counter() returns the exact number of guest instructions since qb_counter_init()
 * (shift 6: 64 ns per instruction, 1.6 ticks per instruction, k = floor(5e/8)). The default
 * build assumes shift=6; QB_ICOUNT_SHIFT must match the `-icount shift` QEMU runs with.
 *
 * 64-bit extension without interrupts: each read compares the ticks elapsed in the current timer
 * period with the previous read and adds one period when it went backwards. Interrupt-free
 * means no instruction is ever added to a measured frame; the price is that the counter must be
 * read at least once per timer period (2^32 ticks = 2^32 * 40 / 2^N instructions, 2.7e9 at
 * shift 6): the agent reads it around every frame and the uart driver reads it while it polls.
 * (While QEMU blocks in a semihosting SYS_READ the virtual clock does not move.)
 * The extension is straight-line code (no data-dependent branch), so a wrap does not change the
 * instruction count of the read either.
 */
#include "qb_board.h"

#include "hil_port.h"

/** Ticks per timer period. */
#define QB_TIMER_PERIOD ((uint64_t)QB_TIMER_RELOAD + 1u)

static uint64_t qb_ticks_base; /**< ticks of the completed timer periods */
static uint32_t qb_ticks_last; /**< ticks into the current period at the previous read */

void qb_counter_init(void)
{
    QB_TIMER_CTRL(QB_TIMER0_BASE) = 0u;
    QB_TIMER_RELOADREG(QB_TIMER0_BASE) = QB_TIMER_RELOAD;
    QB_TIMER_VALUE(QB_TIMER0_BASE) = QB_TIMER_RELOAD;
    QB_TIMER_INTCLEAR(QB_TIMER0_BASE) = 1u;
    qb_ticks_base = 0u;
    qb_ticks_last = 0u;
    QB_TIMER_CTRL(QB_TIMER0_BASE) = 1u; /* enable; no interrupt, internal clock */
}

uint64_t hil_port_counter(void)
{
    const uint32_t value = QB_TIMER_VALUE(QB_TIMER0_BASE);
    const uint32_t into = (uint32_t)QB_TIMER_RELOAD - value; /* 0 .. RELOAD */
    /* branch-free: 1 if the period rolled over since the previous read */
    const uint32_t wrapped = (uint32_t)(into < qb_ticks_last);
    uint64_t ticks;
    qb_ticks_base += (uint64_t)wrapped * QB_TIMER_PERIOD;
    qb_ticks_last = into;
    ticks = qb_ticks_base + into + 1u; /* + 1: VALUE rounds the remaining time up */
    return (ticks * 40u) >> QB_ICOUNT_SHIFT;
}
