/**
 * @file rv_semihost.c
 * @brief RISC-V semihosting and the `semihost` link driver of the qemu-riscv32 board: the
 *        protocol travels over semihosting console I/O, i.e. QEMU's own stdin/stdout.
 *
 * A RISC-V semihosting call is the uncompressed sequence `slli x0, x0, 0x1f; ebreak;
 * srai x0, x0, 7` (the RISC-V semihosting spec; QEMU checks the instructions around the ebreak,
 * so all three must be 32-bit and on one page: aligned to 16 bytes here), with a0 = operation
 * and a1 = parameter block, result in a0. The operations and blocks are the Arm ones (QEMU's
 * arm-compat-semi.c serves both): SYS_OPEN(":tt", "r"/"w") gives QEMU's stdin and stdout,
 * SYS_READ/SYS_WRITE return the count of bytes NOT transferred, SYS_EXIT_EXTENDED
 * {ADP_Stopped_ApplicationExit, status} ends QEMU with that exit status. QEMU serves them only
 * with `-semihosting` (or `-semihosting-config enable=on,target=native`) and in machine mode.
 *
 * Run QEMU with `-serial none -monitor none` besides `-nographic`: otherwise the serial/monitor
 * mux on stdio also reads stdin and steals bytes from SYS_READ (measured with the Arm board).
 *
 * Output is buffered per line, exactly as qemu-mps2-an386's qb_link_semihost.c: a piece that ends
 * a line is written at once (from the caller's buffer when nothing is pending); other pieces are
 * collected and flushed at '\n' or 0x00 (the end of a framing v2 frame), when the buffer is
 * full, before blocking in SYS_READ and before halting. One SYS_READ takes whatever the host has sent, up to the caller's buffer.
 */
#include <string.h>

#include "rv_board.h"

#define RV_SYS_OPEN 0x01u
#define RV_SYS_WRITE 0x05u
#define RV_SYS_READ 0x06u
#define RV_SYS_EXIT_EXTENDED 0x20u
#define RV_ADP_APPLICATION_EXIT 0x20026u
#define RV_OPEN_MODE_R 0u /* "r" */
#define RV_OPEN_MODE_W 4u /* "w" */

__attribute__((noinline)) int32_t rv_semihost_call(uint32_t op, const void *arg)
{
    register uint32_t a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile("  .option push\n"
                     "  .option norvc\n"
                     "  .balign 16\n"
                     "  slli x0, x0, 0x1f\n"
                     "  ebreak\n"
                     "  srai x0, x0, 7\n"
                     "  .option pop\n"
                     : "+r"(a0)
                     : "r"(a1)
                     : "memory");
    return (int32_t)a0;
}

void rv_semihost_exit(int32_t code)
{
    const uint32_t block[2] = {RV_ADP_APPLICATION_EXIT, (uint32_t)code};
    (void)rv_semihost_call(RV_SYS_EXIT_EXTENDED, block);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* ---- link ------------------------------------------------------------------------------------ */

static int32_t rv_tt_in = -1;
static int32_t rv_tt_out = -1;
static uint8_t rv_tx[512]; /**< pending output (at most one line of the agent's, usually) */
static size_t rv_tx_len;

static int32_t rv_open_tt(uint32_t mode)
{
    static const char tt[] = ":tt";
    const uint32_t block[3] = {(uint32_t)(uintptr_t)tt, mode, (uint32_t)(sizeof tt - 1u)};
    return rv_semihost_call(RV_SYS_OPEN, block);
}

void rv_link_init(void)
{
    rv_tt_in = rv_open_tt(RV_OPEN_MODE_R);
    rv_tt_out = rv_open_tt(RV_OPEN_MODE_W);
}

/** SYS_WRITE all n bytes (returns early if the host's stdout is gone). */
static void rv_write_all(const uint8_t *buf, size_t n)
{
    while (n > 0u) {
        const uint32_t block[3] = {(uint32_t)rv_tt_out, (uint32_t)(uintptr_t)buf, (uint32_t)n};
        const int32_t not_written = rv_semihost_call(RV_SYS_WRITE, block);
        size_t done;
        if (not_written < 0 || (uint32_t)not_written >= n) return;
        done = n - (size_t)not_written;
        buf += done;
        n -= done;
    }
}

static void rv_tx_flush(void)
{
    const size_t n = rv_tx_len;
    rv_tx_len = 0u; /* first: a trap inside the write must not send the bytes twice */
    rv_write_all(rv_tx, n);
}

size_t rv_link_read(uint8_t *buf, size_t cap)
{
    const uint32_t block[3] = {(uint32_t)rv_tt_in, (uint32_t)(uintptr_t)buf, (uint32_t)cap};
    int32_t not_read;
    size_t n;
    rv_tx_flush(); /* about to wait for the host: everything written so far must be out */
    not_read = rv_semihost_call(RV_SYS_READ, block);
    if (not_read < 0 || (uint32_t)not_read > cap) rv_semihost_exit(RV_EXIT_LINK);
    n = cap - (size_t)not_read;
    if (n == 0u) rv_semihost_exit(RV_EXIT_EOF); /* host closed stdin */
    return n;
}

/** The first unit terminator in buf[0 .. n): '\n' (a v1 line) or 0x00 (a framing v2 frame,
 *  PROTOCOL.md 8), or NULL. Output is flushed at either, so no finished unit waits. */
static const uint8_t *unit_end(const uint8_t *buf, size_t n)
{
    const uint8_t *nl = (const uint8_t *)memchr(buf, '\n', n);
    const uint8_t *z = (const uint8_t *)memchr(buf, 0, nl != NULL ? (size_t)(nl - buf) : n);
    return z != NULL ? z : nl;
}

void rv_link_write(const uint8_t *buf, size_t n)
{
    if (n == 0u) return;
    if ((buf[n - 1u] == '\n' || buf[n - 1u] == 0u) && (rv_tx_len == 0u || n > sizeof rv_tx - rv_tx_len)) {
        rv_tx_flush();
        rv_write_all(buf, n);
        return;
    }
    while (n > 0u) {
        const uint8_t *nl = unit_end(buf, n);
        const size_t line = nl != NULL ? (size_t)(nl - buf) + 1u : n; /* up to and with it */
        const size_t room = sizeof rv_tx - rv_tx_len;
        const size_t k = line < room ? line : room;
        memcpy(rv_tx + rv_tx_len, buf, k);
        rv_tx_len += k;
        if ((nl != NULL && k == line) || rv_tx_len == sizeof rv_tx) rv_tx_flush();
        buf += k;
        n -= k;
    }
}

void rv_link_halt(int32_t code)
{
    rv_tx_flush();
    rv_semihost_exit(code);
}
