/**
 * Seeded speech-like test signals for model S (16 kHz int16). Deterministic: mulberry32 PRNG,
 * Math.sin / Math.exp of V8 (fdlibm ports), rounding half up.
 */

/** mulberry32 PRNG: uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SpeechLikeOptions {
  seed: number;
  seconds: number;
  /** peak level of the voiced part in dBFS */
  levelDbfs: number;
  /** level of the stationary background noise relative to the voiced peak, dB (e.g. -20) */
  noiseDb: number;
  /** add unvoiced noise bursts (fricative-like) between syllables */
  bursts: boolean;
  /** mean fundamental frequency, Hz */
  f0: number;
}

/**
 * Harmonic "vowels" (f0 with slow glides and vibrato, 3 formant-like resonance peaks that move per
 * syllable), a 3-5 Hz syllable envelope, optional high-passed noise bursts, and white background
 * noise. Returns int16 samples at 16 kHz.
 */
export function speechLike(o: SpeechLikeOptions): Int16Array {
  const fs = 16000;
  const n = Math.round(o.seconds * fs);
  const rnd = prng(o.seed);
  const out = new Int16Array(n);
  const peak = 32768 * 10 ** (o.levelDbfs / 20);
  const noiseAmp = peak * 10 ** (o.noiseDb / 20);
  let phase = 0;
  let sylStart = 0;
  let sylLen = 0;
  let formants = [700, 1200, 2600];
  let hp = 0;
  let prevNoise = 0;
  const harmonics = Math.floor(7600 / (o.f0 * 0.7));
  for (let i = 0; i < n; i++) {
    if (i >= sylStart + sylLen) {
      sylStart = i;
      sylLen = Math.round(fs * (0.2 + 0.13 * rnd()));
      formants = [300 + 600 * rnd(), 900 + 1400 * rnd(), 2200 + 1000 * rnd()];
    }
    const t = i / fs;
    const u = (i - sylStart) / sylLen; // 0..1 within the syllable
    const voiced = u < 0.7 ? Math.sin((Math.PI * u) / 0.7) ** 2 : 0;
    const f0 = o.f0 * (1 + 0.15 * Math.sin(2 * Math.PI * 0.7 * t + o.seed) + 0.02 * Math.sin(2 * Math.PI * 5.5 * t));
    phase += (2 * Math.PI * f0) / fs;
    if (phase > 2 * Math.PI * 1000) phase -= 2 * Math.PI * 1000;
    let v = 0;
    if (voiced > 0) {
      for (let h = 1; h <= harmonics; h++) {
        const fh = h * f0;
        if (fh > 7800) break;
        let a = 0;
        for (const fm of formants) a += 1 / (1 + ((fh - fm) / (0.12 * fm + 60)) ** 2);
        v += (a / Math.sqrt(h)) * Math.sin(h * phase);
      }
      v *= voiced * 0.25;
    }
    let s = v * peak;
    const wn = rnd() * 2 - 1;
    if (o.bursts && u >= 0.72 && u < 0.95) {
      hp = wn - prevNoise; // first difference: fricative-like high-frequency noise
      s += 0.5 * peak * hp * Math.sin((Math.PI * (u - 0.72)) / 0.23);
    }
    prevNoise = wn;
    s += noiseAmp * (rnd() * 2 - 1);
    const r = Math.floor(s + 0.5);
    out[i] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
  }
  return out;
}
