/**
 * @file qb_semihost.c
 * @brief ARM semihosting calls (BKPT 0xAB on M-profile), served by QEMU with `-semihosting`.
 *
 * Used by the `semihost` link driver and to end the emulation (exit code) after a fault report or
 * at end of input. Semihosting calls are executed by QEMU inside one guest instruction: they cost
 * no guest instructions of their own, and while QEMU blocks in a SYS_READ the virtual clock of
 * `-icount` does not advance.
 */
#include "qb_board.h"

/** SYS_EXIT_EXTENDED: parameter block {reason, subcode}. */
#define QB_SYS_EXIT_EXTENDED 0x20u
/** ADP_Stopped_ApplicationExit: QEMU exits with the subcode as its exit status. */
#define QB_ADP_APPLICATION_EXIT 0x20026u

int32_t qb_semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

void qb_semihost_exit(int32_t code)
{
    const uint32_t block[2] = {QB_ADP_APPLICATION_EXIT, (uint32_t)code};
    (void)qb_semihost_call(QB_SYS_EXIT_EXTENDED, block);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
