# Board fragment: qemu-mps2-an386 (QEMU `-M mps2-an386`, Cortex-M4F), see README.md here.
#
# For every model in $(MODEL) and every link in $(QB_LINKS) it builds
#   $(BUILD)/qemu/hil-qemu-<model>-<link>.elf          link = semihost | uart
# and, for the models in $(QB_FAULT_MODELS), fault-injection images
#   $(BUILD)/qemu/hil-qemu-<model>-semihost-fault-<kind>.elf   (kinds: $(QB_FAULT_KINDS))
# that fault when frame $(HIL_FAULT_AT_FRAME) (0-based) is about to be processed, and for the
# models in $(CORRUPT_MODELS) a deliberately wrong image (see ../../Makefile, agent/hil_corrupt.h)
#   $(BUILD)/qemu/hil-qemu-<model>-semihost-$(CORRUPT_SUFFIX).elf
#
#   make qemu                       the images above (also part of `make all`)
#   make qemu-fault HIL_FAULT_KIND=busfault HIL_FAULT_AT_FRAME=10 [QB_FAULT_LINK=uart]
#                                   one extra fault image for every model in $(MODEL)
#   make qemu QB_ICOUNT_SHIFT=7     images for another `-icount shift` (must match QEMU's)
#
# Skipped with a warning when $(ARM_CC) is not installed.

ARM_CC ?= arm-none-eabi-gcc
ARM_SIZE ?= arm-none-eabi-size
QB_DIR := boards/qemu-mps2-an386
QB_LINKS ?= semihost uart
QB_ICOUNT_SHIFT ?= 6
QB_FAULT_MODELS ?= $(filter gain,$(MODEL))
QB_FAULT_KINDS ?= hardfault hang reset silent
QB_FAULT_LINK ?= semihost
HIL_FAULT_AT_FRAME ?= 3

QB_CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
QB_CFLAGS := $(QB_CPU) -std=c99 $(WARNINGS) -O2 -g -ffunction-sections -fdata-sections \
	-fno-common -DQB_ICOUNT_SHIFT=$(QB_ICOUNT_SHIFT)
QB_LDFLAGS := -nostartfiles -T $(QB_DIR)/mps2_an386.ld -Wl,--gc-sections \
	-Wl,--no-warn-rwx-segments
# Start-up, fault handlers and ARMv7-M registers shared with stm32f4-template: CM_SRCS, CM_HDRS,
# CM_DIR (boards/cortex-m/).
include boards/cortex-m/cortex-m.mk
QB_COMMON_SRCS := $(QB_DIR)/qb_startup.c $(QB_DIR)/qb_main.c $(QB_DIR)/qb_counter.c \
	$(QB_DIR)/qb_fault.c $(QB_DIR)/qb_semihost.c $(CM_SRCS)
QB_DEPS := $(QB_DIR)/qb_board.h $(QB_DIR)/mps2_an386.ld $(QB_DIR)/board.mk $(CM_HDRS) Makefile

ifeq ($(shell command -v $(ARM_CC) 2>/dev/null),)
$(warning qemu-mps2-an386: $(ARM_CC) not found, QEMU images are not built (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi))
QB_IMAGES :=
else

# $(1) = model, $(2) = link, $(3) = image name, $(4) = extra defines
# The model's sources come first: the linker places its code right after the vector table, at
# the same addresses in every image of that model (and in model-s's batch image, which lists them
# first too), whatever the size of the agent and the link driver. It matters on QEMU: TCG chains
# translated blocks only within a 1 KiB guest page, so a hot loop that straddles a page boundary
# runs measurably slower (seen: a model S run 13 % longer), and the streaming and batch images
# must not differ in that luck.
define QB_image_template
$(BUILD)/qemu/$(3).elf: $$(MODEL_SRCS_$(1)) $(QB_COMMON_SRCS) $(QB_DIR)/qb_link_$(2).c $(AGENT_SRCS) \
		$(AGENT_HDRS) $(Q_HDRS) $$(MODEL_HDRS_$(1)) $(QB_DEPS) $$(or $$(MODEL_MK_$(1)),models/$(1)/model.mk)
	@mkdir -p $$(@D)
	@$$(call build_image,$$(ARM_CC) $$(QB_CFLAGS) $$(FW_INC) -I$$(QB_DIR) -I$$(CM_DIR) \
		$$(MODEL_INC_$(1)) -DHIL_MODEL=$$(MODEL_SYMBOL_$(1)) \
		$$(if $$(MODEL_STATE_BYTES_$(1)),-DHIL_MODEL_STATE_BYTES=$$(MODEL_STATE_BYTES_$(1))u) \
		-DHIL_FW_NAME='"$(3)"' -DHIL_FW_VERSION='"$$(FW_VERSION)"' $(4) $$(QB_LDFLAGS) \
		-Wl$$(comma)-Map$$(comma)$$(@:.elf=.map),$$(filter %.c,$$^) -o $$@)
	@$$(ARM_SIZE) $$@ | tail -n 1
