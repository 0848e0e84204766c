/**
 * Signal levels relative to digital full scale. Pure.
 * Convention: 0 dBFS RMS is the RMS of a full-scale square wave (32768), so a full-scale sine reads
 * -3.01 dBFS RMS; peak dBFS is 20 log10(max |x| / 32768). Silence reads -Infinity.
 */
export const FULL_SCALE = 32768;

export function rmsDbfs(x: Int16Array): number {
  if (x.length === 0) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return 10 * Math.log10(sum / x.length / (FULL_SCALE * FULL_SCALE));
}

export function peakDbfs(x: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > peak) peak = a;
  }
  return 20 * Math.log10(peak / FULL_SCALE);
}
