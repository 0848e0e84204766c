/**
 * @file qb_main.c
 * @brief qemu-mps2-an386 application: the protocol agent + one model on the selected link, the
 *        hil_port seam (identity, write), reset reasons and build-time fault injection.
 *
 * Build-time configuration (set by board.mk):
 *   HIL_MODEL              model descriptor symbol (e.g. hil_model_gain)
 *   HIL_MODEL_STATE_BYTES  bytes of model state to reserve
 *   HIL_FW_NAME / HIL_FW_VERSION / HIL_BUILD_ID  identity reported in BOOT and INFO
 *   HIL_FAULT_AT_FRAME=N, HIL_FAULT_KIND=K  fault injection: when frame N (0-based count of
 *       frames processed) is about to be processed, K happens:
 *         hardfault      undefined instruction with the configurable faults disabled, so it
 *                        escalates to a real HardFault (HFSR.FORCED, CFSR.UNDEFINSTR)
 *         busfault       store to an unmapped address (0x30000000): precise BusFault, BFAR
 *         usagefault     undefined instruction: UsageFault
 *         stackoverflow  unbounded recursion into the MPU stack guard: MemManage
 *         hang           spin forever inside the frame (no answer, QEMU keeps running)
 *         reset          system reset (AIRCR SYSRESETREQ): the image boots again, BOOT
 *                        reason=sysreset
 *         silent         stop answering: every later output is dropped, input still consumed
 *   HIL_CORRUPT_FROM_FRAME=N, HIL_CORRUPT_SAMPLE=K  deliberately wrong output (hil_corrupt.h):
 *       sample K of every frame from frame N on (since the last RESET) is off by 1 LSB
 */
#include <stdint.h>

#include "hil_agent.h"
#include "hil_corrupt.h"
#include "hil_port.h"
#include "qb_board.h"

#ifndef HIL_MODEL
#error "define HIL_MODEL to the model descriptor symbol, e.g. -DHIL_MODEL=hil_model_gain"
#endif
#ifndef HIL_MODEL_STATE_BYTES
#define HIL_MODEL_STATE_BYTES (256u * 1024u)
#endif
#ifndef HIL_FW_NAME
#define HIL_FW_NAME "hil-qemu"
#endif
#ifndef HIL_FW_VERSION
#define HIL_FW_VERSION "0.0.0"
#endif
#ifndef HIL_BUILD_ID
#define HIL_BUILD_ID "unknown"
#endif

/** Core clock reported in INFO (the AN386 image runs the M4 at the 25 MHz system clock). */
#ifndef QB_CLOCK_HZ
#define QB_CLOCK_HZ QB_SYSCLK_HZ
#endif

extern const hil_model_t HIL_MODEL;

static hil_agent_t qb_agent;
static int qb_agent_up;
static uint64_t qb_model_state[(HIL_MODEL_STATE_BYTES + 7u) / 8u];
static volatile int qb_silent; /* fault injection "silent": drop all output */

static const hil_port_identity_t qb_identity = {
    "qemu-mps2-an386", HIL_FW_NAME, HIL_FW_VERSION, HIL_BUILD_ID, QB_CLOCK_HZ, "icount",
};

/* ---- port ------------------------------------------------------------------------------------ */

void hil_port_write(const uint8_t *buf, size_t n)
{
    if (!qb_silent) qb_link_write(buf, n);
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &qb_identity;
}

int32_t qb_current_frame(void)
{
    return qb_agent_up ? (int32_t)hil_agent_stats(&qb_agent)->frames : -1;
}

/* ---- reset reason ---------------------------------------------------------------------------- */

#define QB_NOINIT_MAGIC 0x51425254u /* "QBRT" */
enum { QB_RR_EXTERNAL = 1, QB_RR_SYSRESET = 2 };

/** Survives a system reset (section .noinit is neither loaded nor cleared); zero at power-on
 *  because QEMU starts with zeroed RAM. */
static uint32_t qb_noinit[2] __attribute__((section(".noinit")));

/** Reason of this boot; arms the record so that the next reset reads as external. */
static const char *qb_reset_reason(void)
{
    const char *reason = "power-on";
    if (qb_noinit[0] == QB_NOINIT_MAGIC) {
        reason = qb_noinit[1] == QB_RR_SYSRESET ? "sysreset" : "reset";
    }
    qb_noinit[0] = QB_NOINIT_MAGIC;
    qb_noinit[1] = QB_RR_EXTERNAL;
    return reason;
}

void qb_request_reset(const char *reason)
{
    (void)reason;
    qb_noinit[0] = QB_NOINIT_MAGIC;
    qb_noinit[1] = QB_RR_SYSRESET;
    __asm__ volatile("dsb" ::: "memory");
    CM_SCB_AIRCR = CM_AIRCR_VECTKEY | CM_AIRCR_SYSRESETREQ;
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
        __asm__ volatile("nop");
    }
}

/* ---- fault injection --------------------------------------------------------------------------- */

