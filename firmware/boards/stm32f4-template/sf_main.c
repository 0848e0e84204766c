/**
 * @file sf_main.c
 * @brief stm32f4-template application: clock, DWT counter, USART2 link, the protocol agent + one
 *        model, the hil_port seam (identity, write) and the reset reason for BOOT.
 *
 * Build-time configuration (set by board.mk):
 *   HIL_MODEL              model descriptor symbol (e.g. hil_model_gain)
 *   HIL_MODEL_STATE_BYTES  bytes of model state to reserve
 *   HIL_FW_NAME / HIL_FW_VERSION / HIL_BUILD_ID  identity reported in BOOT and INFO
 *   SF_CLOCK_HSI16 | SF_CLOCK_PLL84, SF_BAUD, SF_RX_RING (sf_board.h)
 *
 * Main loop: move received bytes from the RX ring into hil_agent_feed(); on every idle pass read
 * the cycle counter (keeps its 64-bit extension alive, sf_counter.c) and report new receive
 * errors as a device log line. No sleep (WFI): see sf_counter.c.
 */
#include <stdint.h>

#include "hil_agent.h"
#include "hil_port.h"
#include "sf_board.h"

#ifndef HIL_MODEL
#error "define HIL_MODEL to the model descriptor symbol, e.g. -DHIL_MODEL=hil_model_gain"
#endif
#ifndef HIL_MODEL_STATE_BYTES
#define HIL_MODEL_STATE_BYTES (32u * 1024u)
#endif
#ifndef HIL_FW_NAME
#define HIL_FW_NAME "hil-stm32f4"
#endif
#ifndef HIL_FW_VERSION
#define HIL_FW_VERSION "0.0.0"
#endif
#ifndef HIL_BUILD_ID
#define HIL_BUILD_ID "unknown"
#endif

/* The ring must hold a full window of the longest request lines (sf_uart.c). */
typedef char sf_rx_ring_window_check[SF_RX_RING >= HIL_AGENT_WINDOW * (HIL_AGENT_LINE_MAX + 2u)
                                         ? 1
                                         : -1];

extern const hil_model_t HIL_MODEL;

static hil_agent_t sf_agent;
static int sf_agent_up;
static uint64_t sf_model_state[(HIL_MODEL_STATE_BYTES + 7u) / 8u];

static const hil_port_identity_t sf_identity = {
    "stm32f4-template", HIL_FW_NAME, HIL_FW_VERSION, HIL_BUILD_ID, SF_SYSCLK_HZ, "dwt",
};

/* ---- port ------------------------------------------------------------------------------------ */

void hil_port_write(const uint8_t *buf, size_t n)
{
    sf_uart_write(buf, n);
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &sf_identity;
}

int32_t sf_current_frame(void)
{
    return sf_agent_up ? (int32_t)hil_agent_stats(&sf_agent)->frames : -1;
}

/* ---- reset reason ---------------------------------------------------------------------------- */

/** Reason of this boot from RCC_CSR (then cleared with RMVF). PINRSTF is set by every reset
 *  source (NRST is driven low internally), so the specific flags are tested first. */
static const char *sf_reset_reason(void)
{
    const uint32_t csr = SF_RCC_CSR;
    const char *reason = "reset"; /* NRST pin: RESET button, debugger, DTR/RTS wiring */
    if ((csr & (SF_RCC_CSR_PORRSTF | SF_RCC_CSR_BORRSTF)) != 0u) {
        reason = "power-on";
    } else if ((csr & (SF_RCC_CSR_IWDGRSTF | SF_RCC_CSR_WWDGRSTF)) != 0u) {
        reason = "watchdog";
    } else if ((csr & SF_RCC_CSR_SFTRSTF) != 0u) {
        reason = "sysreset";
    } else if ((csr & SF_RCC_CSR_LPWRRSTF) != 0u) {
        reason = "low-power";
    }
    SF_RCC_CSR = csr | SF_RCC_CSR_RMVF;
    return reason;
}

/* ---- receive-error reporting ----------------------------------------------------------------- */

/** Append v in decimal to buf at *n (bounded by cap). */
static void sf_append_u32(char *buf, size_t *n, size_t cap, uint32_t v)
{
    char d[10];
    unsigned k = 0;
    do {
        d[k++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (k > 0u && *n + 1u < cap) buf[(*n)++] = d[--k];
}

static void sf_append(char *buf, size_t *n, size_t cap, const char *s)
{
    while (*s != '\0' && *n + 1u < cap) buf[(*n)++] = *s++;
}

/** Log a line when the receive error counters changed (lost bytes show up on the host as NAK
 *  CRC and are recovered by the protocol; the log line says why). */
static void sf_report_rx_errors(void)
{
    static sf_uart_errors_t seen;
    sf_uart_errors_t e;
    char line[96];
    size_t n = 0;
    sf_uart_errors(&e);
    if (e.ring_full == seen.ring_full && e.overrun == seen.overrun &&
        e.framing == seen.framing) {
        return;
    }
    seen = e;
    sf_append(line, &n, sizeof line, "uart rx errors: ring_full=");
    sf_append_u32(line, &n, sizeof line, e.ring_full);
    sf_append(line, &n, sizeof line, " overrun=");
    sf_append_u32(line, &n, sizeof line, e.overrun);
    sf_append(line, &n, sizeof line, " framing=");
    sf_append_u32(line, &n, sizeof line, e.framing);
    line[n] = '\0';
    hil_agent_log(line);
}

/* ---- main ------------------------------------------------------------------------------------ */

void sf_main(void)
{
    static uint8_t buf[256];
    const char *reason = sf_reset_reason();
    sf_clock_init();
    sf_uart_init();
    if (sf_counter_init() != 0) sf_fatal("kind=init\ncause=no DWT cycle counter\n");
    if (hil_agent_init(&sf_agent, &HIL_MODEL, sf_model_state, sizeof sf_model_state) != 0) {
        sf_fatal("kind=init\ncause=hil_agent_init failed (state too small or hop too large)\n");
    }
    sf_agent_up = 1;
    hil_agent_boot(&sf_agent, reason);
    for (;;) {
        const size_t n = sf_uart_read(buf, sizeof buf);
        if (n != 0u) {
            hil_agent_feed(&sf_agent, buf, n);
        } else {
            (void)hil_port_counter();
            sf_report_rx_errors();
        }
    }
}
