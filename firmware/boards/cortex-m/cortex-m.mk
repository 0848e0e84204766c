# Shared Cortex-M code (not a board): start-up, fault handlers and the ARMv7-M register map used
# by boards/qemu-mps2-an386 and boards/stm32f4-template. See README.md here.
#
# Included by the fragments that link it (the two board fragments, the model S fragment's batch
# image), possibly more than once: the guard keeps it to one definition. It defines
#   CM_DIR    this folder (add -I$(CM_DIR))
#   CM_SRCS   the sources to compile into an image
#   CM_HDRS   its headers (image prerequisites, so edits rebuild)
# and registers the host unit test of the FAULT text (`make test`: cm-fault).

ifndef CM_DIR
CM_DIR := boards/cortex-m
CM_SRCS := $(CM_DIR)/cm_startup.c $(CM_DIR)/cm_fault.c $(CM_DIR)/cm_fault_text.c
CM_HDRS := $(CM_DIR)/cm_armv7m.h $(CM_DIR)/cm_startup.h $(CM_DIR)/cm_fault.h $(CM_DIR)/cortex-m.mk

$(BUILD)/host/test_cm_fault: $(CM_DIR)/test/test_cm_fault.c $(CM_DIR)/cm_fault_text.c $(CM_HDRS) \
		$(CHECK_HDR) Makefile
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(CM_DIR) $(CHECK_INC) $(filter %.c,$^) -o $@

TESTS += cm-fault
TEST_CMD_cm-fault := $(BUILD)/host/test_cm_fault
TEST_BIN_cm-fault := $(BUILD)/host/test_cm_fault
endif
