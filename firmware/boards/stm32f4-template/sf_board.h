/**
 * @file sf_board.h
 * @brief stm32f4-template: a real STM32F4 (Cortex-M4F) board, e.g. a NUCLEO-F411RE or
 *        NUCLEO-F446RE: USART2 on PA2 (TX) / PA3 (RX), wired to the ST-LINK virtual COM port.
 *
 * Only the registers this board uses are defined, locally (no vendor HAL or CMSIS headers).
 * Addresses are from the STM32F4 reference manuals (RM0383 F411, RM0390 F446, RM0090 F40x/F42x:
 * identical for everything used here); the ARMv7-M system registers (SCB, MPU, NVIC, DWT) are in
 * ../cortex-m/cm_armv7m.h, with the start-up and fault code shared by the Cortex-M boards (`cm_`).
 *
 * Everything public is prefixed `sf_`. The protocol agent only sees hil_port.h.
 * ADAPT: the places to change for another part or board are marked "ADAPT" (see README.md).
 */
#ifndef SF_BOARD_H
#define SF_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "cm_armv7m.h"
#include "hil_agent.h"

/** 32-bit register at an absolute address. */
#define SF_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- STM32F4 peripherals -------------------------------------------------------------------- */

/** RCC (reset and clock control). */
#define SF_RCC_BASE 0x40023800u
#define SF_RCC_CR SF_REG(SF_RCC_BASE + 0x00u)
#define SF_RCC_PLLCFGR SF_REG(SF_RCC_BASE + 0x04u)
#define SF_RCC_CFGR SF_REG(SF_RCC_BASE + 0x08u)
#define SF_RCC_AHB1ENR SF_REG(SF_RCC_BASE + 0x30u)
#define SF_RCC_APB1ENR SF_REG(SF_RCC_BASE + 0x40u)
#define SF_RCC_CSR SF_REG(SF_RCC_BASE + 0x74u)
#define SF_RCC_CR_HSIRDY (1u << 1)
#define SF_RCC_CR_PLLON (1u << 24)
#define SF_RCC_CR_PLLRDY (1u << 25)
#define SF_RCC_AHB1ENR_GPIOAEN (1u << 0)
#define SF_RCC_APB1ENR_USART2EN (1u << 17)
#define SF_RCC_CSR_RMVF (1u << 24)
#define SF_RCC_CSR_BORRSTF (1u << 25)
#define SF_RCC_CSR_PINRSTF (1u << 26)
#define SF_RCC_CSR_PORRSTF (1u << 27)
#define SF_RCC_CSR_SFTRSTF (1u << 28)
#define SF_RCC_CSR_IWDGRSTF (1u << 29)
#define SF_RCC_CSR_WWDGRSTF (1u << 30)
#define SF_RCC_CSR_LPWRRSTF (1u << 31)

/** Flash interface (wait states). */
#define SF_FLASH_ACR SF_REG(0x40023C00u)
#define SF_FLASH_ACR_LATENCY_MASK 0xFu
#define SF_FLASH_ACR_PRFTEN (1u << 8)
#define SF_FLASH_ACR_ICEN (1u << 9)
#define SF_FLASH_ACR_DCEN (1u << 10)

/** GPIO port A. ADAPT: another port for other UART pins. */
#define SF_GPIOA_BASE 0x40020000u
#define SF_GPIO_MODER(b) SF_REG((b) + 0x00u)
#define SF_GPIO_OSPEEDR(b) SF_REG((b) + 0x08u)
#define SF_GPIO_PUPDR(b) SF_REG((b) + 0x0Cu)
#define SF_GPIO_AFRL(b) SF_REG((b) + 0x20u)

/** USART2. ADAPT: another instance (USART1 0x40011000 on APB2, USART6 0x40011400 on APB2). */
#define SF_USART2_BASE 0x40004400u
#define SF_USART_SR(b) SF_REG((b) + 0x00u)
#define SF_USART_DR(b) SF_REG((b) + 0x04u)
#define SF_USART_BRR(b) SF_REG((b) + 0x08u)
#define SF_USART_CR1(b) SF_REG((b) + 0x0Cu)
#define SF_USART_CR2(b) SF_REG((b) + 0x10u)
#define SF_USART_CR3(b) SF_REG((b) + 0x14u)
#define SF_USART_SR_FE (1u << 1)
#define SF_USART_SR_NF (1u << 2)
#define SF_USART_SR_ORE (1u << 3)
#define SF_USART_SR_RXNE (1u << 5)
#define SF_USART_SR_TC (1u << 6)
#define SF_USART_SR_TXE (1u << 7)
#define SF_USART_CR1_RE (1u << 2)
#define SF_USART_CR1_TE (1u << 3)
#define SF_USART_CR1_RXNEIE (1u << 5)
#define SF_USART_CR1_UE (1u << 13)
/** USART2 global interrupt: IRQ 38 on every STM32F4. */
#define SF_USART2_IRQN 38u

