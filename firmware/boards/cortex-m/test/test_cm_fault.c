/**
 * @file test_cm_fault.c
 * @brief Host unit test of the FAULT text of the Cortex-M boards (cm_fault_text.c): exact text for
 *        the register values the QEMU fault-injection images report, every cause of the decoding
 *        order, the stacked-frame readability bounds, the kind and frame fields.
 *
 *   test_cm_fault    run the checks; prints "N passed, N failed", exits 1 on failure
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cm_fault.h"
#include "hil_check.h"

static void check_text(const char *got, const char *want, int line)
{
    if (strcmp(got, want) == 0) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d:\n--- want\n%s--- got\n%s---\n", line, want, got);
    }
}

#define CHECK_TEXT(got, want) check_text((got), (want), __LINE__)

/* Host stand-in for RAM: handler stack ram[0..64), a gap, thread stack ram[96..160). The guard
 * is never dereferenced, so fake addresses do (those of the qemu-mps2-an386 layout: 1 KiB at
 * 0x20000800). */
static uint32_t ram[160];
static uint32_t *const handler_stack = ram + 0;
static uint32_t *const thread_stack = ram + 96;
static const cm_memory_t mem = {
    .handler_stack_bottom = ram + 0,
    .handler_stack_top = ram + 64,
    .guard_start = (uint32_t *)(uintptr_t)0x20000800u,
    .guard_end = (uint32_t *)(uintptr_t)0x20000C00u,
    .stack_bottom = ram + 96,
    .stack_top = ram + 160,
};

/** A fault of `kind` with the stacked frame at sp, filled in as cm_fault_report() does: pc, lr
 *  and xpsr only when the frame is readable. */
static cm_fault_t fault(uint32_t kind, const uint32_t *sp, uint32_t pc, uint32_t lr, uint32_t xpsr)
{
    cm_fault_t f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.sp = sp;
    f.stacked = cm_fault_frame_readable(sp, &mem);
    if (f.stacked) {
        f.pc = pc;
        f.lr = lr;
        f.xpsr = xpsr;
    }
    f.exc_return = 0xffffffedu;
    f.frame = 3;
    return f;
}

/** The value cm_fault_text prints for sp. */
static const char *sp_hex(const uint32_t *sp)
{
    static char s[16];
    snprintf(s, sizeof s, "0x%08lx", (unsigned long)(uint32_t)(uintptr_t)sp);
    return s;
}

/** The FAULT texts of the QEMU fault-injection images (qemu-mps2-an386, gain model, fault at
 *  frame 3), with sp replaced by the host frame's address. */
static void test_injected_faults(void)
{
    char want[512];
    uint32_t *sp = thread_stack + 40;
    cm_fault_t f = fault(CM_FAULT_HARD, sp, 0x0000035eu, 0x00000341u, 0x610f0000u);
    f.cfsr = 0x00010000u;
    f.hfsr = 0x40000000u;
    snprintf(want, sizeof want,
             "kind=hardfault\npc=0x0000035e\nlr=0x00000341\nxpsr=0x610f0000\ncfsr=0x00010000\n"
             "hfsr=0x40000000\nframe=3\nsp=%s\nexc_return=0xffffffed\n"
             "cause=undefined instruction\n",
             sp_hex(sp));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    f = fault(CM_FAULT_BUS, sp, 0x0000034cu, 0x00000341u, 0x610f0000u);
    f.cfsr = 0x00008200u;
    f.bfar = 0x30000000u;
    f.mmfar = 0x12345678u; /* not valid (MMARVALID clear): not reported */
    snprintf(want, sizeof want,
             "kind=busfault\npc=0x0000034c\nlr=0x00000341\nxpsr=0x610f0000\ncfsr=0x00008200\n"
             "hfsr=0x00000000\nbfar=0x30000000\nframe=3\nsp=%s\nexc_return=0xffffffed\n"
             "cause=precise data bus error\n",
             sp_hex(sp));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    f = fault(CM_FAULT_USAGE, sp, 0x00000346u, 0x00000341u, 0x61000000u);
    f.cfsr = 0x00010000u;
    snprintf(want, sizeof want,
             "kind=usagefault\npc=0x00000346\nlr=0x00000341\nxpsr=0x61000000\ncfsr=0x00010000\n"
             "hfsr=0x00000000\nframe=3\nsp=%s\nexc_return=0xffffffed\n"
             "cause=undefined instruction\n",
             sp_hex(sp));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    /* stack overflow: stacking failed, sp points into the guard (not a readable frame) */
    f = fault(CM_FAULT_MEM, (uint32_t *)(uintptr_t)0x20000988u, 0u, 0u, 0u);
    f.cfsr = 0x00000092u;
    f.mmfar = 0x200009f4u;
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"),
               "kind=memmanage\npc=unknown\nlr=unknown\nxpsr=unknown\ncfsr=0x00000092\n"
               "hfsr=0x00000000\nmmfar=0x200009f4\nframe=3\nsp=0x20000988\n"
               "exc_return=0xffffffed\ncause=stack overflow (stacking error)\n");
}

