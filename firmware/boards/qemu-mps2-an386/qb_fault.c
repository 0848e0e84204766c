/**
 * @file qb_fault.c
 * @brief Fault handlers: report HardFault, MemManage, BusFault, UsageFault, NMI and unexpected
 *        exceptions on the link as a protocol FAULT message (hil_agent_fault), then stop: QEMU
 *        exits with QB_EXIT_FAULT (semihost link) or the core parks (uart link).
 *
 * FAULT keys (PROTOCOL.md 4): kind, pc, lr, xpsr, cfsr, hfsr, mmfar (when MMARVALID), bfar (when
 * BFARVALID), frame, sp, exc_return, cause. `kind` is hardfault | memmanage | busfault |
 * usagefault | nmi | exception (an unexpected exception; `cause` gives its number). pc/lr/xpsr
 * are from the stacked exception frame, or "unknown" when the frame could not be stacked
 * (MSTKERR/STKERR, e.g. a stack overflow into the MPU guard). `frame` is the index of the audio
 * frame being processed (or, between frames, the next one); -1 before the agent runs.
 */
#include "qb_board.h"

extern uint32_t __qb_stack_bottom[], __qb_stack_top[];
extern uint32_t __qb_handler_stack_bottom[], __qb_handler_stack_top[];
extern uint32_t __qb_guard_start[], __qb_guard_size[];

/** Fault kinds passed by the assembly entry stubs. */
enum { QB_FK_HARD = 1, QB_FK_MEM = 2, QB_FK_BUS = 3, QB_FK_USAGE = 4, QB_FK_NMI = 5,
       QB_FK_OTHER = 6 };

/* CFSR bits. */
#define QB_CFSR_IACCVIOL (1u << 0)
#define QB_CFSR_DACCVIOL (1u << 1)
#define QB_CFSR_MUNSTKERR (1u << 3)
#define QB_CFSR_MSTKERR (1u << 4)
#define QB_CFSR_MMARVALID (1u << 7)
#define QB_CFSR_IBUSERR (1u << 8)
#define QB_CFSR_PRECISERR (1u << 9)
#define QB_CFSR_IMPRECISERR (1u << 10)
#define QB_CFSR_UNSTKERR (1u << 11)
#define QB_CFSR_STKERR (1u << 12)
#define QB_CFSR_BFARVALID (1u << 15)
#define QB_CFSR_UNDEFINSTR (1u << 16)
#define QB_CFSR_INVSTATE (1u << 17)
#define QB_CFSR_INVPC (1u << 18)
#define QB_CFSR_NOCP (1u << 19)
#define QB_CFSR_UNALIGNED (1u << 24)
#define QB_CFSR_DIVBYZERO (1u << 25)
#define QB_HFSR_FORCED (1u << 30)
#define QB_HFSR_VECTTBL (1u << 1)

void qb_fault_report(const uint32_t *frame, uint32_t exc_return, uint32_t kind)
    __attribute__((noreturn, used));

/*
 * Entry stubs: r0 = the stacked frame (MSP or PSP per EXC_RETURN bit 2), r1 = EXC_RETURN,
 * r2 = kind. They run on MSP, which a thread-stack overflow does not touch.
 */
#define QB_FAULT_STUB(name, kind)                                                                  \
    __asm__("  .section .text." #name ",\"ax\",%progbits\n"                                       \
            "  .global " #name "\n"                                                                \
            "  .type " #name ", %function\n"                                                       \
            "  .thumb_func\n" #name ":\n"                                                          \
            "  tst lr, #4\n"                                                                       \
            "  ite eq\n"                                                                           \
            "  mrseq r0, msp\n"                                                                    \
            "  mrsne r0, psp\n"                                                                    \
            "  mov r1, lr\n"                                                                       \
            "  movs r2, #" #kind "\n"                                                              \
            "  b qb_fault_report\n"                                                                \
            "  .size " #name ", . - " #name "\n"                                                   \
            "  .text\n")

QB_FAULT_STUB(qb_hardfault_handler, 1);
QB_FAULT_STUB(qb_memmanage_handler, 2);
QB_FAULT_STUB(qb_busfault_handler, 3);
QB_FAULT_STUB(qb_usagefault_handler, 4);
QB_FAULT_STUB(qb_nmi_handler, 5);
QB_FAULT_STUB(qb_unexpected_handler, 6);

/** Bounded text builder for the FAULT payload. */
typedef struct {
    char buf[384];
    uint32_t len;
} qb_text_t;

static void qb_put(qb_text_t *t, const char *s)
{
    while (*s != '\0' && t->len + 1u < sizeof t->buf) t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

static void qb_put_hex(qb_text_t *t, const char *key, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char s[11];
    int i;
    s[0] = '0';
    s[1] = 'x';
    for (i = 0; i < 8; i++) s[2 + i] = hex[(v >> (28u - 4u * (uint32_t)i)) & 0xFu];
    s[10] = '\0';
    qb_put(t, key);
    qb_put(t, "=");
    qb_put(t, s);
    qb_put(t, "\n");
}

static void qb_put_int(qb_text_t *t, const char *key, int32_t v)
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
    qb_put(t, key);
    qb_put(t, "=");
    qb_put(t, &s[n]);
    qb_put(t, "\n");
}

