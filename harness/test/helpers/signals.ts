/** Seeded test signals (deterministic; no Math.random). */
import { Prng } from '../../src/core/prng.ts';

/** Speech-like test audio: a few harmonics with a wandering pitch plus seeded noise bursts,
 *  including full-scale peaks so saturation paths are exercised. */
export function seededAudio(samples: number, seed: number, rate = 16000): Int16Array {
  const prng = new Prng(seed);
  const rnd = (): number => prng.next();
  const out = new Int16Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const f0 = 120 + 60 * Math.sin((2 * Math.PI * i) / (rate * 1.7));
    phase += (2 * Math.PI * f0) / rate;
    const voiced = 0.45 * Math.sin(phase) + 0.2 * Math.sin(3 * phase) + 0.1 * Math.sin(7 * phase);
    const burst = (Math.floor(i / 4000) % 3 === 2 ? 0.6 : 0.05) * (rnd() * 2 - 1);
    const v = Math.round((voiced + burst) * 32767 * 1.3);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}
