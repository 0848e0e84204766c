/**
 * @file cm_armv7m.h
 * @brief ARMv7-M system registers used by the Cortex-M boards (SCB, MPU, NVIC, DEMCR, DWT), from
 *        the ARMv7-M Architecture Reference Manual. The same on every Cortex-M3/M4/M7 part.
 *
 * Defined locally, no CMSIS. Everything is prefixed `CM_`. A board's own header keeps the
 * registers of its part's peripherals (clock, GPIO, UART, timers).
 */
#ifndef CM_ARMV7M_H
#define CM_ARMV7M_H

#include <stdint.h>

/** 32-bit register at an absolute address. */
#define CM_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/** 8-bit register at an absolute address. */
#define CM_REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- system control block ------------------------------------------------------------------- */

#define CM_SCB_ICSR CM_REG(0xE000ED04u)
#define CM_SCB_VTOR CM_REG(0xE000ED08u)
#define CM_SCB_AIRCR CM_REG(0xE000ED0Cu)
#define CM_SCB_CCR CM_REG(0xE000ED14u)
#define CM_SCB_SHCSR CM_REG(0xE000ED24u)
#define CM_SCB_CFSR CM_REG(0xE000ED28u)
#define CM_SCB_HFSR CM_REG(0xE000ED2Cu)
#define CM_SCB_MMFAR CM_REG(0xE000ED34u)
#define CM_SCB_BFAR CM_REG(0xE000ED38u)
#define CM_SCB_CPACR CM_REG(0xE000ED88u)

#define CM_AIRCR_VECTKEY (0x05FAu << 16)
#define CM_AIRCR_SYSRESETREQ (1u << 2)
#define CM_SHCSR_MEMFAULTENA (1u << 16)
#define CM_SHCSR_BUSFAULTENA (1u << 17)
#define CM_SHCSR_USGFAULTENA (1u << 18)
#define CM_CCR_DIV_0_TRP (1u << 4)

/* Configurable fault status register (CFSR = MMFSR | BFSR << 8 | UFSR << 16). */
#define CM_CFSR_IACCVIOL (1u << 0)
#define CM_CFSR_DACCVIOL (1u << 1)
#define CM_CFSR_MUNSTKERR (1u << 3)
#define CM_CFSR_MSTKERR (1u << 4)
#define CM_CFSR_MMARVALID (1u << 7)
#define CM_CFSR_IBUSERR (1u << 8)
#define CM_CFSR_PRECISERR (1u << 9)
#define CM_CFSR_IMPRECISERR (1u << 10)
#define CM_CFSR_UNSTKERR (1u << 11)
#define CM_CFSR_STKERR (1u << 12)
#define CM_CFSR_BFARVALID (1u << 15)
#define CM_CFSR_UNDEFINSTR (1u << 16)
#define CM_CFSR_INVSTATE (1u << 17)
#define CM_CFSR_INVPC (1u << 18)
#define CM_CFSR_NOCP (1u << 19)
#define CM_CFSR_UNALIGNED (1u << 24)
#define CM_CFSR_DIVBYZERO (1u << 25)
/* HardFault status register. */
#define CM_HFSR_VECTTBL (1u << 1)
#define CM_HFSR_FORCED (1u << 30)

/* ---- MPU (PMSAv7) --------------------------------------------------------------------------- */

#define CM_MPU_CTRL CM_REG(0xE000ED94u)
#define CM_MPU_RNR CM_REG(0xE000ED98u)
#define CM_MPU_RBAR CM_REG(0xE000ED9Cu)
#define CM_MPU_RASR CM_REG(0xE000EDA0u)

/* ---- NVIC ----------------------------------------------------------------------------------- */

#define CM_NVIC_ISER(n) CM_REG(0xE000E100u + 4u * (n))
#define CM_NVIC_ICER(n) CM_REG(0xE000E180u + 4u * (n))
#define CM_NVIC_IPR8(irq) CM_REG8(0xE000E400u + (irq))

/* ---- debug: DEMCR and the DWT cycle counter ------------------------------------------------- */

#define CM_DEMCR CM_REG(0xE000EDFCu)
#define CM_DEMCR_TRCENA (1u << 24)
#define CM_DWT_CTRL CM_REG(0xE0001000u)
#define CM_DWT_CYCCNT CM_REG(0xE0001004u)
#define CM_DWT_LAR CM_REG(0xE0001FB0u) /* lock access: needed on some M7 parts, harmless on M4 */
#define CM_DWT_CTRL_CYCCNTENA (1u << 0)
#define CM_DWT_CTRL_NOCYCCNT (1u << 25)

#endif /* CM_ARMV7M_H */
