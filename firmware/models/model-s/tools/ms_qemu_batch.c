/**
 * @file ms_qemu_batch.c
 * @brief Model S batch image for QEMU mps2-an386: processes audio already in guest memory, with
 *        no host interaction until it prints one summary line per file and exits.
 *
 * It is the "no harness" side of harness/bench/qemu-overhead.ts: the same model, the same board
 * start-up and the same `-icount` timing as hil-qemu-model-s-semihost.elf, but no protocol and no
 * link traffic while it runs. The host loads the input with QEMU's generic loader:
 *
 *   qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -semihosting \
 *       -icount shift=6,align=off,sleep=off -kernel hil-qemu-model-s-batch.elf \
 *       -device loader,file=input.bin,addr=0x21000000
 *
 * input.bin (little-endian), at MSQB_ADDR (PSRAM, 16 MiB):
 *   u32 magic 0x3142514D ("MQB1"), u32 file count F (1..MSQB_MAX_FILES),
 *   u32 samples[F] (each file's length), then each file's samples as int16, zero padded to a
 *   whole number of 160-sample frames.
 * Each file is processed like one `hil run` case: ms_reset, then every frame in order (default
 * parameters). Outputs overwrite the inputs in place. Per file it prints (semihosting, stdout)
 *   file=<i> samples=<n> frames=<f> fnv=<FNV-1a 32 of the first n output samples, LE bytes>
 *   instr_total=<sum> instr_min=<min> instr_max=<max>
 * where instr_* are exact guest instructions of the model's process call per frame (called
 * through the hil_model_t descriptor and timed exactly like the agent's PROCESS), then `done files=<F> stack_hwm=<bytes>` and exits QEMU with status 0
 * (1: bad input header).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hil_agent.h"
#include "hil_port.h"
#include "ms_model.h"
#include "qb_board.h"

#define MSQB_ADDR 0x21000000u
#define MSQB_MAGIC 0x3142514Du
#define MSQB_MAX_FILES 256u
#define MSQB_MAX_BYTES (16u * 1024u * 1024u)

static ms_state_t msqb_state;
static int32_t msqb_frame = -1;

/* ---- what the board files need from an application ------------------------------------------ */

static const hil_port_identity_t msqb_identity = {
    "qemu-mps2-an386", "hil-qemu-model-s-batch", "0.1.0", "batch", QB_SYSCLK_HZ, "icount",
};

const hil_port_identity_t *hil_port_identity(void)
{
    return &msqb_identity;
}

void hil_port_write(const uint8_t *buf, size_t n)
{
    qb_link_write(buf, n);
}

int32_t qb_current_frame(void)
{
    return msqb_frame;
}

/** Fault report of qb_fault.c (no agent here: plain text, then qb_fault.c exits QEMU with 3). */
void hil_agent_fault(const char *kv)
{
    qb_link_write((const uint8_t *)"fault\n", 6u);
    qb_link_write((const uint8_t *)kv, strlen(kv));
}

void qb_request_reset(const char *reason)
{
    (void)reason;
    qb_semihost_exit(2);
}

/* ---- text output ---------------------------------------------------------------------------- */

static char msqb_line[256];
static size_t msqb_len;

static void put_str(const char *s)
{
    while (*s != '\0' && msqb_len < sizeof msqb_line) msqb_line[msqb_len++] = *s++;
}

static void put_u64(const char *key, uint64_t v)
{
    char digits[21];
    size_t n = 0u;
    put_str(key);
    do {
        digits[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0u && msqb_len < sizeof msqb_line) msqb_line[msqb_len++] = digits[--n];
}

static void put_hex32(const char *key, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    int i;
    put_str(key);
    for (i = 28; i >= 0; i -= 4) {
        if (msqb_len < sizeof msqb_line) msqb_line[msqb_len++] = hex[(v >> (unsigned)i) & 0xFu];
    }
}

static void flush_line(void)
{
    put_str("\n");
    qb_link_write((const uint8_t *)msqb_line, msqb_len);
    msqb_len = 0u;
}

/* ---- the batch ------------------------------------------------------------------------------- */

static uint32_t fnv1a_samples(const int16_t *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    uint32_t i;
    for (i = 0u; i < n; i++) {
        const uint16_t u = (uint16_t)s[i];
        h = (h ^ (uint32_t)(u & 0xFFu)) * 16777619u;
        h = (h ^ (uint32_t)(u >> 8)) * 16777619u;
    }
    return h;
}

void qb_main(void);
void qb_main(void)
{
    const volatile uint32_t *hdr = (const volatile uint32_t *)MSQB_ADDR;
    uint32_t files;
    uint32_t f;
    size_t offset;
    int16_t *audio;
    static int16_t out[MS_HOP];

    qb_link_init();
    qb_counter_init();
    files = hdr[1];
    if (hdr[0] != MSQB_MAGIC || files == 0u || files > MSQB_MAX_FILES) {
        put_str("error=bad input header (load input.bin at 0x21000000)");
        flush_line();
        qb_semihost_exit(1);
    }
    audio = (int16_t *)(uintptr_t)(MSQB_ADDR + 8u + 4u * files);
    offset = 0u;
    ms_model.init(&msqb_state);
    for (f = 0u; f < files; f++) {
        const uint32_t n = hdr[2u + f];
        const uint32_t frames = (n + MS_HOP - 1u) / MS_HOP;
        int16_t *x = audio + offset;
        uint64_t total = 0u, lo = UINT64_MAX, hi = 0u;
        uint32_t k;
        if (8u + 4u * files + 2u * (offset + (size_t)frames * MS_HOP) > MSQB_MAX_BYTES) {
            put_str("error=input larger than PSRAM");
            flush_line();
            qb_semihost_exit(1);
        }
        ms_model.reset(&msqb_state);
        for (k = 0u; k < frames; k++) {
            uint64_t c0, d;
            msqb_frame = (int32_t)k;
            c0 = hil_port_counter();
            /* through the descriptor, exactly as the agent's PROCESS calls the model */
            (void)ms_model.process(&msqb_state, x + (size_t)k * MS_HOP, out);
            d = hil_port_counter() - c0;
            memcpy(x + (size_t)k * MS_HOP, out, sizeof out);
            total += d;
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        put_u64("file=", f);
        put_u64(" samples=", n);
        put_u64(" frames=", frames);
        put_hex32(" fnv=", fnv1a_samples(x, n));
        put_u64(" instr_total=", total);
        put_u64(" instr_min=", frames ? lo : 0u);
        put_u64(" instr_max=", hi);
        flush_line();
        offset += (size_t)frames * MS_HOP;
    }
    put_u64("done files=", files);
    put_u64(" stack_hwm=", (uint64_t)hil_port_stack_hwm());
    flush_line();
    qb_semihost_exit(0);
}
