/**
 * @file sf_counter.c
 * @brief 64-bit core cycle counter from the DWT cycle counter (counter source `dwt`).
 *
 * DWT_CYCCNT counts core clock cycles in 32 bits once DEMCR.TRCENA and DWT_CTRL.CYCCNTENA are
 * set. hil_port_counter() extends it to 64 bits without interrupts: each read compares CYCCNT
 * with the previous read and adds 2^32 when it went backwards. Interrupt-free means no cycles of
 * a timer interrupt are ever added to a measured frame; the price is a REQUIREMENT:
 *
 *   hil_port_counter() must be called at least once every 2^32 core cycles
 *   (268 s at 16 MHz, 51 s at 84 MHz, 23.8 s at 180 MHz),
 *
 * otherwise whole wraps are lost (the value stays monotonic, it just misses 2^32 cycles). The
 * agent reads it around every frame and sf_main() reads it on every idle pass of its main loop,
 * so this only matters for a model frame that itself runs for more than 2^32 cycles (RESULT
 * flags bit 0 would be set for it anyway). Do not put the core to sleep (WFI) in the idle loop:
 * CYCCNT stops while the core clock is gated, and the loop must keep reading.
 *
 * Not reentrant: call it from thread mode only (the agent and sf_main do), never from an ISR.
 * A debugger attached with its own use of the DWT may reset CYCCNT; the 64-bit value then jumps
 * forward by less than 2^32 once, it never goes backwards.
 */
#include "sf_board.h"

#include "hil_port.h"

static uint32_t sf_cyc_high; /**< completed 2^32-cycle wraps */
static uint32_t sf_cyc_last; /**< CYCCNT at the previous read */

int sf_counter_init(void)
{
    CM_DEMCR |= CM_DEMCR_TRCENA; /* enable the DWT and ITM blocks */
    __asm__ volatile("dsb\n isb" ::: "memory");
    if ((CM_DWT_CTRL & CM_DWT_CTRL_NOCYCCNT) != 0u) return -1;
    CM_DWT_LAR = 0xC5ACCE55u;    /* unlock (ignored where there is no lock) */
    CM_DWT_CYCCNT = 0u;
    CM_DWT_CTRL |= CM_DWT_CTRL_CYCCNTENA;
    sf_cyc_high = 0u;
    sf_cyc_last = 0u;
    return 0;
}

uint64_t hil_port_counter(void)
{
    const uint32_t now = CM_DWT_CYCCNT;
    /* branch-free: the same instructions run whether or not CYCCNT wrapped */
    sf_cyc_high += (uint32_t)(now < sf_cyc_last);
    sf_cyc_last = now;
    return ((uint64_t)sf_cyc_high << 32) | now;
}
