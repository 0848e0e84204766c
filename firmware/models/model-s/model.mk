# Model fragment: "model-s", the int16 STFT + GRU speech enhancer (see models/model-s/README.md
# and firmware/README.md for the fragment contract).
#
# Extra targets of this fragment:
#   $(BUILD)/host/ms-batch       host batch tool (raw s16le in/out, both dot-product paths)
#   $(BUILD)/host/test_model_s   C self test (run by `make test`)
#   model-s-check-weights        regenerate-and-compare check of the generated tables (needs npx)
#   model-s-cm4-size             compile the model for Cortex-M4 (MS_USE_DSP=1) and print sizes
#   $(BUILD)/qemu/hil-qemu-model-s-ref-semihost.elf   QEMU image of the portable path (make all)
#   $(BUILD)/qemu/hil-qemu-model-s-batch.elf          QEMU batch image, no agent (make all)

MODELS += model-s
MS_DIR := models/model-s
MODEL_SRCS_model-s := $(MS_DIR)/ms_model.c $(MS_DIR)/ms_nn.c $(MS_DIR)/ms_fft.c \
	$(MS_DIR)/ms_tables.c $(MS_DIR)/ms_weights.c
MODEL_HDRS_model-s := $(wildcard $(MS_DIR)/*.h)
MODEL_INC_model-s := -I$(MS_DIR)
MODEL_SYMBOL_model-s := ms_model
MODEL_STATE_BYTES_model-s := 7424

# Tuned parameter defaults: `make MS_PARAMS_OVERRIDE=path/to/params.h` (the header `hil tune`
# writes) compiles them into every model-s image. The header is a prerequisite, so the build id
# changes with it. See README.md, "Parameters".
ifdef MS_PARAMS_OVERRIDE
MS_PARAMS_OVERRIDE_ABS := $(abspath $(MS_PARAMS_OVERRIDE))
MODEL_INC_model-s += -DMS_PARAMS_OVERRIDE='"$(MS_PARAMS_OVERRIDE_ABS)"'
MODEL_HDRS_model-s += $(MS_PARAMS_OVERRIDE_ABS)
endif

# Host tools: both paths compiled in (MS_BOTH_PATHS=1), DSP path (portable SMLALD) by default.
MS_HOST_FLAGS := $(HOST_CFLAGS) $(FW_INC) -I$(MS_DIR) -DMS_USE_DSP=1 -DMS_BOTH_PATHS=1

$(BUILD)/host/ms-batch: $(MS_DIR)/tools/ms_batch.c $(MODEL_SRCS_model-s) $(MODEL_HDRS_model-s) \
		$(Q_HDRS) $(AGENT_HDRS) $(MS_DIR)/model.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(MS_HOST_FLAGS) $(filter %.c,$^) -o $@ -lm

$(BUILD)/host/test_model_s: $(MS_DIR)/test/test_model_s.c $(MODEL_SRCS_model-s) \
		$(MODEL_HDRS_model-s) $(Q_HDRS) $(AGENT_HDRS) $(MS_DIR)/model.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(MS_HOST_FLAGS) $(filter %.c,$^) -o $@

ALL_TARGETS += $(BUILD)/host/ms-batch
TESTS += model-s
TEST_CMD_model-s := $(BUILD)/host/test_model_s
TEST_BIN_model-s := $(BUILD)/host/test_model_s

.PHONY: model-s-check-weights model-s-cm4-size
model-s-check-weights:
	cd .. && npx tsx firmware/models/model-s/tools/gen-weights.ts --check

MS_CM4_CC ?= arm-none-eabi-gcc
MS_CM4_FLAGS := -std=c99 $(WARNINGS) -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard \
	-mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections -DMS_USE_DSP=1 $(FW_INC) -I$(MS_DIR)
model-s-cm4-size: $(MODEL_SRCS_model-s) $(MODEL_HDRS_model-s) $(Q_HDRS)
	@mkdir -p $(BUILD)/cm4/model-s
	@set -e; for f in $(MODEL_SRCS_model-s); do \
		$(MS_CM4_CC) $(MS_CM4_FLAGS) -c $$f -o $(BUILD)/cm4/model-s/$$(basename $$f .c).o; done
	arm-none-eabi-size -t $(BUILD)/cm4/model-s/*.o

# QEMU image of the portable oracle path (MS_USE_DSP=0), built by the qemu board fragment:
# $(BUILD)/qemu/hil-qemu-model-s-ref-semihost.elf (the DSP path is the reference image), and
# $(BUILD)/qemu/hil-qemu-model-s-nostages-semihost.elf (no stage probes, for the overhead bench).
QB_VARIANTS_model-s := ref nostages
QB_VARIANT_DEFS_model-s_ref := -DMS_USE_DSP=0
# without the stage probe calls (MS_STAGES=0): the cost of stages when profiling is off
QB_VARIANT_DEFS_model-s_nostages := -DMS_STAGES=0

# Kernel micro-benchmarks for `hil estimate` (tools/ms_kernels.c): a pseudo-model whose stages are
# kernels, built by the qemu board fragment as $(BUILD)/qemu/hil-qemu-model-s-kernels-semihost.elf
# (QB_EXTRA_MODELS). Both dot-product paths are compiled in.
MODEL_SRCS_model-s-kernels := $(MS_DIR)/tools/ms_kernels.c $(MODEL_SRCS_model-s)
MODEL_HDRS_model-s-kernels := $(MODEL_HDRS_model-s)
MODEL_INC_model-s-kernels := -I$(MS_DIR) -DMS_BOTH_PATHS=1
MODEL_SYMBOL_model-s-kernels := ms_kernels_model
MODEL_STATE_BYTES_model-s-kernels := 64
MODEL_MK_model-s-kernels := $(MS_DIR)/model.mk
QB_EXTRA_MODELS += $(if $(filter model-s,$(MODEL)),model-s-kernels)

# Deliberate one-LSB errors in one stage (MS_FAULT_*, see ms_model.h), for the tests of the
# first-divergence report: stagefault-<stage>-f<frame>-e<element> adds 1 to element <element> of
# stage <stage>'s output in every frame from <frame> on. Built for QEMU (QB_VARIANTS) and the host
# simulator (SIM_VARIANTS, boards/host-sim/board.mk); the tests read stage, frame and element from
# the name.
MS_STAGE_FAULTS := gru1-f57-e12 synthesis-f40-e7
ms_upper = $(shell echo '$(1)' | tr a-z A-Z)
ms_fault_defs = -DMS_FAULT_STAGE=MS_STAGE_$(call ms_upper,$(word 1,$(subst -, ,$(1)))) \
	-DMS_FAULT_FRAME=$(patsubst f%,%,$(word 2,$(subst -, ,$(1)))) \
	-DMS_FAULT_ELEM=$(patsubst e%,%,$(word 3,$(subst -, ,$(1))))
QB_VARIANTS_model-s += $(addprefix stagefault-,$(MS_STAGE_FAULTS))
SIM_VARIANTS_model-s := $(addprefix stagefault-,$(MS_STAGE_FAULTS))
$(foreach f,$(MS_STAGE_FAULTS),$(eval QB_VARIANT_DEFS_model-s_stagefault-$(f) := $(call ms_fault_defs,$(f))))
$(foreach f,$(MS_STAGE_FAULTS),$(eval SIM_VARIANT_DEFS_model-s_stagefault-$(f) := $(call ms_fault_defs,$(f))))

# QEMU batch image (harness/bench/qemu-overhead.ts): model S on the qemu-mps2-an386 board start-up
# with no agent and no link traffic; it reads its input from PSRAM (see tools/ms_qemu_batch.c).
# Flags come from the board fragment (QB_CFLAGS, QB_LDFLAGS: expanded when the recipe runs). The
# model's sources come first, as in the board's images: its code then lies at the same addresses
# as in hil-qemu-model-s-semihost.elf (see QB_image_template in the board fragment).
MSQB_BOARD := boards/qemu-mps2-an386
include boards/cortex-m/cortex-m.mk
MSQB_SRCS := $(MS_DIR)/tools/ms_qemu_batch.c $(MSQB_BOARD)/qb_startup.c $(MSQB_BOARD)/qb_counter.c \
	$(MSQB_BOARD)/qb_fault.c $(MSQB_BOARD)/qb_semihost.c $(MSQB_BOARD)/qb_link_semihost.c $(CM_SRCS)
MSQB_ARM_CC ?= arm-none-eabi-gcc
$(BUILD)/qemu/hil-qemu-model-s-batch.elf: $(MODEL_SRCS_model-s) $(MSQB_SRCS) $(MODEL_HDRS_model-s) \
		$(Q_HDRS) $(AGENT_HDRS) $(MSQB_BOARD)/qb_board.h $(MSQB_BOARD)/mps2_an386.ld \
		$(MSQB_BOARD)/board.mk $(CM_HDRS) $(MS_DIR)/model.mk
	@mkdir -p $(@D)
	@echo "  CC $@"
	@$(MSQB_ARM_CC) $(QB_CFLAGS) $(FW_INC) -I$(MSQB_BOARD) -I$(CM_DIR) $(MODEL_INC_model-s) \
		$(QB_LDFLAGS) $(filter %.c,$^) -o $@
ifneq ($(shell command -v $(MSQB_ARM_CC) 2>/dev/null),)
ALL_TARGETS += $(BUILD)/qemu/hil-qemu-model-s-batch.elf
endif