/** `cause=` value of a fault with these registers. */
static const char *cause_of(uint32_t kind, uint32_t cfsr, uint32_t hfsr, uint32_t mmfar,
                            const char *nmi_cause)
{
    cm_fault_t f = fault(kind, (uint32_t *)(uintptr_t)0x10u, 0u, 0u, 0u);
    const char *t, *c;
    f.cfsr = cfsr;
    f.hfsr = hfsr;
    f.mmfar = mmfar;
    t = cm_fault_text(&f, &mem, nmi_cause);
    c = strstr(t, "cause=");
    return c != NULL ? c + 6 : t;
}

/* `cause=` of a fault with these registers, on a board whose NMI cause is "NMI". */
#define CAUSE(kind, cfsr, hfsr, mmfar, want)                                                       \
    CHECK_TEXT(cause_of(kind, cfsr, hfsr, mmfar, "NMI"), want)

static void test_causes(void)
{
    /* every cause alone, and the order when several bits are set (most specific first) */
    CAUSE(CM_FAULT_MEM, 0x00000010u, 0u, 0u, "stack overflow (stacking error)\n");
    CAUSE(CM_FAULT_BUS, 0x00001000u, 0u, 0u, "stack overflow (stacking error)\n");
    CAUSE(CM_FAULT_MEM, 0x00000082u, 0u, 0x20000800u, "stack overflow (MPU guard)\n");
    CAUSE(CM_FAULT_MEM, 0x00000082u, 0u, 0x20000bffu, "stack overflow (MPU guard)\n");
    CAUSE(CM_FAULT_MEM, 0x00000082u, 0u, 0x20000c00u, "MPU access violation\n");
    CAUSE(CM_FAULT_MEM, 0x00000082u, 0u, 0x200007ffu, "MPU access violation\n");
    CAUSE(CM_FAULT_MEM, 0x00000002u, 0u, 0x20000900u, "MPU access violation\n");
    CAUSE(CM_FAULT_MEM, 0x00000001u, 0u, 0u, "MPU access violation\n");
    CAUSE(CM_FAULT_USAGE, 0x00020000u, 0u, 0u, "invalid state (Thumb bit)\n");
    CAUSE(CM_FAULT_USAGE, 0x00040000u, 0u, 0u, "invalid exception return\n");
    CAUSE(CM_FAULT_USAGE, 0x00080000u, 0u, 0u, "no coprocessor (FPU off)\n");
    CAUSE(CM_FAULT_USAGE, 0x02000000u, 0u, 0u, "divide by zero\n");
    CAUSE(CM_FAULT_USAGE, 0x01000000u, 0u, 0u, "unaligned access\n");
    CAUSE(CM_FAULT_USAGE, 0x03010000u, 0u, 0u, "undefined instruction\n");
    CAUSE(CM_FAULT_BUS, 0x00000400u, 0u, 0u, "imprecise data bus error\n");
    CAUSE(CM_FAULT_BUS, 0x00000100u, 0u, 0u, "instruction bus error\n");
    CAUSE(CM_FAULT_BUS, 0x00000800u, 0u, 0u, "unstacking error\n");
    CAUSE(CM_FAULT_MEM, 0x00000008u, 0u, 0u, "unstacking error\n");
    CAUSE(CM_FAULT_HARD, 0u, 0x00000002u, 0u, "vector table read error\n");
    CAUSE(CM_FAULT_HARD, 0u, 0x40000000u, 0u, "unknown\n");
    /* NMI: the board's text (qemu-mps2-an386 and stm32f4-template differ) */
    CAUSE(CM_FAULT_NMI, 0u, 0u, 0u, "NMI\n");
    CHECK_TEXT(cause_of(CM_FAULT_NMI, 0u, 0u, 0u, "NMI (clock security system or external)"),
               "NMI (clock security system or external)\n");
}

