import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { resamplePoly } from './resample.ts';
import { bandEnvelopes, removeSilentFrames, stoi, thirdOctaveBands } from './stoi.ts';

// ---- the fixture's signals, mirroring make_case() in stoi-reference.py operation for operation ----

/** n uniforms in [0, 1) from s <- (1664525 s + 1013904223) mod 2^32. */
function lcg(seed: number, n: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

/** Harmonic syllables at 4 Hz (every 5th a pause), f0 110/125/140 Hz, plus a noise part. */
function speechLike(n: number, rate: number, seed: number): Float64Array {
  const u = lcg(seed, n);
  return Float64Array.from({ length: n }, (_, i) => {
    const t = i / rate;
    const syll = Math.floor(t * 4);
    const s = Math.sin(Math.PI * (t * 4 - syll));
    const env = syll % 5 === 4 ? 0 : s * s;
    const f0 = 110 + 15 * (syll % 3);
    let v = 0;
    for (let k = 1; k <= 20; k++) v = v + Math.sin(2 * Math.PI * k * f0 * t) / k;
    return Math.floor(6000 * env * (v / 3 + 0.3 * (2 * u[i]! - 1)) + 0.5);
  });
}

const uniformNoise = (n: number, amp: number, seed: number): Float64Array =>
  lcg(seed, n).map((u) => Math.floor(u * (2 * amp + 1)) - amp);
const clip = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const clip16 = (v: number): number => clip(v, -32768, 32767);

function makeCase(kind: string, rate: number, seconds: number, seed: number): [Float64Array, Float64Array] {
  const n = rate * seconds;
  const x = speechLike(n, rate, seed);
  if (kind === 'noise') {
    const e = uniformNoise(n, 2000, seed + 1);
    return [x, x.map((v, i) => clip16(v + e[i]!))];
  }
  if (kind === 'clip') {
    const e = uniformNoise(n, 300, seed + 1);
    return [x, x.map((v, i) => clip16(clip(Math.floor((v * 3) / 2), -4000, 4000) + e[i]!))];
  }
  if (kind === 'indep') return [x, uniformNoise(n, 2000, seed + 1)];
  if (kind === 'delay') {
    const d = Math.floor(rate / 200);
    const e = uniformNoise(n, 800, seed + 1);
    return [x, x.map((_, i) => clip16((i < d ? 0 : x[i - d]!) + e[i]!))];
  }
  throw new Error(`unknown fixture case kind ${kind}`);
}

const checksum = (v: Float64Array): number[] => [
  v.reduce((a, s) => a + s, 0),
  v.reduce((a, s) => a + s * s, 0),
  v.reduce((a, s, i) => a + (i % 251) * s, 0),
];

interface Fixture {
  cases: {
    kind: string;
    rate: number;
    seconds: number;
    seed: number;
    frames: number;
    cleanChecksum: number[];
    processedChecksum: number[];
    stoi: number;
  }[];
  resample: { case: number; up: number; down: number; length: number; at: number[]; values: number[] };
}
const fixture = JSON.parse(readFileSync(new URL('./stoi-fixture.json', import.meta.url), 'utf8')) as Fixture;

// ---- properties ----

const RATE = 16000;
const power = (x: ArrayLike<number>): number => Array.from(x).reduce((a, v) => a + v * v, 0) / x.length;
function whiteNoise(n: number, rms: number, seed: number): Float64Array {
  const prng = new Prng(seed);
  return Float64Array.from({ length: n }, () => (prng.next() * 2 - 1) * rms * Math.sqrt(3));
}

describe('stoi', () => {
  const clean = Int16Array.from(speechLike(4 * RATE, RATE, 7));

  it('one-third octave bands: 15 bands from bin 7 (150 Hz) up to bin 219 (~4.3 kHz), contiguous', () => {
    const bands = thirdOctaveBands(10000, 512, 15, 150);
    expect(bands).to.have.length(15);
    expect(bands[0]).to.deep.equal([7, 9]); // 150 * 2^-1/6 = 133.6 Hz -> bin 7 (136.7 Hz)
    expect(bands[14]![1]).to.equal(219); // 150 * 2^(29/6) = 4277 Hz -> bin 219 (4277.3 Hz)
    for (let k = 1; k < 15; k++) expect(bands[k]![0]).to.equal(bands[k - 1]![1]);
  });

  it('is 1 for identical signals', () => {
    expect(stoi(clean, clean, RATE)).to.be.closeTo(1, 1e-6);
  });

  it('is scale invariant: 0.3 x clean scores 1', () => {
    expect(stoi(clean, Float64Array.from(clean, (v) => 0.3 * v), RATE)).to.be.closeTo(1, 1e-6);
  });

  it('is near 0 for independent noise (against a clean signal with a flat envelope)', () => {
    const flat = whiteNoise(clean.length, 3000, 2);
    expect(Math.abs(stoi(flat, whiteNoise(clean.length, 3000, 3), RATE))).to.be.lessThan(0.1);
  });

  it('has a floor above 0 for independent noise against deeply modulated speech (the -15 dB clipping)', () => {
    // y' = min(alpha y, 6.6 x) makes the noise envelope follow the clean's dips, so noise alone
    // correlates with the syllable envelope; the reference implementation agrees (fixture case 'indep')
    const noise = whiteNoise(clean.length, Math.sqrt(power(clean)), 3);
    const floor = stoi(clean, noise, RATE);
    expect(floor).to.be.within(0.2, 0.5);
    const noisy = Float64Array.from(clean, (v, i) => v + noise[i]! * 10 ** (5 / 20)); // -5 dB SNR
    expect(floor).to.be.lessThan(stoi(clean, noisy, RATE));
  });

  it('rises strictly with the SNR of added white noise (-5, 0, 5, 10, 20 dB)', () => {
    const unit = whiteNoise(clean.length, Math.sqrt(power(clean)), 5); // 0 dB
    const scores = [-5, 0, 5, 10, 20].map((snrDb) => {
      const g = 10 ** (-snrDb / 20);
      return stoi(clean, Float64Array.from(clean, (v, i) => v + g * unit[i]!), RATE);
    });
    for (let k = 1; k < scores.length; k++) expect(scores[k]).to.be.greaterThan(scores[k - 1]!);
    expect(scores[0]).to.be.within(0.3, 0.8);
    expect(scores[4]).to.be.within(0.95, 1);
  });

  it('compares over the shorter length when the lengths differ', () => {
    const noisy = Float64Array.from(clean, (v, i) => v + 3000 * Math.sin(i * 1.3));
    const longer = new Float64Array(clean.length + 5000).fill(9999);
    longer.set(noisy);
    expect(stoi(clean, longer, RATE)).to.equal(stoi(clean, noisy, RATE));
  });

  it('throws a RangeError when fewer than 30 frames remain after silence removal', () => {
    expect(() => stoi(clean.subarray(0, 5000), clean.subarray(0, 5000), RATE)).to.throw(RangeError, /at least 30 frames/);
    // 4 s, but only one 250 ms syllable is not silent
    const mostlySilent = new Int16Array(clean.length);
    mostlySilent.set(clean.subarray(0, 4000), 20000);
    expect(() => stoi(mostlySilent, mostlySilent, RATE)).to.throw(RangeError, /got \d+ from 64000 samples/);
  });

  it('rejects a bad rate and non-finite samples', () => {
    expect(() => stoi(clean, clean, 0)).to.throw(RangeError, /rate/);
    expect(() => stoi(clean, clean, 16000.5)).to.throw(RangeError, /rate/);
    const bad = Float64Array.from(clean);
    bad[100] = NaN;
    expect(() => stoi(clean, bad, RATE)).to.throw(RangeError, /finite/);
  });
});

describe('stoi cross-check against the numpy/scipy reference (stoi-reference.py)', () => {
  for (const c of fixture.cases) {
    it(`${c.kind} at ${c.rate} Hz, ${c.seconds} s, seed ${c.seed}: STOI ${c.stoi.toFixed(4)} within 1e-3`, () => {
      const [x, y] = makeCase(c.kind, c.rate, c.seconds, c.seed);
      expect(checksum(x), 'regenerated clean signal').to.deep.equal(c.cleanChecksum);
      expect(checksum(y), 'regenerated processed signal').to.deep.equal(c.processedChecksum);
      expect(stoi(Int16Array.from(x), Int16Array.from(y), c.rate)).to.be.closeTo(c.stoi, 1e-3);
      if (c.rate === 10000) expect(bandEnvelopes(removeSilentFrames(x, y)[0])[0]).to.have.length(c.frames);
    });
  }

  it('resamplePoly(5, 8) matches scipy.signal.resample_poly sample for sample', () => {
    const r = fixture.resample;
    const c = fixture.cases[r.case]!;
    const out = resamplePoly(makeCase(c.kind, c.rate, c.seconds, c.seed)[0], r.up, r.down);
    expect(out).to.have.length(r.length);
    r.at.forEach((i, k) => expect(out[i]).to.be.closeTo(r.values[k]!, 1e-6));
  });
});
