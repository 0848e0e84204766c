/**
 * @file sf_fault.c
 * @brief Fault handlers of the stm32f4-template board: HardFault, MemManage, BusFault,
 *        UsageFault, NMI and any unexpected exception or interrupt are reported on the link as a
 *        protocol FAULT message (hil_agent_fault), then the core spins with interrupts off.
 *
 * FAULT keys (PROTOCOL.md 4): kind (hardfault | memmanage | busfault | usagefault | nmi |
 * exception), pc, lr, xpsr (from the stacked frame, "unknown" when it could not be stacked, e.g.
 * a stack overflow into the MPU guard), cfsr, hfsr, mmfar / bfar (when valid), frame (index of the
 * audio frame being processed, -1 before the agent runs), sp, exc_return, cause. The handlers run
 * on MSP (the handler stack), which a thread-stack overflow does not touch, and use the polled
 * UART transmitter only. After the report the board needs a reset (the host's `reset` method:
 * flasher/dtr/rts, or the RESET button).
 */
#include "sf_board.h"

extern uint32_t __sf_stack_bottom[], __sf_stack_top[];
extern uint32_t __sf_handler_stack_bottom[], __sf_handler_stack_top[];
extern uint32_t __sf_guard_start[];

/** Fault kinds passed by the assembly entry stubs. */
enum { SF_FK_HARD = 1, SF_FK_MEM = 2, SF_FK_BUS = 3, SF_FK_USAGE = 4, SF_FK_NMI = 5,
       SF_FK_OTHER = 6 };

/* CFSR bits (ARMv7-M). */
#define SF_CFSR_IACCVIOL (1u << 0)
#define SF_CFSR_DACCVIOL (1u << 1)
#define SF_CFSR_MUNSTKERR (1u << 3)
#define SF_CFSR_MSTKERR (1u << 4)
#define SF_CFSR_MMARVALID (1u << 7)
#define SF_CFSR_IBUSERR (1u << 8)
#define SF_CFSR_PRECISERR (1u << 9)
#define SF_CFSR_IMPRECISERR (1u << 10)
#define SF_CFSR_UNSTKERR (1u << 11)
#define SF_CFSR_STKERR (1u << 12)
#define SF_CFSR_BFARVALID (1u << 15)
#define SF_CFSR_UNDEFINSTR (1u << 16)
#define SF_CFSR_INVSTATE (1u << 17)
#define SF_CFSR_INVPC (1u << 18)
#define SF_CFSR_NOCP (1u << 19)
#define SF_CFSR_UNALIGNED (1u << 24)
#define SF_CFSR_DIVBYZERO (1u << 25)
#define SF_HFSR_VECTTBL (1u << 1)

void sf_fault_report(const uint32_t *frame, uint32_t exc_return, uint32_t kind)
    __attribute__((noreturn, used));

/* Entry stubs: r0 = the stacked frame (MSP or PSP per EXC_RETURN bit 2), r1 = EXC_RETURN,
 * r2 = kind. */
#define SF_FAULT_STUB(name, kind)                                                                  \
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
            "  b sf_fault_report\n"                                                                \
            "  .size " #name ", . - " #name "\n"                                                   \
            "  .text\n")

SF_FAULT_STUB(sf_hardfault_handler, 1);
SF_FAULT_STUB(sf_memmanage_handler, 2);
SF_FAULT_STUB(sf_busfault_handler, 3);
SF_FAULT_STUB(sf_usagefault_handler, 4);
SF_FAULT_STUB(sf_nmi_handler, 5);
SF_FAULT_STUB(sf_unexpected_handler, 6);

/** Bounded text builder for the FAULT payload (static: the handler stack stays small). */
typedef struct {
    char buf[384];
    uint32_t len;
} sf_text_t;

static void sf_put(sf_text_t *t, const char *s)
{
    while (*s != '\0' && t->len + 1u < sizeof t->buf) t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

static void sf_put_hex(sf_text_t *t, const char *key, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char s[11];
    unsigned i;
    s[0] = '0';
    s[1] = 'x';
    for (i = 0; i < 8u; i++) s[2u + i] = hex[(v >> (28u - 4u * i)) & 0xFu];
    s[10] = '\0';
    sf_put(t, key);
    sf_put(t, "=");
    sf_put(t, s);
    sf_put(t, "\n");
}

static void sf_put_int(sf_text_t *t, const char *key, int32_t v)
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
    sf_put(t, key);
    sf_put(t, "=");
    sf_put(t, &s[n]);
    sf_put(t, "\n");
}

/** Is [p, p + 32) inside one of the two stacks (a readable, complete exception frame)? */
static int sf_frame_readable(const uint32_t *p)
{
    const uintptr_t a = (uintptr_t)p;
    return (a >= (uintptr_t)__sf_stack_bottom && a + 32u <= (uintptr_t)__sf_stack_top) ||
           (a >= (uintptr_t)__sf_handler_stack_bottom &&
            a + 32u <= (uintptr_t)__sf_handler_stack_top);
}

