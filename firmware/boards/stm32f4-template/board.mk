# Board fragment: stm32f4-template, a real STM32F4 board (Cortex-M4F, e.g. NUCLEO-F411RE /
# NUCLEO-F446RE, USART2 on the ST-LINK virtual COM port). See README.md here.
#
# For every model in $(MODEL) it builds
#   $(BUILD)/stm32f4/hil-stm32f4-<model>.elf   (+ .bin and .hex for flashers, .map)
# and prints its flash and RAM use (arm-none-eabi-size). `make stm32f4` builds just these.
#
# Variables (the image must match the board and the host profile):
#   STM32F4_CLOCK=hsi16|pll84   core clock 16 MHz (reset HSI, default) or 84 MHz (PLL from HSI);
#                               reported as INFO `clock`, use it as the profile's clockHz
#   STM32F4_BAUD=115200         link baud rate (profile baudRate must be the same)
#   STM32F4_FLASH_SIZE=0x80000 STM32F4_RAM_SIZE=0x20000   memory sizes (linker script defaults)
#   STM32F4_STACK_SIZE=0x2000   thread stack
#
# Skipped with a warning when arm-none-eabi-gcc is not installed.

SF_CC ?= arm-none-eabi-gcc
SF_OBJCOPY ?= arm-none-eabi-objcopy
SF_SIZE ?= arm-none-eabi-size
SF_DIR := boards/stm32f4-template
sf_comma := ,
STM32F4_CLOCK ?= hsi16
STM32F4_BAUD ?= 115200
STM32F4_FLASH_SIZE ?=
STM32F4_RAM_SIZE ?=
STM32F4_STACK_SIZE ?=

ifeq ($(filter $(STM32F4_CLOCK),hsi16 pll84),)
$(error stm32f4-template: STM32F4_CLOCK must be hsi16 or pll84, not '$(STM32F4_CLOCK)')
endif

SF_CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
SF_CFLAGS := $(SF_CPU) -std=c99 $(WARNINGS) -O2 -g -ffunction-sections -fdata-sections \
	-fno-common -DSF_CLOCK_$(shell echo $(STM32F4_CLOCK) | tr a-z A-Z)=1 -DSF_BAUD=$(STM32F4_BAUD)u
SF_LDFLAGS := -nostartfiles -T $(SF_DIR)/stm32f4.ld -Wl,--gc-sections -Wl,--no-warn-rwx-segments \
	$(if $(STM32F4_FLASH_SIZE),-Wl$(sf_comma)--defsym=__sf_flash_size=$(STM32F4_FLASH_SIZE)) \
	$(if $(STM32F4_RAM_SIZE),-Wl$(sf_comma)--defsym=__sf_ram_size=$(STM32F4_RAM_SIZE)) \
	$(if $(STM32F4_STACK_SIZE),-Wl$(sf_comma)--defsym=__sf_stack_size=$(STM32F4_STACK_SIZE))
# Start-up, fault handlers and ARMv7-M registers shared with qemu-mps2-an386: CM_SRCS, CM_HDRS,
# CM_DIR (boards/cortex-m/).
include boards/cortex-m/cortex-m.mk
SF_SRCS := $(SF_DIR)/sf_startup.c $(SF_DIR)/sf_main.c $(SF_DIR)/sf_clock.c $(SF_DIR)/sf_uart.c \
	$(SF_DIR)/sf_counter.c $(SF_DIR)/sf_fault.c $(CM_SRCS)
SF_DEPS := $(SF_DIR)/sf_board.h $(SF_DIR)/stm32f4.ld $(SF_DIR)/board.mk $(CM_HDRS) Makefile
ifeq ($(shell command -v $(SF_CC) 2>/dev/null),)
$(warning stm32f4-template: $(SF_CC) not found, STM32F4 images are not built (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi))
SF_IMAGES :=
else

# $(1) = model
define SF_image_template
$(BUILD)/stm32f4/hil-stm32f4-$(1).elf: $(SF_SRCS) $(AGENT_SRCS) $(AGENT_HDRS) $(Q_HDRS) \
		$$(MODEL_SRCS_$(1)) $$(MODEL_HDRS_$(1)) $(SF_DEPS) models/$(1)/model.mk
	@mkdir -p $$(@D)
	@$$(call build_image,$$(SF_CC) $$(SF_CFLAGS) $$(FW_INC) -I$$(SF_DIR) -I$$(CM_DIR) \
		$$(MODEL_INC_$(1)) -DHIL_MODEL=$$(MODEL_SYMBOL_$(1)) \
		$$(if $$(MODEL_STATE_BYTES_$(1)),-DHIL_MODEL_STATE_BYTES=$$(MODEL_STATE_BYTES_$(1))u) \
		-DHIL_FW_NAME='"hil-stm32f4-$(1)"' -DHIL_FW_VERSION='"$$(FW_VERSION)"' $$(SF_LDFLAGS) \
		-Wl$$(sf_comma)-Map$$(sf_comma)$$(@:.elf=.map),$$(filter %.c,$$^) -o $$@)
	@$$(SF_SIZE) $$@ | awk 'NR == 2 { printf "  SIZE %s: flash %d B (text %d + data %d), RAM %d B (data + bss %d, stacks and RX ring included)\n", $$$$6, $$$$1 + $$$$2, $$$$1, $$$$2, $$$$2 + $$$$3, $$$$3 }'

$(BUILD)/stm32f4/hil-stm32f4-$(1).bin: $(BUILD)/stm32f4/hil-stm32f4-$(1).elf
	$$(SF_OBJCOPY) -O binary $$< $$@

$(BUILD)/stm32f4/hil-stm32f4-$(1).hex: $(BUILD)/stm32f4/hil-stm32f4-$(1).elf
	$$(SF_OBJCOPY) -O ihex $$< $$@
endef

SF_IMAGES :=
$(foreach m,$(MODEL),$(eval $(call SF_image_template,$(m)))\
	$(eval SF_IMAGES += $(addprefix $(BUILD)/stm32f4/hil-stm32f4-$(m),.elf .bin .hex)))
endif

.PHONY: stm32f4
stm32f4: $(SF_IMAGES)
ALL_TARGETS += $(SF_IMAGES)
