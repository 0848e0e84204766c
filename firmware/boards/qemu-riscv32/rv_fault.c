/**
 * @file rv_fault.c
 * @brief The trap report of the qemu-riscv32 board: any trap (there are no expected ones) is
 *        decoded from mcause/mtval into a protocol FAULT message on the link, then QEMU exits with
 *        RV_EXIT_FAULT (3), as a fault does on qemu-mps2-an386.
 *
 * FAULT keys (PROTOCOL.md 4), in this order:
 *   kind    illegal-instruction | access-fault | misaligned | breakpoint | ecall | page-fault |
 *           interrupt | exception (any other mcause)
 *   pc      mepc: the trapping instruction;  ra: the return address register at the trap
 *   sp      the stack pointer at the trap;  mcause, mtval: the trap CSRs
 *   frame   index of the audio frame being processed (or, between frames, the next one); -1
 *           before the agent runs
 *   cause   short text, e.g. "stack overflow (PMP guard)", "store access fault",
 *           "illegal instruction"
 * Hex values are 0x + 8 lower-case digits; frame is decimal. Example:
 *   kind=illegal-instruction pc=0x80000a3e ra=0x80000c12 sp=0x80033f60 mcause=0x00000002
 *   mtval=0x00000000 frame=3 cause=illegal instruction
 *
 * Runs on the trap stack (rv_startup.c). A trap while reporting skips the report and halts.
 */
#include <stdint.h>

#include "hil_agent.h"
#include "rv_board.h"

typedef struct {
    char buf[256];
    uint32_t len;
} rv_text_t;

static rv_text_t rv_text; /* static: the trap stack stays small */

__attribute__((cold)) static void rv_put(const char *s)
{
    while (*s != '\0' && rv_text.len + 1u < sizeof rv_text.buf) rv_text.buf[rv_text.len++] = *s++;
    rv_text.buf[rv_text.len] = '\0';
}

/** `key=0x%08x\n` */
__attribute__((cold)) static void rv_put_hex(const char *key, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char s[12];
    unsigned i;
    s[0] = '=';
    s[1] = '0';
    s[2] = 'x';
    for (i = 0; i < 8u; i++) s[3u + i] = hex[(v >> (28u - 4u * i)) & 0xFu];
    s[11] = '\0';
    rv_put(key);
    rv_put(s);
    rv_put("\n");
}

/** `key=%d\n` */
__attribute__((cold)) static void rv_put_int(const char *key, int32_t v)
{
    char s[12];
    uint32_t u = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    int n = 11;
    s[n] = '\0';
    do {
        s[--n] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u != 0u);
    if (v < 0) s[--n] = '-';
    rv_put(key);
    rv_put("=");
    rv_put(&s[n]);
    rv_put("\n");
}

static int rv_in(uint32_t a, const uint32_t *lo, const uint32_t *hi)
{
    return a >= (uint32_t)(uintptr_t)lo && a < (uint32_t)(uintptr_t)hi;
}

void rv_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t sp, uint32_t ra)
{
    static volatile uint32_t rv_in_fault;
    static const char *const causes[16] = {
        "instruction address misaligned", "instruction access fault", "illegal instruction",
        "breakpoint", "load address misaligned", "load access fault",
        "store address misaligned", "store access fault", "ecall from U-mode",
        "ecall from S-mode", "exception 10", "ecall from M-mode", "instruction page fault",
        "load page fault", "exception 14", "store page fault"};
    static const char *const kinds[16] = {
        "misaligned", "access-fault", "illegal-instruction", "breakpoint", "misaligned",
        "access-fault", "misaligned", "access-fault", "ecall", "ecall", "exception", "ecall",
        "page-fault", "page-fault", "exception", "page-fault"};
    const uint32_t code = mcause & 0x7FFFFFFFu;
    const int interrupt = (mcause >> 31) != 0u;
    const char *cause;

    if (rv_in_fault != 0u) rv_link_halt(RV_EXIT_FAULT); /* trap while reporting: just stop */
    rv_in_fault = 1u;
    cause = interrupt ? "unexpected interrupt" : code < 16u ? causes[code] : "unknown exception";
    /* an access fault in the guard, or sp already below the thread stack: overflow */
    if (!interrupt && (code == 5u || code == 7u) &&
        (rv_in(mtval, rv_memory.guard_start, rv_memory.guard_end) ||
         rv_in(sp, rv_memory.guard_start, rv_memory.guard_end)))
        cause = "stack overflow (PMP guard)";

    rv_text.len = 0u;
    rv_put("kind=");
    rv_put(interrupt ? "interrupt" : code < 16u ? kinds[code] : "exception");
    rv_put("\n");
    rv_put_hex("pc", mepc);
    rv_put_hex("ra", ra);
    rv_put_hex("sp", sp);
    rv_put_hex("mcause", mcause);
    rv_put_hex("mtval", mtval);
    rv_put_int("frame", rv_current_frame());
    rv_put("cause=");
    rv_put(cause);
    rv_put("\n");
    /* start on a fresh line in case the trap cut a line in half */
    hil_agent_fault(rv_text.buf);
    rv_link_halt(RV_EXIT_FAULT);
}