/** Short human-readable cause from the fault status registers. */
static const char *sf_cause(uint32_t kind, uint32_t cfsr, uint32_t hfsr, uint32_t mmfar)
{
    const uintptr_t guard = (uintptr_t)__sf_guard_start;
    if ((cfsr & (SF_CFSR_MSTKERR | SF_CFSR_STKERR)) != 0u) return "stack overflow (stacking error)";
    if ((cfsr & SF_CFSR_DACCVIOL) != 0u && (cfsr & SF_CFSR_MMARVALID) != 0u && mmfar >= guard &&
        mmfar < guard + 32u)
        return "stack overflow (MPU guard)";
    if ((cfsr & SF_CFSR_UNDEFINSTR) != 0u) return "undefined instruction";
    if ((cfsr & SF_CFSR_INVSTATE) != 0u) return "invalid state (Thumb bit)";
    if ((cfsr & SF_CFSR_INVPC) != 0u) return "invalid exception return";
    if ((cfsr & SF_CFSR_NOCP) != 0u) return "no coprocessor (FPU off)";
    if ((cfsr & SF_CFSR_DIVBYZERO) != 0u) return "divide by zero";
    if ((cfsr & SF_CFSR_UNALIGNED) != 0u) return "unaligned access";
    if ((cfsr & SF_CFSR_PRECISERR) != 0u) return "precise data bus error";
    if ((cfsr & SF_CFSR_IMPRECISERR) != 0u) return "imprecise data bus error";
    if ((cfsr & SF_CFSR_IBUSERR) != 0u) return "instruction bus error";
    if ((cfsr & (SF_CFSR_UNSTKERR | SF_CFSR_MUNSTKERR)) != 0u) return "unstacking error";
    if ((cfsr & (SF_CFSR_DACCVIOL | SF_CFSR_IACCVIOL)) != 0u) return "MPU access violation";
    if ((hfsr & SF_HFSR_VECTTBL) != 0u) return "vector table read error";
    if (kind == SF_FK_NMI) return "NMI (clock security system or external)";
    return "unknown";
}

/** Stop for good: interrupts off, spin (a debugger can still attach and inspect). */
static void sf_halt(void) __attribute__((noreturn));
static void sf_halt(void)
{
    sf_uart_flush();
    __asm__ volatile("cpsid i" ::: "memory");
    for (;;) {
        __asm__ volatile("nop");
    }
}

void sf_fault_report(const uint32_t *frame, uint32_t exc_return, uint32_t kind)
{
    static volatile uint32_t sf_in_fault;
    static sf_text_t t;
    static const char *const kinds[] = {"exception", "hardfault", "memmanage", "busfault",
                                        "usagefault", "nmi", "exception"};
    const uint32_t cfsr = SF_SCB_CFSR, hfsr = SF_SCB_HFSR;
    const uint32_t mmfar = SF_SCB_MMFAR, bfar = SF_SCB_BFAR;
    uint32_t ipsr;

    if (sf_in_fault != 0u) sf_halt(); /* fault while reporting: just stop */
    sf_in_fault = 1u;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));

    t.len = 0u;
    sf_put(&t, "kind=");
    sf_put(&t, kinds[kind <= SF_FK_OTHER ? kind : 0u]);
    sf_put(&t, "\n");
    if (sf_frame_readable(frame)) {
        sf_put_hex(&t, "pc", frame[6]);
        sf_put_hex(&t, "lr", frame[5]);
        sf_put_hex(&t, "xpsr", frame[7]);
    } else {
        sf_put(&t, "pc=unknown\nlr=unknown\nxpsr=unknown\n");
    }
    sf_put_hex(&t, "cfsr", cfsr);
    sf_put_hex(&t, "hfsr", hfsr);
    if ((cfsr & SF_CFSR_MMARVALID) != 0u) sf_put_hex(&t, "mmfar", mmfar);
    if ((cfsr & SF_CFSR_BFARVALID) != 0u) sf_put_hex(&t, "bfar", bfar);
    sf_put_int(&t, "frame", sf_current_frame());
    sf_put_hex(&t, "sp", (uint32_t)(uintptr_t)frame);
    sf_put_hex(&t, "exc_return", exc_return);
    sf_put(&t, "cause=");
    if (kind == SF_FK_OTHER) {
        sf_put(&t, "unexpected exception ");
        sf_put_int(&t, "number", (int32_t)(ipsr & 0x1FFu));
    } else {
        sf_put(&t, sf_cause(kind, cfsr, hfsr, mmfar));
        sf_put(&t, "\n");
    }
    /* start on a fresh line in case the fault cut a line in half */
    sf_uart_write((const uint8_t *)"\n", 1u);
    hil_agent_fault(t.buf);
    sf_halt();
}

void sf_fatal(const char *kv)
{
    sf_uart_write((const uint8_t *)"\n", 1u);
    hil_agent_fault(kv);
    sf_halt();
}