static void test_frame_readable(void)
{
    CHECK(cm_fault_frame_readable(thread_stack, &mem));
    CHECK(cm_fault_frame_readable(thread_stack + 56, &mem));   /* ends at the top */
    CHECK(!cm_fault_frame_readable(thread_stack + 57, &mem));  /* runs past the top */
    CHECK(!cm_fault_frame_readable(thread_stack - 1, &mem));   /* starts below the bottom */
    CHECK(cm_fault_frame_readable(handler_stack, &mem));
    CHECK(cm_fault_frame_readable(handler_stack + 56, &mem));
    CHECK(!cm_fault_frame_readable(handler_stack + 57, &mem)); /* runs into the gap */
    CHECK(!cm_fault_frame_readable((const uint32_t *)(uintptr_t)0x20000988u, &mem));
}

static void test_fields(void)
{
    uint32_t *last = thread_stack + 64 - 8; /* the frame ends exactly at the top: readable */
    uint32_t *h = handler_stack + 10;
    cm_fault_t f = fault(CM_FAULT_OTHER, last, 0x08000123u, 0xfffffff9u, 0x01000036u);
    char want[512];

    /* unexpected exception: kind=exception, the IPSR exception number (IRQ 38 = 54) */
    f.ipsr = 0x00000036u;
    f.frame = -1;
    snprintf(want, sizeof want,
             "kind=exception\npc=0x08000123\nlr=0xfffffff9\nxpsr=0x01000036\ncfsr=0x00000000\n"
             "hfsr=0x00000000\nframe=-1\nsp=%s\nexc_return=0xffffffed\n"
             "cause=unexpected exception number=54\n",
             sp_hex(last));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    /* a frame that runs past the top of the stack is not read */
    f = fault(CM_FAULT_HARD, last + 1, 0u, 0u, 0u);
    f.frame = -2147483647 - 1;
    snprintf(want, sizeof want,
             "kind=hardfault\npc=unknown\nlr=unknown\nxpsr=unknown\ncfsr=0x00000000\n"
             "hfsr=0x00000000\nframe=-2147483648\nsp=%s\nexc_return=0xffffffed\ncause=unknown\n",
             sp_hex(last + 1));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    /* on the handler stack (a fault in a handler), read; kinds beyond the table: exception */
    f = fault(9u, h, 0x22222222u, 0x11111111u, 0x33333333u);
    f.frame = 2147483647;
    f.exc_return = 0xfffffff1u;
    f.cfsr = 0x00000080u;
    f.mmfar = 0xdeadbeefu;
    snprintf(want, sizeof want,
             "kind=exception\npc=0x22222222\nlr=0x11111111\nxpsr=0x33333333\ncfsr=0x00000080\n"
             "hfsr=0x00000000\nmmfar=0xdeadbeef\nframe=2147483647\nsp=%s\n"
             "exc_return=0xfffffff1\ncause=unknown\n",
             sp_hex(h));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);

    /* just below the bottom of the thread stack (in the gap): not read */
    f = fault(CM_FAULT_BUS, thread_stack - 1, 0u, 0u, 0u);
    f.cfsr = 0x00000200u;
    snprintf(want, sizeof want,
             "kind=busfault\npc=unknown\nlr=unknown\nxpsr=unknown\ncfsr=0x00000200\n"
             "hfsr=0x00000000\nframe=3\nsp=%s\nexc_return=0xffffffed\n"
             "cause=precise data bus error\n",
             sp_hex(thread_stack - 1));
    CHECK_TEXT(cm_fault_text(&f, &mem, "NMI"), want);
}

int main(void)
{
    test_injected_faults();
    test_causes();
    test_frame_readable();
    test_fields();
    return hil_check_summary();
}
