/**
 * @file sf_clock.c
 * @brief System clock of the stm32f4-template board.
 *
 * Default (SF_CLOCK_HSI16): nothing to do. After reset an STM32F4 runs from the 16 MHz internal
 * RC oscillator (HSI) with every bus prescaler at 1 and 0 flash wait states, which is valid on
 * every part of the family. The core clock is then 16 MHz (SF_SYSCLK_HZ), APB1 16 MHz.
 *
 * ============================== ADAPT: configure the PLL here ===================================
 * SF_CLOCK_PLL84 (make STM32F4_CLOCK=pll84) shows the sequence, HSI -> PLL -> 84 MHz:
 *   1. flash wait states for the target frequency FIRST (RM: "increase latency before frequency"),
 *   2. bus prescalers (APB1 <= 42 MHz on F401, 50 MHz on F411, 45 MHz on F446),
 *   3. PLL: VCO input = 16 MHz / M (1..2 MHz), VCO = input x N (100..432 MHz), SYSCLK = VCO / P,
 *      48 MHz domain = VCO / Q,
 *   4. PLLON, wait PLLRDY, switch SW to PLL, wait SWS.
 * For another frequency: change M/N/P/Q, the wait states (RM table "number of wait states
 * according to CPU clock frequency", 2.7-3.6 V), the APB1 prescaler, and SF_SYSCLK_HZ /
 * SF_PCLK1_HZ in sf_board.h; above 84 MHz on F411/F446 also set the voltage scale (PWR_CR VOS,
 * and on F446 over-drive above 168 MHz) before raising the frequency. For the HSE crystal
 * (8 MHz from the ST-LINK MCO on a Nucleo, solder bridges permitting), set HSEBYPASS/HSEON,
 * wait HSERDY, and select PLLSRC = HSE with M = 8.
 * SF_SYSCLK_HZ must equal the real core clock: it is reported as INFO `clock` and the host's
 * real-time budget (profile clockHz) is computed with it. A wrong SF_PCLK1_HZ gives a wrong baud
 * rate (garbage or silence on the link); a wrong SF_SYSCLK_HZ goes unnoticed on the device (the
 * link still works) and skews every real-time margin, so double-check both.
 * ===============================================================================================
 */
#include "sf_board.h"

#if defined(SF_CLOCK_PLL84)
#define SF_PLL_M 16u   /* 16 MHz / 16 = 1 MHz VCO input */
#define SF_PLL_N 336u  /* VCO 336 MHz */
#define SF_PLL_P 4u    /* SYSCLK 84 MHz (P is 2, 4, 6 or 8) */
#define SF_PLL_Q 7u    /* 48 MHz for USB/SDIO */
#define SF_FLASH_WS 2u /* 2 wait states: 64 < f <= 90 MHz at 2.7-3.6 V */
#endif

void sf_clock_init(void)
{
#if defined(SF_CLOCK_PLL84)
    uint32_t v;
    /* 1. wait states (and caches, prefetch) before raising the frequency */
    SF_FLASH_ACR = SF_FLASH_ACR_ICEN | SF_FLASH_ACR_DCEN | SF_FLASH_ACR_PRFTEN | SF_FLASH_WS;
    while ((SF_FLASH_ACR & SF_FLASH_ACR_LATENCY_MASK) != SF_FLASH_WS) {
    }
    /* 2. AHB /1 (HPRE 0), APB1 /2 (PPRE1 = 0b100), APB2 /1 (PPRE2 0) */
    v = SF_RCC_CFGR;
    v &= ~((0xFu << 4) | (0x7u << 10) | (0x7u << 13));
    v |= 0x4u << 10;
    SF_RCC_CFGR = v;
    /* 3. PLL from HSI (PLLSRC = 0); keep bits 31:28 (PLLR on F446, reserved elsewhere) */
    while ((SF_RCC_CR & SF_RCC_CR_HSIRDY) == 0u) {
    }
    v = SF_RCC_PLLCFGR & 0xF0000000u;
    v |= SF_PLL_M | (SF_PLL_N << 6) | (((SF_PLL_P / 2u) - 1u) << 16) | (SF_PLL_Q << 24);
    SF_RCC_PLLCFGR = v;
    /* 4. start the PLL and switch to it */
    SF_RCC_CR |= SF_RCC_CR_PLLON;
    while ((SF_RCC_CR & SF_RCC_CR_PLLRDY) == 0u) {
    }
    SF_RCC_CFGR = (SF_RCC_CFGR & ~0x3u) | 0x2u; /* SW = PLL */
    while ((SF_RCC_CFGR & 0xCu) != 0x8u) {     /* SWS = PLL */
    }
#endif
    /* SF_CLOCK_HSI16: the reset configuration is kept. */
}
