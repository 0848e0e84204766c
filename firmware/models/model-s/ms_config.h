/**
 * @file ms_config.h
 * @brief Model S compile-time configuration: framing, bands, network sizes, path selection.
 *
 * Must match harness/src/dsp/model-s/config.ts (float64 reference) and tools/gen-weights.ts.
 */
#ifndef MS_CONFIG_H
#define MS_CONFIG_H

#define MS_SAMPLE_RATE 16000u /**< Hz, mono */
#define MS_HOP 160u           /**< samples per frame (10 ms) */
#define MS_WIN 320u           /**< analysis / synthesis window length (sine window) */
#define MS_NFFT 512u          /**< real FFT size: the 320-sample frame is zero padded to 512 */
#define MS_NBINS 257u         /**< bins 0 .. 256 of the real FFT (31.25 Hz apart) */
#define MS_LATENCY 160u       /**< algorithmic latency in samples: MS_WIN - MS_HOP */

#define MS_NB 20u  /**< bands = features = band gains */
#define MS_D1 32u  /**< dense 1 units (tanh) */
#define MS_H1 48u  /**< GRU 1 units */
#define MS_H2 48u  /**< GRU 2 units */

/** Path selection for the network dot products (the bulk of the MACs).
 *  MS_USE_DSP = 0: portable C (the oracle). MS_USE_DSP = 1: dual 16x16 multiply with 64-bit
 *  accumulate (SMLALD): the ACLE intrinsic when __ARM_FEATURE_DSP is defined, otherwise a portable
 *  C function with the instruction's exact semantics. Both are bit-exact with each other.
 *  MS_BOTH_PATHS = 1 compiles both and lets ms_set_path() choose at run time (host tools/tests). */
#ifndef MS_USE_DSP
#define MS_USE_DSP 1
#endif
#ifndef MS_BOTH_PATHS
#define MS_BOTH_PATHS 0
#endif

#endif /* MS_CONFIG_H */
