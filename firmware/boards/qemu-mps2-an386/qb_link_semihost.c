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
 */
#include "qb_board.h"

#define QB_SYS_OPEN 0x01u
#define QB_SYS_WRITE 0x05u
#define QB_SYS_READ 0x06u
#define QB_OPEN_MODE_R 0u /* "r" */
#define QB_OPEN_MODE_W 4u /* "w" */

const char qb_link_name[] = "semihost";

static int32_t qb_tt_in = -1;
static int32_t qb_tt_out = -1;

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

size_t qb_link_read(uint8_t *buf, size_t cap)
{
    const uint32_t block[3] = {(uint32_t)qb_tt_in, (uint32_t)(uintptr_t)buf, (uint32_t)cap};
    const int32_t not_read = qb_semihost_call(QB_SYS_READ, block);
    size_t n;
    if (not_read < 0 || (uint32_t)not_read > cap) qb_semihost_exit(QB_EXIT_LINK);
    n = cap - (size_t)not_read;
    if (n == 0u) qb_semihost_exit(QB_EXIT_EOF); /* host closed stdin */
    return n;
}

void qb_link_write(const uint8_t *buf, size_t n)
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

void qb_link_halt(int32_t code)
{
    qb_semihost_exit(code);
}
