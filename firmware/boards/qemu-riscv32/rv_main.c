/**
 * @file rv_main.c
 * @brief qemu-riscv32 application: the protocol agent + one model on the semihosting link, the
 *        hil_port seam (identity, write), reset reasons and build-time fault injection.
 *
 * Build-time configuration (set by board.mk), as on qemu-mps2-an386:
 *   HIL_MODEL, HIL_MODEL_STATE_BYTES, HIL_FW_NAME, HIL_FW_VERSION, HIL_BUILD_ID
 *   HIL_FAULT_AT_FRAME=N, HIL_FAULT_KIND=K  when frame N (0-based) is about to be processed:
 *         illegal        an illegal instruction (`unimp`): FAULT kind=illegal-instruction
 *         storefault     store to an unmapped address (0x00020000): kind=access-fault
 *         stackoverflow  unbounded recursion into the PMP guard: cause=stack overflow (PMP guard)
 *         hang           spin forever inside the frame (no answer, QEMU keeps running)
 *         reset          machine reset through virt's test device: BOOT reason=sysreset follows
 *         silent         stop answering: every later output is dropped, input still consumed
 *   HIL_CORRUPT_FROM_FRAME=N, HIL_CORRUPT_SAMPLE=K  deliberately wrong output (hil_corrupt.h)
 */
#include <stdint.h>

#include "hil_agent.h"
#include "hil_corrupt.h"
#include "hil_port.h"
#include "rv_board.h"

#ifndef HIL_MODEL
#error "define HIL_MODEL to the model descriptor symbol, e.g. -DHIL_MODEL=hil_model_gain"
#endif
#ifndef HIL_MODEL_STATE_BYTES
#define HIL_MODEL_STATE_BYTES (256u * 1024u)
#endif
#ifndef HIL_FW_NAME
#define HIL_FW_NAME "hil-qemu-rv32"
#endif
#ifndef HIL_FW_VERSION
#define HIL_FW_VERSION "0.0.0"
#endif
#ifndef HIL_BUILD_ID
#define HIL_BUILD_ID "unknown"
#endif
/** Core clock reported in INFO: none is defined for virt (information only; the real-time budget
 *  comes from the target profile's clockHz). */
#ifndef RV_CLOCK_HZ
#define RV_CLOCK_HZ 0u
#endif

extern const hil_model_t HIL_MODEL;

static hil_agent_t rv_agent;
static int rv_agent_up;
static uint64_t rv_model_state[(HIL_MODEL_STATE_BYTES + 7u) / 8u];
static volatile int rv_silent; /* fault injection "silent": drop all output */

/** Filled at boot: the counter is "icount" only when QEMU runs with -icount (rv_counter.c). */
static hil_port_identity_t rv_identity = {
    "qemu-riscv32", HIL_FW_NAME, HIL_FW_VERSION, HIL_BUILD_ID, RV_CLOCK_HZ, "none",
};

/* ---- port ------------------------------------------------------------------------------------ */

void hil_port_write(const uint8_t *buf, size_t n)
{
    if (!rv_silent) rv_link_write(buf, n);
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &rv_identity;
}

int32_t rv_current_frame(void)
{
    return rv_agent_up ? (int32_t)hil_agent_stats(&rv_agent)->frames : -1;
}

/* ---- reset reason ---------------------------------------------------------------------------- */

#define RV_NOINIT_MAGIC 0x52565254u /* "RVRT" */
enum { RV_RR_EXTERNAL = 1, RV_RR_SYSRESET = 2 };

/** Reason of this boot from the two words QEMU neither loads nor clears (zero at power-on); arms
 *  them so that the next reset reads as external (QMP system_reset, gdb monitor system_reset). */
static const char *rv_reset_reason(void)
{
    volatile uint32_t *w = rv_memory.noinit;
    const char *reason = "power-on";
    if (w[0] == RV_NOINIT_MAGIC) reason = w[1] == RV_RR_SYSRESET ? "sysreset" : "reset";
    w[0] = RV_NOINIT_MAGIC;
    w[1] = RV_RR_EXTERNAL;
    return reason;
}

/* ---- fault injection --------------------------------------------------------------------------- */

#ifdef HIL_FAULT_AT_FRAME
#ifndef HIL_FAULT_KIND
#error "HIL_FAULT_AT_FRAME needs HIL_FAULT_KIND (illegal|storefault|stackoverflow|hang|reset|silent)"
#endif
#define RV_FK_illegal 1
#define RV_FK_storefault 2
#define RV_FK_stackoverflow 3
#define RV_FK_hang 4
#define RV_FK_reset 5
#define RV_FK_silent 6
#define RV_CAT_(a, b) a##b
#define RV_CAT(a, b) RV_CAT_(a, b)
#define RV_FAULT_KIND_ID RV_CAT(RV_FK_, HIL_FAULT_KIND)
#if RV_FAULT_KIND_ID < 1 || RV_FAULT_KIND_ID > 6
#error "unknown HIL_FAULT_KIND (illegal|storefault|stackoverflow|hang|reset|silent)"
#endif

