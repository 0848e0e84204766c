# Fuzzing of the protocol agent (included by firmware/Makefile; see agent/fuzz/README.md).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="agent agent-small decode"]
#         build the libFuzzer targets (clang -fsanitize=fuzzer,address,undefined) and run each one
#         for FUZZ_SECONDS (-max_total_time); prints executions per target; non-zero exit when a
#         target finds a crash or a violated invariant (the input is saved under
#         $(BUILD)/fuzz/artifacts/).
#   make fuzz-smoke                     the same, 10 s per target
#   make fuzz-build                     build the fuzz targets only
#   make fuzz-corpus-check              the committed seed corpus matches gen-corpus.mjs (node)
#   $(BUILD)/fuzz/fuzz-<t> FILE         replay one input (e.g. a crash artifact)
#
# `make test` also runs every target once over the committed seed corpus, built with the host
# compiler and a plain main() (fuzz_main.c): $(BUILD)/host/fuzz-<t>-replay.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 16384
FUZZ_TARGETS ?= agent agent-small decode
FUZZ_ARGS ?=
FUZZ_DIR := agent/fuzz

FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c99 $(WARNINGS) -g -O1 -fno-omit-frame-pointer
FUZZ_COMMON := $(FUZZ_DIR)/fuzz_port.c $(FUZZ_DIR)/fuzz_port.h $(AGENT_SRCS) $(AGENT_HDRS) \
	$(Q_HDRS) $(FUZZ_DIR)/fuzz.mk Makefile

# Per target: sources, extra flags, seed corpus.
FUZZ_SRCS_agent := $(FUZZ_DIR)/fuzz_agent.c models/gain/gain.c models/gain/hil_model_gain.h
FUZZ_DEFS_agent := -Imodels/gain
FUZZ_SEEDS_agent := $(FUZZ_DIR)/corpus/agent
FUZZ_SRCS_agent-small := $(FUZZ_DIR)/fuzz_agent.c
FUZZ_DEFS_agent-small := -DFUZZ_SMALL -DHIL_AGENT_MAX_PAYLOAD=40u -DHIL_AGENT_TEXT_MAX=96u \
	-DHIL_AGENT_HISTORY=3u -DHIL_AGENT_WINDOW=2u -DHIL_AGENT_MAX_HOP=8u -DHIL_AGENT_PORTABLE_SAMPLES
FUZZ_SEEDS_agent-small := $(FUZZ_DIR)/corpus/agent
FUZZ_SRCS_decode := $(FUZZ_DIR)/fuzz_decode.c
FUZZ_DEFS_decode :=
FUZZ_SEEDS_decode := $(FUZZ_DIR)/corpus/decode

# $(1) = target name
define FUZZ_template
$(BUILD)/fuzz/fuzz-$(1): $$(FUZZ_SRCS_$(1)) $(FUZZ_COMMON)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_SAN) $$(FW_INC) -I$$(FUZZ_DIR) $$(FUZZ_DEFS_$(1)) \
		$$(filter %.c,$$^) -o $$@

$(BUILD)/host/fuzz-$(1)-replay: $$(FUZZ_SRCS_$(1)) $(FUZZ_DIR)/fuzz_main.c $(FUZZ_COMMON)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(HOST_CFLAGS) $$(FW_INC) -I$$(FUZZ_DIR) $$(FUZZ_DEFS_$(1)) \
		$$(filter %.c,$$^) -o $$@

.PHONY: fuzz-run-$(1)
fuzz-run-$(1): $(BUILD)/fuzz/fuzz-$(1)
	@mkdir -p $(BUILD)/fuzz/corpus-$(1) $(BUILD)/fuzz/artifacts
	@echo "== fuzz $(1): $$(FUZZ_SECONDS) s, seeds $$(FUZZ_SEEDS_$(1)), log $(BUILD)/fuzz/fuzz-$(1).log"
	@rc=0; $(BUILD)/fuzz/fuzz-$(1) -max_total_time=$$(FUZZ_SECONDS) -max_len=$$(FUZZ_MAX_LEN) \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/artifacts/$(1)- $$(FUZZ_ARGS) \
		$(BUILD)/fuzz/corpus-$(1) $$(FUZZ_SEEDS_$(1)) >$(BUILD)/fuzz/fuzz-$(1).log 2>&1 || rc=$$$$?; \
	execs=$$$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz/fuzz-$(1).log); \
	rate=$$$$(sed -n 's/^stat::average_exec_per_sec: *//p' $(BUILD)/fuzz/fuzz-$(1).log); \
	cov=$$$$(grep -o 'cov: [0-9]*' $(BUILD)/fuzz/fuzz-$(1).log | tail -n 1); \
	units=$$$$(ls $(BUILD)/fuzz/corpus-$(1) | wc -l); \
	echo "   fuzz-$(1): $$$${execs:-?} executions, $$$${rate:-?} exec/s, $$$${cov:-cov: ?}, $$$$units new corpus units, exit $$$$rc"; \
	if [ $$$$rc -ne 0 ]; then tail -n 40 $(BUILD)/fuzz/fuzz-$(1).log; \
		echo "fuzz-$(1): FAILED, input saved as $(BUILD)/fuzz/artifacts/$(1)-*"; exit 1; fi

TESTS += fuzz-$(1)
TEST_BIN_fuzz-$(1) := $(BUILD)/host/fuzz-$(1)-replay
TEST_CMD_fuzz-$(1) := $(BUILD)/host/fuzz-$(1)-replay $$(FUZZ_SEEDS_$(1))/*
endef

$(foreach t,agent agent-small decode,$(eval $(call FUZZ_template,$(t))))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-check-runtime fuzz-corpus-check
fuzz-check-runtime:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CC) not found (apt-get install clang libclang-rt-14-dev)"; exit 1; }
	@echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
		| $(FUZZ_CC) -x c - -fsanitize=fuzzer -o /dev/null 2>/dev/null \
		|| { echo "fuzz: $(FUZZ_CC) cannot link libFuzzer (apt-get install libclang-rt-14-dev)"; exit 1; }

fuzz-build: fuzz-check-runtime
	@$(MAKE) --no-print-directory $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/fuzz-$(t))

fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz-run-$$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "fuzz: FAILED"; exit 1; fi; echo "fuzz: no findings"

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

fuzz-corpus-check:
	node $(FUZZ_DIR)/gen-corpus.mjs --check
