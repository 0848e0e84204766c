# Board fragment: host-sim, a native process speaking the protocol over stdin/stdout.
# Builds $(BUILD)/host/hil-sim-<model> for every model in $(MODEL) (default: all registered), and
# $(BUILD)/host/hil-sim-<model>-$(CORRUPT_SUFFIX) (deliberately wrong output) for $(CORRUPT_MODELS).
# See firmware/README.md for the fragment contract.

HOST_SIM_SRCS := boards/host-sim/main.c

# $(1) = model name, $(2) = image name, $(3) = extra defines
define HOST_SIM_template
$(BUILD)/host/$(2): $(HOST_SIM_SRCS) $(AGENT_SRCS) $(AGENT_HDRS) $(Q_HDRS) \
		$$(MODEL_SRCS_$(1)) $$(MODEL_HDRS_$(1)) Makefile boards/host-sim/board.mk models/$(1)/model.mk
	@mkdir -p $$(@D)
	@$$(call build_image,$$(HOST_CC) $$(HOST_CFLAGS) $$(FW_INC) $$(MODEL_INC_$(1)) \
		-DHIL_MODEL=$$(MODEL_SYMBOL_$(1)) \
		$$(if $$(MODEL_STATE_BYTES_$(1)),-DHIL_MODEL_STATE_BYTES=$$(MODEL_STATE_BYTES_$(1))u) \
		-DHIL_FW_NAME='"$(2)"' -DHIL_FW_VERSION='"$$(FW_VERSION)"' $(3),$$(filter %.c,$$^) -o $$@)
ALL_TARGETS += $(BUILD)/host/$(2)
endef

$(foreach m,$(MODEL),$(eval $(call HOST_SIM_template,$(m),hil-sim-$(m),)))
# Build variants a model fragment asks for: SIM_VARIANTS_<model> := <name>... and
# SIM_VARIANT_DEFS_<model>_<name> := -D... give $(BUILD)/host/hil-sim-<model>-<name>.
$(foreach m,$(MODEL),$(foreach v,$(SIM_VARIANTS_$(m)),\
	$(eval $(call HOST_SIM_template,$(m),hil-sim-$(m)-$(v),$(SIM_VARIANT_DEFS_$(m)_$(v))))))
# deliberately wrong images: build/host/hil-sim-<model>-$(CORRUPT_SUFFIX) (see ../../Makefile)
$(foreach m,$(CORRUPT_MODELS),$(eval $(call HOST_SIM_template,$(m),hil-sim-$(m)-$(CORRUPT_SUFFIX),$(CORRUPT_DEFS))))
