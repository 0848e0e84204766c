/**
 * @file qb_link_uart.c
 * @brief `uart` link driver: CMSDK APB UART0 at 0x40004000, polled, 115200 8N1, as on a real
 *        board. No semihosting is used, so this image also runs where BKPT 0xAB is not served.
 *
 * Under QEMU the UART is attached with `-serial pty` (or `-serial stdio`). QEMU holds received
 * bytes back while the one-byte receive register is full, so nothing is lost while the agent is
 * busy; the emulated UART moves only ~6-24 kB/s (ARCHITECTURE.md), slower than real-time audio.
 *
 * While waiting for input the driver reads the instruction counter now and then, so that its
 * 32-bit timer is observed at least once per wrap (qb_counter.c extends it to 64 bits by polling).
 */
#include "qb_board.h"

#include "hil_port.h"

#define QB_UART_CTRL_TX_EN (1u << 0)
#define QB_UART_CTRL_RX_EN (1u << 1)
#define QB_UART_BAUD 115200u
/** Poll iterations between counter reads while idle (each poll is a few instructions). */
#define QB_UART_COUNTER_EVERY 4096u

const char qb_link_name[] = "uart";

void qb_link_init(void)
{
    QB_UART_CTRL(QB_UART0_BASE) = 0u;
    QB_UART_BAUDDIV(QB_UART0_BASE) = QB_SYSCLK_HZ / QB_UART_BAUD;
    QB_UART_INTCLEAR(QB_UART0_BASE) = 0xFu;
    QB_UART_CTRL(QB_UART0_BASE) = QB_UART_CTRL_TX_EN | QB_UART_CTRL_RX_EN;
}

size_t qb_link_read(uint8_t *buf, size_t cap)
{
    uint32_t spins = 0u;
    size_t n = 0u;
    if (cap == 0u) return 0u;
    while ((QB_UART_STATE(QB_UART0_BASE) & QB_UART_STATE_RXFULL) == 0u) {
        if (++spins == QB_UART_COUNTER_EVERY) {
            spins = 0u;
            (void)hil_port_counter();
        }
    }
    do {
        buf[n++] = (uint8_t)(QB_UART_DATA(QB_UART0_BASE) & 0xFFu);
    } while (n < cap && (QB_UART_STATE(QB_UART0_BASE) & QB_UART_STATE_RXFULL) != 0u);
    return n;
}

void qb_link_write(const uint8_t *buf, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        while ((QB_UART_STATE(QB_UART0_BASE) & QB_UART_STATE_TXFULL) != 0u) {
        }
        QB_UART_DATA(QB_UART0_BASE) = buf[i];
    }
}

void qb_link_halt(int32_t code)
{
    (void)code;
    __asm__ volatile("cpsid i" ::: "memory");
    CM_NVIC_ICER(0u) = 0xFFFFFFFFu;
    for (;;) {
        __asm__ volatile("wfi");
    }
}
