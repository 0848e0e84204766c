/**
 * Model S configuration shared by the float64 reference and the tests. Must match
 * firmware/models/model-s/ms_config.h and ms_model.c (band corners, parameter table).
 */

export const MS_SAMPLE_RATE = 16000;
export const MS_HOP = 160;
export const MS_WIN = 320;
export const MS_NFFT = 512;
export const MS_NBINS = 257;
/** Algorithmic latency in samples (window - hop): out[n] answers in[n - 160]. */
export const MS_LATENCY = 160;
export const MS_NB = 20;
export const MS_D1 = 32;
export const MS_H1 = 48;
export const MS_H2 = 48;

/** Band corners in FFT bins (31.25 Hz): triangular bands, linear gain interpolation. */
export const MS_BAND_CORNERS: readonly number[] = [
  0, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 256,
];

/** Runtime parameters in real units (dB, dBFS, bool as 0/1). */
export interface ModelSParams {
  input_gain_db: number;
  output_gain_db: number;
  max_atten_db: number;
  limiter_dbfs: number;
  bypass: number;
}

/** Parameter table as in ms_params (raw = real * 2^frac). */
export const MS_PARAM_TABLE: ReadonlyArray<{
  name: keyof ModelSParams;
  unit: string;
  frac: number;
  min: number;
  max: number;
  def: number;
}> = [
  { name: 'input_gain_db', unit: 'dB', frac: 8, min: -24 * 256, max: 24 * 256, def: 0 },
  { name: 'output_gain_db', unit: 'dB', frac: 8, min: -24 * 256, max: 24 * 256, def: 0 },
  { name: 'max_atten_db', unit: 'dB', frac: 8, min: 0, max: 40 * 256, def: 20 * 256 },
  { name: 'limiter_dbfs', unit: 'dBFS', frac: 8, min: -20 * 256, max: 0, def: -256 },
  { name: 'bypass', unit: 'bool', frac: 0, min: 0, max: 1, def: 0 },
];

export const MS_DEFAULT_PARAMS: Readonly<ModelSParams> = {
  input_gain_db: 0,
  output_gain_db: 0,
  max_atten_db: 20,
  limiter_dbfs: -1,
  bypass: 0,
};

/** Raw int32 value of a real parameter value (round half up, like the harness). */
export function paramRaw(name: keyof ModelSParams, value: number): number {
  const p = MS_PARAM_TABLE.find((q) => q.name === name)!;
  const raw = Math.floor(value * 2 ** p.frac + 0.5);
  if (raw < p.min || raw > p.max) throw new RangeError(`${name}=${value} outside the parameter range`);
  return raw;
}
