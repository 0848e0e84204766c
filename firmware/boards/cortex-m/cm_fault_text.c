/**
 * @file cm_fault_text.c
 * @brief The FAULT key=value text of a Cortex-M fault (cm_fault.h): cause decoding from the
 *        ARMv7-M fault status registers and a bounded text builder. Portable C99, no register
 *        access: unit tested on the host (test/test_cm_fault.c).
 *
 * Everything here runs once, at a fault: it is marked cold (optimised for size, as the code of a
 * noreturn handler is) so that the report costs as little flash as it can.
 */
#include <stdint.h>

#include "cm_armv7m.h"
#include "cm_fault.h"

#define CM_COLD __attribute__((cold))

/** Bounded text builder for the FAULT payload (static: the handler stack stays small). */
typedef struct {
    char buf[384];
    uint32_t len;
} cm_text_t;

CM_COLD static void cm_put(cm_text_t *t, const char *s)
{
    while (*s != '\0' && t->len + 1u < sizeof t->buf) t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

/** `key=0x%08x\n` */
CM_COLD static void cm_put_hex(cm_text_t *t, const char *key, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char s[11];
    unsigned i;
    s[0] = '0';
    s[1] = 'x';
    for (i = 0; i < 8u; i++) s[2u + i] = hex[(v >> (28u - 4u * i)) & 0xFu];
    s[10] = '\0';
    cm_put(t, key);
    cm_put(t, "=");
    cm_put(t, s);
    cm_put(t, "\n");
}

/** `key=%d\n` */
CM_COLD static void cm_put_int(cm_text_t *t, const char *key, int32_t v)
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
    cm_put(t, key);
    cm_put(t, "=");
    cm_put(t, &s[n]);
    cm_put(t, "\n");
}

/* Is [p, p + 32) inside one of the two stacks (a readable, complete exception frame)? */
CM_COLD int cm_fault_frame_readable(const uint32_t *p, const cm_memory_t *mem)
{
    const uintptr_t a = (uintptr_t)p;
    return (a >= (uintptr_t)mem->stack_bottom && a + 32u <= (uintptr_t)mem->stack_top) ||
           (a >= (uintptr_t)mem->handler_stack_bottom &&
            a + 32u <= (uintptr_t)mem->handler_stack_top);
}

/** Short human-readable cause from the fault status registers, most specific first. */
CM_COLD static const char *cm_cause(const cm_fault_t *f, const cm_memory_t *mem,
                                    const char *nmi_cause)
{
    const uint32_t cfsr = f->cfsr;
    if ((cfsr & (CM_CFSR_MSTKERR | CM_CFSR_STKERR)) != 0u) return "stack overflow (stacking error)";
    if ((cfsr & CM_CFSR_DACCVIOL) != 0u && (cfsr & CM_CFSR_MMARVALID) != 0u &&
        f->mmfar >= (uintptr_t)mem->guard_start && f->mmfar < (uintptr_t)mem->guard_end)
        return "stack overflow (MPU guard)";
    if ((cfsr & CM_CFSR_UNDEFINSTR) != 0u) return "undefined instruction";
    if ((cfsr & CM_CFSR_INVSTATE) != 0u) return "invalid state (Thumb bit)";
    if ((cfsr & CM_CFSR_INVPC) != 0u) return "invalid exception return";
    if ((cfsr & CM_CFSR_NOCP) != 0u) return "no coprocessor (FPU off)";
    if ((cfsr & CM_CFSR_DIVBYZERO) != 0u) return "divide by zero";
    if ((cfsr & CM_CFSR_UNALIGNED) != 0u) return "unaligned access";
    if ((cfsr & CM_CFSR_PRECISERR) != 0u) return "precise data bus error";
    if ((cfsr & CM_CFSR_IMPRECISERR) != 0u) return "imprecise data bus error";
    if ((cfsr & CM_CFSR_IBUSERR) != 0u) return "instruction bus error";
    if ((cfsr & (CM_CFSR_UNSTKERR | CM_CFSR_MUNSTKERR)) != 0u) return "unstacking error";
    if ((cfsr & (CM_CFSR_DACCVIOL | CM_CFSR_IACCVIOL)) != 0u) return "MPU access violation";
    if ((f->hfsr & CM_HFSR_VECTTBL) != 0u) return "vector table read error";
    if (f->kind == CM_FAULT_NMI) return nmi_cause;
    return "unknown";
}

CM_COLD const char *cm_fault_text(const cm_fault_t *f, const cm_memory_t *mem,
                                  const char *nmi_cause)
{
    static cm_text_t t;
    static const char *const kinds[] = {"exception", "hardfault", "memmanage", "busfault",
                                        "usagefault", "nmi", "exception"};
    t.len = 0u;
    cm_put(&t, "kind=");
    cm_put(&t, kinds[f->kind <= CM_FAULT_OTHER ? f->kind : 0u]);
    cm_put(&t, "\n");
    if (f->stacked) {
        cm_put_hex(&t, "pc", f->pc);
        cm_put_hex(&t, "lr", f->lr);
        cm_put_hex(&t, "xpsr", f->xpsr);
    } else {
        cm_put(&t, "pc=unknown\nlr=unknown\nxpsr=unknown\n");
    }
    cm_put_hex(&t, "cfsr", f->cfsr);
    cm_put_hex(&t, "hfsr", f->hfsr);
    if ((f->cfsr & CM_CFSR_MMARVALID) != 0u) cm_put_hex(&t, "mmfar", f->mmfar);
    if ((f->cfsr & CM_CFSR_BFARVALID) != 0u) cm_put_hex(&t, "bfar", f->bfar);
    cm_put_int(&t, "frame", f->frame);
    cm_put_hex(&t, "sp", (uint32_t)(uintptr_t)f->sp);
    cm_put_hex(&t, "exc_return", f->exc_return);
    cm_put(&t, "cause=");
    if (f->kind == CM_FAULT_OTHER) {
        cm_put(&t, "unexpected exception ");
        cm_put_int(&t, "number", (int32_t)(f->ipsr & 0x1FFu));
    } else {
        cm_put(&t, cm_cause(f, mem, nmi_cause));
        cm_put(&t, "\n");
    }
    return t.buf;
}
