/**
 * @file fake_port.c
 * @brief Test port: capture buffer + controllable counter (see fake_port.h).
 */
#include "fake_port.h"

#include <string.h>

#include "hil_port.h"

uint8_t fake_port_out[1u << 20];
size_t fake_port_out_len;
uint64_t fake_port_now;
uint64_t fake_port_step;

static const hil_port_identity_t fake_identity = {
    "test-board", "hil-test", "0.1.0", "feedc0ffee12", 0u, "none",
};

void fake_port_clear(void)
{
    fake_port_out_len = 0;
}

void hil_port_write(const uint8_t *buf, size_t n)
{
    if (n > sizeof fake_port_out - fake_port_out_len) n = sizeof fake_port_out - fake_port_out_len;
    memcpy(fake_port_out + fake_port_out_len, buf, n);
    fake_port_out_len += n;
}

uint64_t hil_port_counter(void)
{
    uint64_t now = fake_port_now;
    fake_port_now += fake_port_step;
    return now;
}

const hil_port_identity_t *hil_port_identity(void)
{
    return &fake_identity;
}

int32_t hil_port_stack_hwm(void)
{
    return -1;
}

uint32_t hil_port_stack_size(void)
{
    return 0u;
}
