/**
 * @file sf_uart.c
 * @brief The link: USART2 on PA2 (TX, AF7) / PA3 (RX, AF7), SF_BAUD 8N1. On a Nucleo-64 board
 *        these pins go to the ST-LINK, which presents them as a USB virtual COM port
 *        (/dev/ttyACM*, VID:PID 0483:374b ST-LINK/V2-1 or 0483:374e/374f STLINK-V3).
 *
 * TX is polled (busy-wait on TXE), so it is usable from fault handlers and needs no buffer.
 * RX is interrupt-driven into a ring buffer of SF_RX_RING bytes: while the agent processes a frame
 * or transmits (polled) a response, the host keeps streaming pipelined requests, and USART2 holds
 * only one received byte. The ring must hold window x the longest request line (sf_board.h).
 *
 * Cycle accounting: the RX interrupt (a few dozen cycles per byte) runs whenever a byte arrives,
 * also while a model frame is being timed, so with pipelining (window > 1) bytes arriving during
 * a frame add their interrupt cycles to that frame's count. For exact per-frame cycle counts run
 * measurement sessions stop-and-wait (host window 1): nothing is sent while a frame is processed.
 *
 * ADAPT: another USART or pins: the GPIO port/pin/AF numbers in sf_uart_init, the USART base and
 * its clock enable (APB1ENR vs APB2ENR), SF_PCLK1_HZ (APB2 for USART1/6), and the IRQ number and
 * vector-table slot (sf_startup.c).
 */
#include "sf_board.h"

#define SF_RX_MASK (SF_RX_RING - 1u)
typedef char sf_rx_ring_pow2_check[(SF_RX_RING & SF_RX_MASK) == 0u ? 1 : -1];

/* Single producer (the ISR writes head), single consumer (thread mode writes tail); 32-bit
 * aligned accesses are atomic on the M4, so no locking is needed. */
static volatile uint8_t sf_rx_ring[SF_RX_RING];
static volatile uint32_t sf_rx_head;
static volatile uint32_t sf_rx_tail;
static volatile uint32_t sf_rx_ring_full, sf_rx_overrun, sf_rx_framing;

void sf_uart_init(void)
{
    uint32_t v;
    SF_RCC_AHB1ENR |= SF_RCC_AHB1ENR_GPIOAEN;
    SF_RCC_APB1ENR |= SF_RCC_APB1ENR_USART2EN;
    (void)SF_RCC_APB1ENR; /* read back: the clock is on before the first register access */

    /* PA2, PA3: alternate function 7 (USART2), PA2 high speed, PA3 pull-up (idle high) */
    v = SF_GPIO_AFRL(SF_GPIOA_BASE);
    v &= ~((0xFu << (2u * 4u)) | (0xFu << (3u * 4u)));
    v |= (7u << (2u * 4u)) | (7u << (3u * 4u));
    SF_GPIO_AFRL(SF_GPIOA_BASE) = v;
    v = SF_GPIO_OSPEEDR(SF_GPIOA_BASE);
    v |= 0x3u << (2u * 2u);
    SF_GPIO_OSPEEDR(SF_GPIOA_BASE) = v;
    v = SF_GPIO_PUPDR(SF_GPIOA_BASE);
    v &= ~((0x3u << (2u * 2u)) | (0x3u << (3u * 2u)));
    v |= 0x1u << (3u * 2u);
    SF_GPIO_PUPDR(SF_GPIOA_BASE) = v;
    v = SF_GPIO_MODER(SF_GPIOA_BASE);
    v &= ~((0x3u << (2u * 2u)) | (0x3u << (3u * 2u)));
    v |= (0x2u << (2u * 2u)) | (0x2u << (3u * 2u));
    SF_GPIO_MODER(SF_GPIOA_BASE) = v;

    /* 8N1, oversampling by 16: BRR = PCLK1 / baud rounded (mantissa.fraction in one number) */
    SF_USART_CR1(SF_USART2_BASE) = 0u;
    SF_USART_CR2(SF_USART2_BASE) = 0u;
    SF_USART_CR3(SF_USART2_BASE) = 0u;
    SF_USART_BRR(SF_USART2_BASE) = (SF_PCLK1_HZ + SF_BAUD / 2u) / SF_BAUD;
    sf_rx_head = 0u;
    sf_rx_tail = 0u;
    SF_USART_CR1(SF_USART2_BASE) =
        SF_USART_CR1_UE | SF_USART_CR1_TE | SF_USART_CR1_RE | SF_USART_CR1_RXNEIE;

    CM_NVIC_IPR8(SF_USART2_IRQN) = 0x00u; /* highest priority: never miss a byte */
    CM_NVIC_ISER(SF_USART2_IRQN / 32u) = 1u << (SF_USART2_IRQN % 32u);
    __asm__ volatile("cpsie i" ::: "memory");
}

/** USART2 interrupt: move the received byte into the ring (drop it when the ring is full). */
void sf_usart2_irq_handler(void)
{
    const uint32_t sr = SF_USART_SR(SF_USART2_BASE);
    if ((sr & (SF_USART_SR_RXNE | SF_USART_SR_ORE | SF_USART_SR_FE | SF_USART_SR_NF)) != 0u) {
        /* reading DR after SR clears RXNE and the error flags */
        const uint8_t b = (uint8_t)(SF_USART_DR(SF_USART2_BASE) & 0xFFu);
        const uint32_t head = sf_rx_head;
        if ((sr & SF_USART_SR_ORE) != 0u) sf_rx_overrun++;
        if ((sr & SF_USART_SR_FE) != 0u) sf_rx_framing++;
        if (head - sf_rx_tail < SF_RX_RING) {
            sf_rx_ring[head & SF_RX_MASK] = b;
            sf_rx_head = head + 1u;
        } else {
            sf_rx_ring_full++;
        }
    }
}

size_t sf_uart_read(uint8_t *buf, size_t cap)
{
    const uint32_t head = sf_rx_head; /* snapshot: bytes before it are complete */
    uint32_t tail = sf_rx_tail;
    size_t n = 0;
    while (tail != head && n < cap) buf[n++] = sf_rx_ring[tail++ & SF_RX_MASK];
    sf_rx_tail = tail;
    return n;
}

void sf_uart_write(const uint8_t *buf, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        while ((SF_USART_SR(SF_USART2_BASE) & SF_USART_SR_TXE) == 0u) {
        }
        SF_USART_DR(SF_USART2_BASE) = buf[i];
    }
}

void sf_uart_flush(void)
{
    while ((SF_USART_SR(SF_USART2_BASE) & SF_USART_SR_TC) == 0u) {
    }
}

void sf_uart_errors(sf_uart_errors_t *out)
{
    out->ring_full = sf_rx_ring_full;
    out->overrun = sf_rx_overrun;
    out->framing = sf_rx_framing;
}
