/**
 * Deterministic test-vector generator: writes every input vector and every suite manifest under
 * vectors/. Run from the repository root:
 *
 *   npx tsx vectors/tools/gen-vectors.ts                 write/refresh all vectors and manifests
 *   npx tsx vectors/tools/gen-vectors.ts --check         regenerate in memory, exit 1 listing any
 *                                                        committed file that differs or is missing
 *   npx tsx vectors/tools/gen-vectors.ts --render-speech re-render the clean speech with espeak-ng
 *                                                        (then regenerate everything from it)
 *   ... --dir DIR                                        work on a copy of vectors/ at DIR instead
 *
 * All synthesis is seeded (SEED below, mixed with each case's name) and uses only deterministic
 * arithmetic (see synth.ts), so every file is reproducible bit for bit. The clean speech is
 * rendered by espeak-ng once, resampled 22.05 -> 16 kHz here, and committed under
 * vectors/speech/clean/ and vectors/speech/babble-src/: regeneration never depends on the
 * installed espeak-ng version unless --render-speech is given.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, parseWav, requireMono16 } from '../../harness/src/dsp/wav.ts';
import {
  biquad,
  dbToGain,
  fadeInOut,
  fnv1a,
  logSweep,
  meanSquare,
  Mulberry32,
  peakAbs,
  pinkNoise,
  powerDb,
  resample,
  tone,
  toInt16,
  whiteNoise,
  type BiquadKind,
} from './synth.ts';

const SEED = 20261123;
const RATE = 16000;
const FULL = 32767; // 0 dBFS peak for a sine
const SIZE_LIMIT = 10 * 1024 * 1024; // every WAV under vectors/, goldens and vectors/heldout/ included
const GENERATED_BY = `npx tsx vectors/tools/gen-vectors.ts (seed ${SEED})`;

/** The vectors folder: this script's parent, or `--dir DIR` (a copy, e.g. for the tests). */
let VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Tolerance = { mode: 'bit-exact' } | { mode: 'max-lsb'; maxLsb: number } | { mode: 'snr'; minSnrDb: number };

interface CaseOut {
  name: string;
  input: string;
  golden: string;
  params: Record<string, number>;
  tolerance: Tolerance;
  tags: string[];
  reference: string | null;
  description: string;
}

interface SuiteOut {
  suite: string;
  description: string;
  cases: CaseOut[];
}

/** Files produced in memory: path relative to vectors/ -> bytes. */
type FileSet = Map<string, Uint8Array>;

function rngFor(name: string): Mulberry32 {
  return new Mulberry32((SEED ^ fnv1a(name)) >>> 0);
}

function wavOf(x: Float64Array, what: string, allowClip = false): Uint8Array {
  const clip = { count: 0 };
  const s = toInt16(x, clip);
  if (clip.count > 0 && !allowClip) throw new Error(`${what}: ${clip.count} samples clipped`);
  return encodeWav(s, RATE);
}

function addCase(
  files: FileSet,
  suite: SuiteOut,
  c: { name: string; tags: string[]; description: string; reference?: string | null; input?: string },
  bytes: Uint8Array | null,
): void {
  const input = c.input ?? `${c.name}.wav`;
  if (bytes) files.set(`${suite.suite}/${input}`, bytes);
  suite.cases.push({
    name: c.name,
    input,
    golden: `golden/${c.name}.wav`,
    params: {},
    tolerance: { mode: 'bit-exact' },
    tags: c.tags,
    reference: c.reference ?? null,
    description: c.description,
  });
}