/** Is [p, p + 32) inside one of the two stacks (a readable, complete exception frame)? */
static int qb_frame_readable(const uint32_t *p)
{
    const uintptr_t a = (uintptr_t)p;
    return (a >= (uintptr_t)__qb_stack_bottom && a + 32u <= (uintptr_t)__qb_stack_top) ||
           (a >= (uintptr_t)__qb_handler_stack_bottom &&
            a + 32u <= (uintptr_t)__qb_handler_stack_top);
}

/** Short human-readable cause from the fault status registers. */
static const char *qb_cause(uint32_t kind, uint32_t cfsr, uint32_t hfsr, uint32_t mmfar)
{
    const uintptr_t guard = (uintptr_t)__qb_guard_start;
    const uintptr_t guard_size = (uintptr_t)__qb_guard_size;
    if ((cfsr & (QB_CFSR_MSTKERR | QB_CFSR_STKERR)) != 0u) return "stack overflow (stacking error)";
    if ((cfsr & QB_CFSR_DACCVIOL) != 0u && (cfsr & QB_CFSR_MMARVALID) != 0u && mmfar >= guard &&
        mmfar < guard + guard_size)
        return "stack overflow (MPU guard)";
    if ((cfsr & QB_CFSR_UNDEFINSTR) != 0u) return "undefined instruction";
    if ((cfsr & QB_CFSR_INVSTATE) != 0u) return "invalid state (Thumb bit)";
    if ((cfsr & QB_CFSR_INVPC) != 0u) return "invalid exception return";
    if ((cfsr & QB_CFSR_NOCP) != 0u) return "no coprocessor (FPU off)";
    if ((cfsr & QB_CFSR_DIVBYZERO) != 0u) return "divide by zero";
    if ((cfsr & QB_CFSR_UNALIGNED) != 0u) return "unaligned access";
    if ((cfsr & QB_CFSR_PRECISERR) != 0u) return "precise data bus error";
    if ((cfsr & QB_CFSR_IMPRECISERR) != 0u) return "imprecise data bus error";
    if ((cfsr & QB_CFSR_IBUSERR) != 0u) return "instruction bus error";
    if ((cfsr & (QB_CFSR_UNSTKERR | QB_CFSR_MUNSTKERR)) != 0u) return "unstacking error";
    if ((cfsr & (QB_CFSR_DACCVIOL | QB_CFSR_IACCVIOL)) != 0u) return "MPU access violation";
    if ((hfsr & QB_HFSR_VECTTBL) != 0u) return "vector table read error";
    if (kind == QB_FK_NMI) return "NMI";
    return "unknown";
}

void qb_fault_report(const uint32_t *frame, uint32_t exc_return, uint32_t kind)
{
    static volatile uint32_t qb_in_fault;
    static qb_text_t t; /* static: the handler stack stays small */
    static const char *const kinds[] = {"exception", "hardfault", "memmanage", "busfault",
                                        "usagefault", "nmi", "exception"};
    const uint32_t cfsr = QB_SCB_CFSR, hfsr = QB_SCB_HFSR;
    const uint32_t mmfar = QB_SCB_MMFAR, bfar = QB_SCB_BFAR;
    uint32_t ipsr;

    if (qb_in_fault != 0u) qb_link_halt(QB_EXIT_FAULT); /* fault while reporting: just stop */
    qb_in_fault = 1u;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));

    t.len = 0u;
    qb_put(&t, "kind=");
    qb_put(&t, kinds[kind <= QB_FK_OTHER ? kind : 0u]);
    qb_put(&t, "\n");
    if (qb_frame_readable(frame)) {
        qb_put_hex(&t, "pc", frame[6]);
        qb_put_hex(&t, "lr", frame[5]);
        qb_put_hex(&t, "xpsr", frame[7]);
    } else {
        qb_put(&t, "pc=unknown\nlr=unknown\nxpsr=unknown\n");
    }
    qb_put_hex(&t, "cfsr", cfsr);
    qb_put_hex(&t, "hfsr", hfsr);
    if ((cfsr & QB_CFSR_MMARVALID) != 0u) qb_put_hex(&t, "mmfar", mmfar);
    if ((cfsr & QB_CFSR_BFARVALID) != 0u) qb_put_hex(&t, "bfar", bfar);
    qb_put_int(&t, "frame", qb_current_frame());
    qb_put_hex(&t, "sp", (uint32_t)(uintptr_t)frame);
    qb_put_hex(&t, "exc_return", exc_return);
    qb_put(&t, "cause=");
    if (kind == QB_FK_OTHER) {
        qb_put(&t, "unexpected exception ");
        qb_put_int(&t, "number", (int32_t)(ipsr & 0x1FFu));
    } else {
        qb_put(&t, qb_cause(kind, cfsr, hfsr, mmfar));
        qb_put(&t, "\n");
    }
    /* start on a fresh line in case the fault cut a line in half */
    qb_link_write((const uint8_t *)"\n", 1u);
    hil_agent_fault(t.buf);
    qb_link_halt(QB_EXIT_FAULT);
}