/* ---- build-time configuration (set by board.mk) --------------------------------------------- */

/*
 * Clock. ADAPT. One of:
 *   SF_CLOCK_HSI16  (default) the reset clock: 16 MHz internal HSI, no PLL, APB1 = 16 MHz.
 *   SF_CLOCK_PLL84  HSI -> PLL -> 84 MHz SYSCLK, APB1 = 42 MHz, 2 flash wait states; valid on
 *                   F401/F411/F446/F40x at the reset voltage scale (sf_clock.c).
 * SF_SYSCLK_HZ is the core clock: it is reported as `clock` in INFO and must be what the core
 * really runs at (the DWT counts core cycles; the host's `clockHz` budget uses the same value).
 * SF_PCLK1_HZ is USART2's kernel clock (APB1), used for the baud-rate divider.
 */
#if defined(SF_CLOCK_PLL84)
#define SF_SYSCLK_HZ 84000000u
#define SF_PCLK1_HZ 42000000u
#else
#ifndef SF_CLOCK_HSI16
#define SF_CLOCK_HSI16 1
#endif
#define SF_SYSCLK_HZ 16000000u
#define SF_PCLK1_HZ 16000000u
#endif

/** Link baud rate, 8N1. The host profile's baudRate must match (README.md). */
#ifndef SF_BAUD
#define SF_BAUD 115200u
#endif

/** Receive ring buffer (bytes, a power of two). It must hold every request the host can have in
 *  flight while the agent is busy: window x the longest request line. */
#ifndef SF_RX_RING
#define SF_RX_RING 16384u
#endif

/** External interrupts in the vector table: 97 covers F446 (97), F411 (86), F429 (91);
 *  unused entries are harmless. ADAPT together with the table in sf_startup.c. */
#define SF_N_IRQ 97

/* ---- clock (sf_clock.c) --------------------------------------------------------------------- */

/** Configure the system clock for the selected SF_CLOCK_* (the default keeps the reset HSI). */
void sf_clock_init(void);

/* ---- link: USART2 (sf_uart.c) --------------------------------------------------------------- */

/** Configure PA2/PA3 and USART2 (SF_BAUD 8N1), RX interrupt into the ring buffer. */
void sf_uart_init(void);
/** Copy up to cap received bytes out of the ring buffer; returns the count (0: none, no wait). */
size_t sf_uart_read(uint8_t *buf, size_t cap);
/** Write n bytes, polled (busy-waits on TXE). Safe from fault handlers. */
void sf_uart_write(const uint8_t *buf, size_t n);
/** Wait until the last byte has left the shift register (TC). */
void sf_uart_flush(void);
/** Receive errors since boot: bytes dropped because the ring was full, hardware overruns
 *  (ORE: a byte arrived before the previous one was read), framing errors. */
typedef struct {
    uint32_t ring_full, overrun, framing;
} sf_uart_errors_t;
void sf_uart_errors(sf_uart_errors_t *out);

/* ---- cycle counter (sf_counter.c) ----------------------------------------------------------- */

/** Enable the DWT cycle counter (DEMCR.TRCENA, DWT_CTRL.CYCCNTENA) and start the 64-bit
 *  extension at 0. Returns 0, or -1 if the core has no cycle counter (DWT_CTRL.NOCYCCNT). */
int sf_counter_init(void);

/* ---- main and faults (sf_main.c, sf_fault.c) ------------------------------------------------ */

/** Index of the frame being processed (or next to be processed), for fault reports; -1 before
 *  the agent runs. */
int32_t sf_current_frame(void);

/** Report a fatal condition (key=value text) as a FAULT message, then spin forever. */
void sf_fatal(const char *kv) __attribute__((noreturn));

#endif /* SF_BOARD_H */