endef

comma := ,
QB_IMAGES :=
QB_FAULT_IMAGES :=
$(foreach m,$(MODEL),$(foreach l,$(QB_LINKS),\
	$(eval $(call QB_image_template,$(m),$(l),hil-qemu-$(m)-$(l),))\
	$(eval QB_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-$(l).elf)))
$(foreach m,$(CORRUPT_MODELS),\
	$(eval $(call QB_image_template,$(m),semihost,hil-qemu-$(m)-semihost-$(CORRUPT_SUFFIX),$(CORRUPT_DEFS)))\
	$(eval QB_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-semihost-$(CORRUPT_SUFFIX).elf))
# Extra images a model fragment asks for (not speech models, e.g. model S's kernel benchmarks):
# QB_EXTRA_MODELS += <name> with MODEL_SRCS_/HDRS_/INC_/SYMBOL_/MK_<name> gives
# $(BUILD)/qemu/hil-qemu-<name>-semihost.elf.
$(foreach m,$(QB_EXTRA_MODELS),\
	$(eval $(call QB_image_template,$(m),semihost,hil-qemu-$(m)-semihost,))\
	$(eval QB_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-semihost.elf))
# Build variants a model fragment asks for: QB_VARIANTS_<model> := <name>... and
# QB_VARIANT_DEFS_<model>_<name> := -D... give $(BUILD)/qemu/hil-qemu-<model>-<name>-semihost.elf.
$(foreach m,$(MODEL),$(foreach v,$(QB_VARIANTS_$(m)),\
	$(eval $(call QB_image_template,$(m),semihost,hil-qemu-$(m)-$(v)-semihost,$(QB_VARIANT_DEFS_$(m)_$(v))))\
	$(eval QB_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-$(v)-semihost.elf)))
$(foreach m,$(QB_FAULT_MODELS),$(foreach k,$(QB_FAULT_KINDS),\
	$(eval $(call QB_image_template,$(m),semihost,hil-qemu-$(m)-semihost-fault-$(k),\
		-DHIL_FAULT_AT_FRAME=$(HIL_FAULT_AT_FRAME) -DHIL_FAULT_KIND=$(k)))\
	$(eval QB_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-semihost-fault-$(k).elf)))

# `make qemu-fault HIL_FAULT_KIND=...`: one extra image per model, not part of `all`.
ifneq ($(HIL_FAULT_KIND),)
$(foreach m,$(MODEL),\
	$(if $(filter $(HIL_FAULT_KIND),$(QB_FAULT_KINDS)),,\
	$(eval $(call QB_image_template,$(m),$(QB_FAULT_LINK),hil-qemu-$(m)-$(QB_FAULT_LINK)-fault-$(HIL_FAULT_KIND),\
		-DHIL_FAULT_AT_FRAME=$(HIL_FAULT_AT_FRAME) -DHIL_FAULT_KIND=$(HIL_FAULT_KIND))))\
	$(eval QB_FAULT_IMAGES += $(BUILD)/qemu/hil-qemu-$(m)-$(QB_FAULT_LINK)-fault-$(HIL_FAULT_KIND).elf))
endif
endif

.PHONY: qemu qemu-fault
qemu: $(QB_IMAGES)
qemu-fault: $(QB_FAULT_IMAGES)
ALL_TARGETS += $(QB_IMAGES)