static hil_model_t rv_model; /* HIL_MODEL with process wrapped */

#if RV_FAULT_KIND_ID == 3
/** Recurse until the thread stack runs into the PMP guard. */
static uint32_t rv_recurse(volatile uint32_t n)
{
    volatile uint32_t pad[32];
    pad[0] = n;
    if (n > 0x7FFFFFFFu) return pad[0];
    return rv_recurse(n + 1u) + pad[0];
}
#endif

static void rv_inject_fault(void)
{
#if RV_FAULT_KIND_ID == 1
    __asm__ volatile("unimp" ::: "memory");
#elif RV_FAULT_KIND_ID == 2
    RV_REG(0x00020000u) = 0xDEADBEEFu; /* nothing is mapped there on virt */
#elif RV_FAULT_KIND_ID == 3
    (void)rv_recurse(0u);
#elif RV_FAULT_KIND_ID == 4
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
#elif RV_FAULT_KIND_ID == 5
    rv_memory.noinit[0] = RV_NOINIT_MAGIC;
    rv_memory.noinit[1] = RV_RR_SYSRESET;
    RV_REG(RV_TEST_BASE) = RV_TEST_RESET;
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
#elif RV_FAULT_KIND_ID == 6
    rv_silent = 1;
#endif
}

static hil_model_status_t rv_fault_process(void *state, const int16_t *in, int16_t *out)
{
    if (hil_agent_stats(&rv_agent)->frames == (uint32_t)(HIL_FAULT_AT_FRAME)) rv_inject_fault();
    return HIL_MODEL.process(state, in, out);
}

#define RV_STR_(x) #x
#define RV_STR(x) RV_STR_(x)
#define RV_FAULT_NOTE " fault_inject=" RV_STR(HIL_FAULT_KIND) "@" RV_STR(HIL_FAULT_AT_FRAME)
#else
#define RV_FAULT_NOTE ""
#endif

/* ---- main ------------------------------------------------------------------------------------ */

/** Append s to the NUL-terminated text in buf[cap] (truncating). */
static void rv_append(char *buf, size_t cap, const char *s)
{
    size_t n = 0u;
    while (n + 1u < cap && buf[n] != '\0') n++;
    while (n + 1u < cap && *s != '\0') buf[n++] = *s++;
    buf[n] = '\0';
}

void rv_main(void) __attribute__((noreturn));

void rv_main(void)
{
    /* one read takes whatever the link has, up to this (a few lines per SYS_READ when the host
     * is ahead); a line that lies whole in it is decoded there */
    static uint8_t rx[4096];
    static const char *const shift_note[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    const hil_model_t *model = &HIL_MODEL;
    const char *reason = rv_reset_reason();
    const int32_t shift = rv_counter_init();

    if (shift >= 0) rv_identity.counter = "icount";
    rv_link_init();
#ifdef HIL_FAULT_AT_FRAME
    rv_model = HIL_MODEL;
    rv_model.process = rv_fault_process;
    model = &rv_model;
#endif
#ifdef HIL_CORRUPT_FROM_FRAME
    model = hil_corrupt_wrap(model);
#endif
    if (hil_agent_init(&rv_agent, model, rv_model_state, sizeof rv_model_state) != 0) {
        hil_agent_log("qemu-riscv32: model does not fit the agent (state or hop too large)");
        rv_link_halt(RV_EXIT_FAULT);
    }
    rv_agent_up = 1;
    hil_agent_boot(&rv_agent, reason);
    if (shift >= 0) {
        static char note[112] = "qemu-riscv32: link=semihost counter=minstret icount_shift=";
        rv_append(note, sizeof note, shift_note[shift]);
        rv_append(note, sizeof note, RV_FAULT_NOTE);
        hil_agent_log(note);
    } else {
        hil_agent_log("qemu-riscv32: link=semihost counter=none (minstret is not an instruction"
                      " count: run QEMU with -icount shift=N,align=off,sleep=off)" RV_FAULT_NOTE);
    }
#ifdef HIL_CORRUPT_FROM_FRAME
    hil_agent_log("qemu-riscv32: " HIL_CORRUPT_NOTE);
#endif
    for (;;) {
        const size_t n = rv_link_read(rx, sizeof rx);
        hil_agent_feed(&rv_agent, rx, n);
    }
}
