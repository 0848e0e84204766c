# Board fragment: qemu-riscv32 (QEMU `qemu-system-riscv32 -M virt -bios none`, RV32IMAC, machine
# mode), see README.md here.
#
# For every model in $(MODEL) it builds
#   $(BUILD)/qemu-rv32/hil-qemu-rv32-<model>-semihost.elf
# for the models in $(CORRUPT_MODELS) a deliberately wrong image (../../Makefile, hil_corrupt.h)
#   $(BUILD)/qemu-rv32/hil-qemu-rv32-<model>-semihost-$(CORRUPT_SUFFIX).elf
# and for the models in $(RV_FAULT_MODELS) fault-injection images (kinds $(RV_FAULT_KINDS), at
# frame $(HIL_FAULT_AT_FRAME), 0-based)
#   $(BUILD)/qemu-rv32/hil-qemu-rv32-<model>-semihost-fault-<kind>.elf
#
#   make qemu-rv32                  the images above (also part of `make all`)
#
# Skipped with a warning when $(RV_CC) is not installed.

RV_CC ?= riscv64-unknown-elf-gcc
RV_SIZE ?= riscv64-unknown-elf-size
RV_DIR := boards/qemu-riscv32
RV_FAULT_MODELS ?= $(filter gain,$(MODEL))
RV_FAULT_KINDS ?= illegal storefault stackoverflow hang reset silent
HIL_FAULT_AT_FRAME ?= 3

# -misa-spec=2.2: CSR instructions are part of the base ISA there. GCC 12 defaults to the
# 20191213 spec (CSRs need `_zicsr`), but its multilib matching does not know
# `-march=rv32imac_zicsr` and would link picolibc's and libgcc's rv64 default libraries.
RV_CPU := -march=rv32imac -mabi=ilp32 -misa-spec=2.2 -mcmodel=medany
RV_CFLAGS := $(RV_CPU) --specs=picolibc.specs -std=c99 $(WARNINGS) -O2 -g -ffunction-sections \
	-fdata-sections -fno-common
RV_LDFLAGS := -nostartfiles -T $(RV_DIR)/rv32_virt.ld -Wl,--gc-sections -Wl,--no-warn-rwx-segments
RV_COMMON_SRCS := $(RV_DIR)/rv_startup.c $(RV_DIR)/rv_main.c $(RV_DIR)/rv_counter.c \
	$(RV_DIR)/rv_fault.c $(RV_DIR)/rv_semihost.c
RV_DEPS := $(RV_DIR)/rv_board.h $(RV_DIR)/rv32_virt.ld $(RV_DIR)/board.mk Makefile
# Per-model defines of this board: model S runs its portable C path (MS_USE_DSP=0, the int64
# oracle; the SMLALD path is Cortex-M DSP code, emulated in C elsewhere).
RV_MODEL_DEFS_model-s ?= -DMS_USE_DSP=0

ifeq ($(shell command -v $(RV_CC) 2>/dev/null),)
$(warning qemu-riscv32: $(RV_CC) not found, RISC-V images are not built (apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf))
RV_IMAGES :=
else

# $(1) = model, $(2) = image name, $(3) = extra defines. The model's sources come first, so that
# its code lies at the same addresses whatever the agent and the board code (see the Arm board).
define RV_image_template
$(BUILD)/qemu-rv32/$(2).elf: $$(MODEL_SRCS_$(1)) $(RV_COMMON_SRCS) $(AGENT_SRCS) $(AGENT_HDRS) \
		$(Q_HDRS) $$(MODEL_HDRS_$(1)) $(RV_DEPS) $$(or $$(MODEL_MK_$(1)),models/$(1)/model.mk)
	@mkdir -p $$(@D)
	@$$(call build_image,$$(RV_CC) $$(RV_CFLAGS) $$(FW_INC) -I$$(RV_DIR) $$(MODEL_INC_$(1)) \
		-DHIL_MODEL=$$(MODEL_SYMBOL_$(1)) $$(RV_MODEL_DEFS_$(1)) \
		$$(if $$(MODEL_STATE_BYTES_$(1)),-DHIL_MODEL_STATE_BYTES=$$(MODEL_STATE_BYTES_$(1))u) \
		-DHIL_FW_NAME='"$(2)"' -DHIL_FW_VERSION='"$$(FW_VERSION)"' $(3) $$(RV_LDFLAGS) \
		-Wl$$(rv_comma)-Map$$(rv_comma)$$(@:.elf=.map),$$(filter %.c,$$^) -o $$@)
	@$$(RV_SIZE) $$@ | tail -n 1
RV_IMAGES += $(BUILD)/qemu-rv32/$(2).elf
endef

rv_comma := ,
RV_IMAGES :=
$(foreach m,$(MODEL),$(eval $(call RV_image_template,$(m),hil-qemu-rv32-$(m)-semihost,)))
RV_FAULT_DEFS = -DHIL_FAULT_AT_FRAME=$(HIL_FAULT_AT_FRAME) -DHIL_FAULT_KIND=$(1)
$(foreach m,$(CORRUPT_MODELS),\
	$(eval $(call RV_image_template,$(m),hil-qemu-rv32-$(m)-semihost-$(CORRUPT_SUFFIX),$(CORRUPT_DEFS))))
$(foreach m,$(RV_FAULT_MODELS),$(foreach k,$(RV_FAULT_KINDS),\
	$(eval $(call RV_image_template,$(m),hil-qemu-rv32-$(m)-semihost-fault-$(k),$(call RV_FAULT_DEFS,$(k))))))
endif

.PHONY: qemu-rv32
qemu-rv32: $(RV_IMAGES)
ALL_TARGETS += $(RV_IMAGES)
