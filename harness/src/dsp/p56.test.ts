import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { rmsDbfs } from './levels.ts';
import { activeSpeechLevel } from './p56.ts';

const RATE = 16000;

/** Tone bursts: `onS` seconds of a `db` dBFS-RMS 1 kHz sine, then `offS` of silence, repeated. */
function bursts(seconds: number, onS: number, offS: number, db: number): Int16Array {
  const amp = 32768 * Math.SQRT2 * 10 ** (db / 20);
  const period = Math.round((onS + offS) * RATE);
  const on = Math.round(onS * RATE);
  return Int16Array.from({ length: seconds * RATE }, (_, i) =>
    i % period < on ? Math.round(amp * Math.sin((2 * Math.PI * 1000 * i) / RATE)) : 0,
  );
}

describe('P.56 active speech level (method B)', () => {
  it('a continuous -20 dBov sine: active level -20 dBov, activity ~1', () => {
    const r = activeSpeechLevel(bursts(5, 5, 0, -20), RATE);
    expect(r.activeDbov).to.be.closeTo(-20, 0.05);
    expect(r.longTermDbov).to.be.closeTo(-20, 0.01);
    expect(r.activity).to.be.greaterThan(0.995);
    expect(r.thresholdDbov).to.be.closeTo(-35.9, 0.05);
  });

  /**
   * Expected activity of tone bursts, from the P.56 envelope in closed form: after a burst the
   * two-stage smoother decays as e^-u (1 + u) (u = t / T) from the rectified mean (2/pi of the
   * peak) and must fall to the threshold c; at the onset it rises as 1 - e^-u (1 + u) to c. Each
   * burst is therefore active for on + H + T (u_decay - u_rise) seconds.
   */
  function expectedActivity(onS: number, offS: number, db: number, thresholdDbov: number): number {
    const ratio = 10 ** (thresholdDbov / 20) / ((2 / Math.PI) * Math.SQRT2 * 10 ** (db / 20));
    const solve = (f: (u: number) => number) => {
      let lo = 0;
      let hi = 20;
      for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (f(mid) > 0) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const uDecay = solve((u) => Math.exp(-u) * (1 + u) - ratio);
    const uRise = solve((u) => ratio - (1 - Math.exp(-u) * (1 + u)));
    return (onS + 0.2 + 0.03 * (uDecay - uRise)) / (onS + offS);
  }

  it('tone bursts on 50 % of the time: active level = the burst level, activity ~0.5', () => {
    const x = bursts(64, 4, 4, -26);
    const r = activeSpeechLevel(x, RATE);
    expect(rmsDbfs(x)).to.be.closeTo(-29.01, 0.02); // long-term level is 3 dB lower
    expect(r.thresholdDbov).to.be.closeTo(r.activeDbov - 15.9, 1e-9);
    // 0.5 plus the hangover and envelope tail of each burst (~0.27 s of 8 s)
    expect(r.activity).to.be.closeTo(expectedActivity(4, 4, -26, r.thresholdDbov), 0.003);
    expect(r.activity).to.be.within(0.5, 0.54);
    expect(r.activeDbov).to.be.within(-26.3, -26);
    // the active level and activity are tied: L_active = L_long-term - 10 log10(activity)
    expect(r.activeDbov).to.be.closeTo(r.longTermDbov - 10 * Math.log10(r.activity), 1e-9);
  });

  it('activity follows the duty cycle (25 % on, 2 s bursts, -46 dBov)', () => {
    const r = activeSpeechLevel(bursts(64, 2, 6, -46), RATE);
    expect(r.activity).to.be.closeTo(expectedActivity(2, 6, -46, r.thresholdDbov), 0.003);
    expect(r.activeDbov).to.be.within(-46.6, -46);
  });

  it('is level independent: +12 dB in, +12 dB out, same activity', () => {
    const prng = new Prng(3);
    const quiet = bursts(20, 0.7, 0.9, -40).map((v) => v + Math.round((prng.next() - 0.5) * 4));
    const loud = quiet.map((v) => v * 4); // +12.04 dB
    const a = activeSpeechLevel(quiet, RATE);
    const b = activeSpeechLevel(loud, RATE);
    expect(b.activeDbov - a.activeDbov).to.be.closeTo(12.04, 0.3);
    expect(b.activity).to.be.closeTo(a.activity, 0.05);
  });

  it('silence has no active level', () => {
    const r = activeSpeechLevel(new Int16Array(16000), RATE);
    expect(r.activeDbov).to.equal(-Infinity);
    expect(r.activity).to.equal(0);
    expect(activeSpeechLevel(new Int16Array(0), RATE).activeDbov).to.equal(-Infinity);
  });
});