#ifdef HIL_FAULT_AT_FRAME
#ifndef HIL_FAULT_KIND
#error "HIL_FAULT_AT_FRAME needs HIL_FAULT_KIND (hardfault|busfault|usagefault|stackoverflow|hang|reset|silent)"
#endif
#define QB_FK_hardfault 1
#define QB_FK_busfault 2
#define QB_FK_usagefault 3
#define QB_FK_stackoverflow 4
#define QB_FK_hang 5
#define QB_FK_reset 6
#define QB_FK_silent 7
#define QB_CAT_(a, b) a##b
#define QB_CAT(a, b) QB_CAT_(a, b)
#define QB_FAULT_KIND_ID QB_CAT(QB_FK_, HIL_FAULT_KIND)
#if QB_FAULT_KIND_ID < 1 || QB_FAULT_KIND_ID > 7
#error "unknown HIL_FAULT_KIND (hardfault|busfault|usagefault|stackoverflow|hang|reset|silent)"
#endif

static hil_model_t qb_model; /* HIL_MODEL with process wrapped */

#if QB_FAULT_KIND_ID == 4
/** Recurse until the thread stack runs into the MPU guard. */
static uint32_t qb_recurse(volatile uint32_t n)
{
    volatile uint32_t pad[32];
    pad[0] = n;
    if (n > 0x7FFFFFFFu) return pad[0];
    return qb_recurse(n + 1u) + pad[0];
}
#endif

/** Trigger the configured fault. */
static void qb_inject_fault(void)
{
#if QB_FAULT_KIND_ID == 1
    CM_SCB_SHCSR &= ~(CM_SHCSR_MEMFAULTENA | CM_SHCSR_BUSFAULTENA | CM_SHCSR_USGFAULTENA);
    __asm__ volatile("dsb\n isb\n udf #0" ::: "memory");
#elif QB_FAULT_KIND_ID == 2
    QB_REG(0x30000000u) = 0xDEADBEEFu;
#elif QB_FAULT_KIND_ID == 3
    __asm__ volatile("udf #1" ::: "memory");
#elif QB_FAULT_KIND_ID == 4
    (void)qb_recurse(0u);
#elif QB_FAULT_KIND_ID == 5
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
#elif QB_FAULT_KIND_ID == 6
    qb_request_reset("sysreset");
#elif QB_FAULT_KIND_ID == 7
    qb_silent = 1;
#endif
}

static hil_model_status_t qb_fault_process(void *state, const int16_t *in, int16_t *out)
{
    if (hil_agent_stats(&qb_agent)->frames == (uint32_t)(HIL_FAULT_AT_FRAME)) qb_inject_fault();
    return HIL_MODEL.process(state, in, out);
}

#define QB_STR_(x) #x
#define QB_STR(x) QB_STR_(x)
#define QB_FAULT_NOTE " fault_inject=" QB_STR(HIL_FAULT_KIND) "@" QB_STR(HIL_FAULT_AT_FRAME)
#else
#define QB_FAULT_NOTE ""
#endif

/* ---- main ------------------------------------------------------------------------------------ */

#define QB_STR2_(x) #x
#define QB_STR2(x) QB_STR2_(x)

void qb_main(void) __attribute__((noreturn));

void qb_main(void)
{
    /* one read takes whatever the link has, up to this: on the semihost link a few lines per
     * SYS_READ call when the host is ahead, and a line that lies whole in it is decoded there */
    static uint8_t rx[4096];
    const hil_model_t *model = &HIL_MODEL;
    const char *reason = qb_reset_reason();

    qb_counter_init();
    qb_link_init();
#ifdef HIL_FAULT_AT_FRAME
    qb_model = HIL_MODEL;
    qb_model.process = qb_fault_process;
    model = &qb_model;
#endif
#ifdef HIL_CORRUPT_FROM_FRAME
    model = hil_corrupt_wrap(model);
#endif
    if (hil_agent_init(&qb_agent, model, qb_model_state, sizeof qb_model_state) != 0) {
        hil_agent_log("qemu-mps2-an386: model does not fit the agent (state or hop too large)");
        qb_link_halt(QB_EXIT_FAULT);
    }
    qb_agent_up = 1;
    hil_agent_boot(&qb_agent, reason);
    if (qb_link_name[0] == 'u') {
        hil_agent_log("qemu-mps2-an386: link=uart icount_shift=" QB_STR2(QB_ICOUNT_SHIFT) QB_FAULT_NOTE);
    } else {
        hil_agent_log("qemu-mps2-an386: link=semihost icount_shift=" QB_STR2(QB_ICOUNT_SHIFT) QB_FAULT_NOTE);
    }
#ifdef HIL_CORRUPT_FROM_FRAME
    hil_agent_log("qemu-mps2-an386: " HIL_CORRUPT_NOTE);
#endif
    for (;;) {
        const size_t n = qb_link_read(rx, sizeof rx);
        hil_agent_feed(&qb_agent, rx, n);
    }
}
