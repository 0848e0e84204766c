# Model fragment: the "gain" model (see firmware/README.md for the fragment contract).
MODELS += gain
MODEL_SRCS_gain := models/gain/gain.c
MODEL_HDRS_gain := $(wildcard models/gain/*.h)
MODEL_INC_gain := -Imodels/gain
MODEL_SYMBOL_gain := hil_model_gain
MODEL_STATE_BYTES_gain := 8
