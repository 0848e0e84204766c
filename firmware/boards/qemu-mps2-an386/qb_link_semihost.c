/**
 * @file qb_link_semihost.c
 * @brief `semihost` link driver: the protocol travels over semihosting console I/O, i.e. QEMU's
 *        own stdin/stdout. SYS_OPEN(":tt", "r") is the host's stdin, SYS_OPEN(":tt", "w") its
 *        stdout (QEMU implements SH_EXT_STDOUT_STDERR).
 *
 * Run QEMU with `-semihosting -nographic -serial none -monitor none`: with plain `-nographic` the
 * stdio chardev of the serial/monitor mux also reads stdin and steals bytes from SYS_READ
 * (verified on QEMU 7.2: a 4 MB echo test lost data at byte 1122305; with `-serial none
 * -monitor none` it is intact). QEMU's own messages go to stderr.
 *
 * SYS_READ returns as soon as some input is available (it does not wait to fill the buffer), and
 * reports end of input when the host closes stdin: the image then exits QEMU with QB_EXIT_EOF.
 *
 * Output is buffered per line: every semihosting call is a trap that QEMU serves with a host
 * write(). The agent hands over each protocol line in one piece (a FAULT report or a log line in
 * smaller pieces), and a piece that ends a line is written at once: straight from the caller's
 * buffer when nothing is pending (no copy), else after what is pending. Other pieces are
 * collected; the buffer is flushed at every '\n' or 0x00 (each line ends with a '\n', each framing v2 frame with a 0x00), when
 * full, before blocking in SYS_READ and before halting, so no byte ever waits for more output.
 * So a frame costs two semihosting calls: one SYS_READ (or less: one read takes whatever the
 * host has sent, up to the caller's buffer) and one SYS_WRITE.
 */
#include "qb_board.h"

#include <string.h>

#define QB_SYS_OPEN 0x01u
#define QB_SYS_WRITE 0x05u
#define QB_SYS_READ 0x06u
#define QB_OPEN_MODE_R 0u /* "r" */
#define QB_OPEN_MODE_W 4u /* "w" */

const char qb_link_name[] = "semihost";

static int32_t qb_tt_in = -1;
static int32_t qb_tt_out = -1;
static uint8_t qb_tx[512]; /**< pending output (at most one line of the agent's, usually) */
static size_t qb_tx_len;

/** SYS_OPEN(":tt", mode). */
static int32_t qb_open_tt(uint32_t mode)
{
    static const char tt[] = ":tt";
    const uint32_t block[3] = {(uint32_t)(uintptr_t)tt, mode, (uint32_t)(sizeof tt - 1u)};
    return qb_semihost_call(QB_SYS_OPEN, block);
}

void qb_link_init(void)
{
    qb_tt_in = qb_open_tt(QB_OPEN_MODE_R);
    qb_tt_out = qb_open_tt(QB_OPEN_MODE_W);
}

/** SYS_WRITE all n bytes (returns early if the host's stdout is gone). */
static void qb_write_all(const uint8_t *buf, size_t n)
{
    while (n > 0u) {
        const uint32_t block[3] = {(uint32_t)qb_tt_out, (uint32_t)(uintptr_t)buf, (uint32_t)n};
        const int32_t not_written = qb_semihost_call(QB_SYS_WRITE, block);
        size_t done;
        if (not_written < 0 || (uint32_t)not_written >= n) return; /* host stdout gone */
        done = n - (size_t)not_written;
        buf += done;
        n -= done;
    }
}

static void qb_tx_flush(void)
{
    const size_t n = qb_tx_len;
    qb_tx_len = 0u; /* first: a fault inside the write must not send the bytes twice */
    qb_write_all(qb_tx, n);
}

size_t qb_link_read(uint8_t *buf, size_t cap)
{
    const uint32_t block[3] = {(uint32_t)qb_tt_in, (uint32_t)(uintptr_t)buf, (uint32_t)cap};
    int32_t not_read;
    size_t n;
    qb_tx_flush(); /* about to wait for the host: everything written so far must be out */
    not_read = qb_semihost_call(QB_SYS_READ, block);
    if (not_read < 0 || (uint32_t)not_read > cap) qb_semihost_exit(QB_EXIT_LINK);
    n = cap - (size_t)not_read;
    if (n == 0u) qb_semihost_exit(QB_EXIT_EOF); /* host closed stdin */
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

void qb_link_write(const uint8_t *buf, size_t n)
{
    if (n == 0u) return;
    if ((buf[n - 1u] == '\n' || buf[n - 1u] == 0u) && (qb_tx_len == 0u || n > sizeof qb_tx - qb_tx_len)) {
        /* it ends a line: what was pending, then this, written as it is (the same bytes and the
         * same flush points as collecting it, in at most two calls, without copying) */
        qb_tx_flush();
        qb_write_all(buf, n);
        return;
    }
    while (n > 0u) {
        const uint8_t *nl = unit_end(buf, n);
        const size_t line = nl != NULL ? (size_t)(nl - buf) + 1u : n; /* up to and with it */
        const size_t room = sizeof qb_tx - qb_tx_len;
        const size_t k = line < room ? line : room;
        memcpy(qb_tx + qb_tx_len, buf, k);
        qb_tx_len += k;
        if ((nl != NULL && k == line) || qb_tx_len == sizeof qb_tx) qb_tx_flush();
        buf += k;
        n -= k;
    }
}

void qb_link_halt(int32_t code)
{
    qb_tx_flush();
    qb_semihost_exit(code);
}