function manifestBytes(s: SuiteOut): Uint8Array {
  const doc = {
    $schema: '../manifest.schema.json',
    suite: s.suite,
    description: s.description,
    generatedBy: GENERATED_BY,
    cases: s.cases,
  };
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// smoke

function genSmoke(files: FileSet): SuiteOut {
  const suite: SuiteOut = {
    suite: 'smoke',
    description: 'Basic signals, 1 s each: does the pipeline run and stay bit-exact on trivial input.',
    cases: [],
  };
  const n = RATE;
  addCase(files, suite, { name: 'silence', tags: ['silence'], description: 'Digital silence (all zeros), 1 s' }, wavOf(new Float64Array(n), 'silence'));
  const imp = new Float64Array(n);
  imp[0] = FULL;
  addCase(files, suite, { name: 'impulse', tags: ['impulse'], description: 'Unit impulse at full scale (32767) at sample 0, then zeros; 1 s' }, wavOf(imp, 'impulse'));
  addCase(
    files,
    suite,
    { name: 'tone-1k', tags: ['tone'], description: '1 kHz sine at -6 dBFS, 1 s (exactly 1000 periods, starts at phase 0)' },
    wavOf(tone(n, RATE, 1000, FULL * dbToGain(-6)), 'tone-1k'),
  );
  addCase(
    files,
    suite,
    { name: 'sweep', tags: ['sweep'], description: 'Exponential sine sweep 50 Hz to 7.9 kHz at -6 dBFS, 1 s, 10 ms raised-cosine fades' },
    wavOf(fadeInOut(logSweep(n, RATE, 50, 7900, FULL * dbToGain(-6)), 160), 'sweep'),
  );
  return suite;
}

// ---------------------------------------------------------------------------------------------
// edge

function genEdge(files: FileSet): SuiteOut {
  const suite: SuiteOut = {
    suite: 'edge',
    description: 'Edge cases: saturation, DC, very low level, full-scale noise, lengths that are not whole frames.',
    cases: [],
  };
  const n = RATE;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = i % 32 < 16 ? 32767 : -32768;
  addCase(files, suite, { name: 'square-full-scale', tags: ['clipping', 'full-scale'], description: '500 Hz square wave at full scale (+32767 / -32768), 1 s' }, wavOf(sq, 'square'));

  const dc = tone(n, RATE, 440, FULL * dbToGain(-20));
  for (let i = 0; i < n; i++) dc[i]! += 8192;
  addCase(files, suite, { name: 'dc-offset', tags: ['dc', 'tone'], description: '440 Hz sine at -20 dBFS riding on a DC offset of +8192 (-12 dBFS), 1 s' }, wavOf(dc, 'dc'));

  addCase(
    files,
    suite,
    { name: 'tone-minus60', tags: ['tone', 'low-level'], description: '1 kHz sine at -60 dBFS (peak about 33 LSB), 1 s' },
    wavOf(tone(n, RATE, 1000, FULL * dbToGain(-60)), 'tone-minus60'),
  );

  const rng = rngFor('edge/white-full-scale');
  const wn = new Float64Array(n);
  for (let i = 0; i < n; i++) wn[i] = (rng.u32() >>> 16) - 32768;
  addCase(files, suite, { name: 'white-full-scale', tags: ['noise', 'full-scale'], description: 'Uniform white noise over the full int16 range, 1 s' }, wavOf(wn, 'white'));

  addCase(
    files,
    suite,
    { name: 'short-100', tags: ['short', 'partial-frame'], description: '100 samples (shorter than one 160-sample hop) of a 1 kHz sine at -6 dBFS' },
    wavOf(tone(100, RATE, 1000, FULL * dbToGain(-6)), 'short'),
  );

  const odd = pinkNoise(RATE + 37, rngFor('edge/odd-length'));
  const g = (FULL * dbToGain(-20)) / Math.sqrt(meanSquare(odd));
  for (let i = 0; i < odd.length; i++) odd[i]! *= g;
  addCase(
    files,
    suite,
    { name: 'odd-length', tags: ['noise', 'partial-frame'], description: 'Pink noise at -20 dBFS RMS, 16037 samples (100 hops of 160 plus 37)' },
    wavOf(odd, 'odd-length'),
  );
  return suite;
}

// ---------------------------------------------------------------------------------------------
// speech: clean clips (rendered once with espeak-ng, committed), noisy mixtures

interface Utterance {
  file: string; // relative to vectors/speech/
  voice: string;
  text: string;
  label: string;
}

const TARGETS: Utterance[] = [
  {
    file: 'clean/en-us-m.wav',
    voice: 'en-us',
    label: 'en-us male',
    text: "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It's easy to tell the depth of a well.",
  },
  {
    file: 'clean/en-gb-m.wav',
    voice: 'en-gb',
    label: 'en-gb male',
    text: 'These days a chicken leg is a rare dish. Rice is often served in round bowls. The juice of lemons makes fine punch.',
  },
  {
    file: 'clean/en-us-f.wav',
    voice: 'en-us+f3',
    label: 'en-us female',
    text: 'The box was thrown beside the parked truck. The hogs were fed chopped corn and garbage. Four hours of steady work faced us.',
  },
];

const BABBLE_SOURCES: Utterance[] = [
  { file: 'babble-src/talker-1.wav', voice: 'en-gb-scotland', label: 'babble', text: 'A large size in stockings is hard to sell. The boy was there when the sun rose.' },
  { file: 'babble-src/talker-2.wav', voice: 'en-029+f2', label: 'babble', text: 'A rod is used to catch pink salmon. The source of the huge river is the clear spring.' },
  { file: 'babble-src/talker-3.wav', voice: 'en-us+m3', label: 'babble', text: 'Kick the ball straight and follow through. Help the woman get back to her feet.' },
  { file: 'babble-src/talker-4.wav', voice: 'en-gb-x-rp+f4', label: 'babble', text: 'A pot of tea helps to pass the evening. Smoky fires lack flame and heat.' },
];

const CLEAN_RMS_DBFS = -26;
const PAD_S = 0.4;

/** Render one utterance with espeak-ng and return 16 kHz float samples (not yet scaled). */
function renderUtterance(u: Utterance, tmp: string): Float64Array {
  const out = join(tmp, 'tts.wav');
  execFileSync('espeak-ng', ['-v', u.voice, '-s', '160', '-w', out, u.text], { stdio: ['ignore', 'ignore', 'pipe'] });
  const wav = parseWav(new Uint8Array(readFileSync(out)), `espeak-ng output for ${u.file}`);
  requireMono16(wav, {}, `espeak-ng output for ${u.file}`);
  return wav.sampleRate === RATE ? Float64Array.from(wav.samples) : resample(wav.samples, wav.sampleRate, RATE, 7600);
}

/** Render all clean speech (targets padded with silence and level-normalized) into `files`. */
function renderSpeech(files: FileSet): void {
  const tmp = mkdtempSync(join(tmpdir(), 'hil-espeak-'));
  try {
    for (const u of [...TARGETS, ...BABBLE_SOURCES]) {
      let x = renderUtterance(u, tmp);
      if (u.file.startsWith('clean/')) {
        const pad = Math.round(PAD_S * RATE);
        const y = new Float64Array(x.length + 2 * pad);
        y.set(x, pad);
        x = y;
      }
      const g = (FULL * dbToGain(CLEAN_RMS_DBFS)) / Math.sqrt(meanSquare(x));
      for (let i = 0; i < x.length; i++) x[i]! *= g;
      if (peakAbs(x) > 32000) throw new Error(`${u.file}: peak ${peakAbs(x)} too close to full scale`);
      files.set(`speech/${u.file}`, wavOf(x, u.file));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function loadClean(rel: string, files: FileSet): Int16Array {
  const key = `speech/${rel}`;
  const path = join(VECTORS_DIR, key);
  const bytes = files.get(key) ?? new Uint8Array(readFileSync(path));
  const wav = parseWav(bytes, `vectors/${key}`);
  requireMono16(wav, { rate: RATE }, `vectors/${key}`);
  return wav.samples;
}

/** Babble: several time-shifted, differently-filtered talkers, looped to `n` samples, unit RMS. */
function babble(n: number, sources: Int16Array[], rng: Mulberry32): Float64Array {
  const shapes: Array<[BiquadKind, number, number]> = [
    ['lowpass', 3000, 0.7],
    ['bandpass', 1200, 0.8],
    ['highpass', 300, 0.7],
    ['lowpass', 2000, 0.9],
    ['bandpass', 800, 0.6],
    ['highpass', 500, 0.8],
  ];
  const sum = new Float64Array(n);
  shapes.forEach(([kind, freq, q], t) => {
    const src = sources[t % sources.length]!;
    const shift = rng.int(src.length);
    const looped = new Float64Array(n);
    for (let i = 0; i < n; i++) looped[i] = src[(i + shift) % src.length]!;
    const y = biquad(looped, RATE, kind, freq, q);
    const g = dbToGain(rng.uniform() * 6 - 3) / Math.sqrt(meanSquare(y));
    for (let i = 0; i < n; i++) sum[i]! += g * y[i]!;
  });
  const norm = 1 / Math.sqrt(meanSquare(sum));
  for (let i = 0; i < n; i++) sum[i]! *= norm;
  return sum;
}

type NoiseKind = 'white' | 'pink' | 'babble';

const SPEECH_CASES: Array<{ talker: number; noise: NoiseKind; snr: number }> = [
  { talker: 0, noise: 'white', snr: 10 },
  { talker: 0, noise: 'babble', snr: 5 },
  { talker: 0, noise: 'pink', snr: 20 },
  { talker: 1, noise: 'pink', snr: 0 },
  { talker: 1, noise: 'white', snr: 20 },
  { talker: 1, noise: 'babble', snr: 0 },
  { talker: 2, noise: 'babble', snr: 10 },
  { talker: 2, noise: 'pink', snr: 5 },
];

function talkerTag(u: Utterance): string {
  return u.file.replace(/^clean\//, '').replace(/\.wav$/, '');
}

function genSpeech(files: FileSet): SuiteOut {
  const suite: SuiteOut = {
    suite: 'speech',
    description:
      'Synthetic speech (espeak-ng, resampled to 16 kHz, -26 dBFS RMS incl. 0.4 s silence each end) mixed with white, pink and babble noise at 0-20 dB SNR.',
    cases: [],
  };
  const babbleSrc = BABBLE_SOURCES.map((b) => loadClean(b.file, files));
  const clean0 = TARGETS[0]!;
  addCase(
    files,
    suite,
    {
      name: 'clean-en-us-m',
      input: clean0.file,
      reference: clean0.file,
      tags: ['speech', 'clean', talkerTag(clean0)],
      description: `Clean ${clean0.label} speech, no noise (the model should leave it nearly unchanged)`,
    },
    null,
  );
  for (const c of SPEECH_CASES) {
    const t = TARGETS[c.talker]!;
    const name = `${talkerTag(t)}-${c.noise}-${c.snr}db`;
    const s = loadClean(t.file, files);
    const rng = rngFor(`speech/${name}`);
    const noise = c.noise === 'white' ? whiteNoise(s.length, rng) : c.noise === 'pink' ? pinkNoise(s.length, rng) : babble(s.length, babbleSrc, rng);
    const g = Math.sqrt(meanSquare(s) / (meanSquare(noise) * dbToGain(c.snr) * dbToGain(c.snr)));
    const mix = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) mix[i] = s[i]! + g * noise[i]!;
    const bytes = wavOf(mix, name);
    // Report the SNR actually obtained after rounding (speech part is exact: no gain on it).
    const q = parseWav(bytes, name).samples!;
    let en = 0;
    for (let i = 0; i < s.length; i++) en += (q[i]! - s[i]!) * (q[i]! - s[i]!);
    const snr = powerDb((meanSquare(s) * s.length) / en);
    addCase(
      files,
      suite,
      {
        name,
        reference: t.file,
        tags: ['speech', 'noisy', c.noise, `snr-${c.snr}db`, talkerTag(t)],
        description: `${t.label} speech + ${c.noise} noise at ${c.snr} dB SNR (measured ${(Math.abs(snr) < 0.005 ? 0 : snr).toFixed(2)} dB over the whole file), ${(s.length / RATE).toFixed(2)} s`,
      },
      bytes,
    );
  }
  return suite;
}

// ---------------------------------------------------------------------------------------------

const SUITES = ['smoke', 'speech', 'edge'] as const;

function generate(renderSpeechToo: boolean, checking: boolean): { files: FileSet; problems: string[] } {
  const files: FileSet = new Map();
  const problems: string[] = [];
  const missingClean = [...TARGETS, ...BABBLE_SOURCES].filter((u) => !existsSync(join(VECTORS_DIR, 'speech', u.file)));
  if (renderSpeechToo || (!checking && missingClean.length > 0)) renderSpeech(files);
  else if (missingClean.length > 0) {
    for (const u of missingClean) problems.push(`missing: speech/${u.file} (run with --render-speech)`);
    return { files, problems };
  } else {
    // The committed clean speech is itself an input: include it so --check sees it is intact.
    for (const u of [...TARGETS, ...BABBLE_SOURCES]) {
      const key = `speech/${u.file}`;
      files.set(key, new Uint8Array(readFileSync(join(VECTORS_DIR, key))));
    }
  }
  for (const suite of [genSmoke(files), genSpeech(files), genEdge(files)]) {
    files.set(`${suite.suite}/manifest.json`, manifestBytes(suite));
  }
  return { files, problems };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Files in the suite folders the generator did not produce (goldens excepted). */
function staleFiles(files: FileSet): string[] {
  const out: string[] = [];
  for (const s of SUITES) {
    for (const p of listFiles(join(VECTORS_DIR, s))) {
      const rel = relative(VECTORS_DIR, p).split('\\').join('/');
      if (rel.startsWith(`${s}/golden/`)) continue;
      if (!files.has(rel)) out.push(rel);
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function totalWavBytes(): { total: number; goldenMissing: number } {
  let total = 0;
  let goldenMissing = 0;
  for (const p of listFiles(VECTORS_DIR)) if (p.endsWith('.wav')) total += statSync(p).size;
  for (const s of SUITES) {
    const mp = join(VECTORS_DIR, s, 'manifest.json');
    if (!existsSync(mp)) continue;
    const m = JSON.parse(readFileSync(mp, 'utf8')) as { cases: Array<{ input: string; golden: string }> };
    for (const c of m.cases) {
      const g = join(VECTORS_DIR, s, c.golden);
      const i = join(VECTORS_DIR, s, c.input);
      if (!existsSync(g) && existsSync(i)) goldenMissing += statSync(i).size;
    }
  }
  return { total, goldenMissing };
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(2)} MiB`;
}

function main(argv: string[]): number {
  const known = new Set(['--check', '--render-speech', '--help']);
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dir') {
      const dir = argv[++i];
      if (dir === undefined || !existsSync(dir)) {
        process.stderr.write(`gen-vectors: --dir needs an existing folder (got ${dir === undefined ? 'nothing' : JSON.stringify(dir)})\n`);
        return 2;
      }
      VECTORS_DIR = resolve(dir);
    } else if (!known.has(a)) {
      process.stderr.write(`gen-vectors: unknown option ${a} (expected --check, --render-speech, --dir DIR)\n`);
      return 2;
    } else flags.push(a);
  }
  argv = flags;
  if (argv.includes('--help')) {
    process.stdout.write('usage: npx tsx vectors/tools/gen-vectors.ts [--check] [--render-speech] [--dir DIR]\n');
    return 0;
  }
  const checking = argv.includes('--check');
  const { files, problems } = generate(argv.includes('--render-speech'), checking);
  const stale = staleFiles(files);
  if (checking) {
    for (const [rel, bytes] of files) {
      const p = join(VECTORS_DIR, rel);
      if (!existsSync(p)) problems.push(`missing: ${rel}`);
      else if (!sameBytes(new Uint8Array(readFileSync(p)), bytes)) problems.push(`differs: ${rel}`);
    }
    for (const rel of stale) problems.push(`not produced by the generator: ${rel}`);
    if (problems.length > 0) {
      process.stderr.write(`gen-vectors --check: ${problems.length} problem(s) in vectors/:\n`);
      for (const p of problems) process.stderr.write(`  ${p}\n`);
      process.stderr.write('Regenerate with: npx tsx vectors/tools/gen-vectors.ts\n');
      return 1;
    }
    process.stdout.write(`gen-vectors --check: ${files.size} files match (seed ${SEED})\n`);
  } else {
    let written = 0;
    for (const [rel, bytes] of files) {
      const p = join(VECTORS_DIR, rel);
      if (existsSync(p) && sameBytes(new Uint8Array(readFileSync(p)), bytes)) continue;
      mkdirSync(dirname(p), { recursive: true });
      const tmp = `${p}.tmp-${process.pid}`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, p);
      written++;
      process.stdout.write(`wrote ${rel} (${bytes.length} bytes)\n`);
    }
    for (const rel of stale) {
      unlinkSync(join(VECTORS_DIR, rel));
      process.stdout.write(`removed stale ${rel}\n`);
    }
    process.stdout.write(`gen-vectors: ${files.size} files, ${written} written, ${files.size - written} unchanged (seed ${SEED})\n`);
  }
  const { total, goldenMissing } = totalWavBytes();
  process.stdout.write(
    `total WAV size under vectors/: ${total} bytes (${mb(total)})` +
      (goldenMissing > 0 ? `; with the missing goldens (same size as their inputs): ${mb(total + goldenMissing)}` : '') +
      `; limit ${mb(SIZE_LIMIT)}\n`,
  );
  if (total > SIZE_LIMIT) {
    process.stderr.write(`gen-vectors: vectors total ${mb(total)} exceeds the ${mb(SIZE_LIMIT)} limit\n`);
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
