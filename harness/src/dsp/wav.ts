/**
 * 16-bit PCM WAV input/output for test vectors and golden outputs.
 *
 * Reading: our own structural validation walks the RIFF chunks first (magic, fmt chunk, format
 * tag, channels, rate, bits, block alignment, declared sizes against the real file size), so a
 * malformed file yields one precise line naming the file; only then are the bytes handed to
 * `wavefile` to decode the samples. Files that are well-formed but not 16-bit PCM (8-bit, 24-bit,
 * 32-bit float, ...) are still parsed far enough to report their format; `samples` is then null
 * and `requireMono16` names the mismatch.
 *
 * Writing: mono 16-bit PCM, canonical 44-byte header, written atomically (temp file + rename).
 */

import { mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as wavefileModule from 'wavefile';
import { HarnessError } from '../core/errors.ts';

// wavefile ships a CommonJS build flagged __esModule with no default export: Node's ESM loader
// exposes it as `default.WaveFile`, a CommonJS transpile (mocha's require path) as `WaveFile`.
// `import { WaveFile } from 'wavefile'` therefore fails under plain Node ESM; resolve it here.
type WaveFileCtor = typeof wavefileModule.WaveFile;
const WaveFile: WaveFileCtor =
  (wavefileModule as { WaveFile?: WaveFileCtor }).WaveFile ??
  (wavefileModule as unknown as { default: { WaveFile: WaveFileCtor } }).default.WaveFile;

/** Format tags we understand (WAVE_FORMAT_*). */
export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Largest WAV file we agree to read (a test vector is seconds long; this is hours). */
export const MAX_WAV_BYTES = 512 * 1024 * 1024;

export type SampleEncoding = 'pcm' | 'float';

export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** Container bits per sample (8, 16, 24, 32, ...). */
  readonly bitsPerSample: number;
  /** Integer PCM or IEEE float (after resolving WAVE_FORMAT_EXTENSIBLE). */
  readonly encoding: SampleEncoding;
  /** Raw format tag from the fmt chunk (1, 3 or 0xFFFE). */
  readonly formatTag: number;
  /** Sample frames (samples per channel) in the data chunk. */
  readonly frames: number;
  /**
   * Samples, interleaved if channels > 1. Present for 16-bit PCM only; null for any other
   * format (use `requireMono16` to turn that into an error that names the format).
   */
  readonly samples: Int16Array | null;
}

/** A WAV known to be 16-bit PCM mono at the expected rate. */
export interface Mono16Wav extends WavAudio {
  readonly channels: 1;
  readonly bitsPerSample: 16;
  readonly encoding: 'pcm';
  readonly samples: Int16Array;
}

const KSDATAFORMAT_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'MS ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0055: 'MPEG layer 3',
};

function fail(name: string, what: string): never {
  throw new HarnessError('INPUT', `${name}: ${what}`, { file: name });
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function printableId(id: string): string {
  return /^[\x20-\x7e]{4}$/.test(id) ? `'${id}'` : JSON.stringify(id);
}

function hex4(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

interface FmtInfo {
  formatTag: number;
  encoding: SampleEncoding;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(b: Uint8Array, view: DataView, at: number, size: number, name: string): FmtInfo {
  if (size < 16) fail(name, `fmt chunk is ${size} bytes, expected at least 16`);
  const formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  let encoding: SampleEncoding;
  if (formatTag === WAVE_FORMAT_PCM) encoding = 'pcm';
  else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) encoding = 'float';
  else if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) fail(name, `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, expected 40`);
    const cbSize = view.getUint16(at + 16, true);
    if (cbSize < 22) fail(name, `WAVE_FORMAT_EXTENSIBLE fmt chunk has cbSize ${cbSize}, expected 22`);
    const sub = view.getUint16(at + 24, true);
    const suffixOk = KSDATAFORMAT_SUFFIX.every((v, i) => b[at + 26 + i] === v);
    if (!suffixOk) fail(name, 'WAVE_FORMAT_EXTENSIBLE with a non-standard subformat GUID, expected PCM');
    if (sub === WAVE_FORMAT_PCM) encoding = 'pcm';
    else if (sub === WAVE_FORMAT_IEEE_FLOAT) encoding = 'float';
    else {
      const what = FORMAT_NAMES[sub] ?? 'unknown';
      fail(name, `WAVE_FORMAT_EXTENSIBLE subformat ${hex4(sub)} (${what}), expected PCM`);
    }
  } else {
    const what = FORMAT_NAMES[formatTag] ?? 'unknown';
    fail(name, `format tag ${hex4(formatTag)} (${what}), expected PCM (0x0001 or extensible PCM)`);
  }
  if (channels === 0) fail(name, 'fmt chunk declares 0 channels');
  if (sampleRate === 0) fail(name, 'fmt chunk declares a sample rate of 0 Hz');
  if (bitsPerSample === 0 || bitsPerSample > 64) fail(name, `fmt chunk declares ${bitsPerSample} bits per sample`);
  if (encoding === 'float' && bitsPerSample !== 32 && bitsPerSample !== 64) {
    fail(name, `IEEE float with ${bitsPerSample} bits per sample, expected 32 or 64`);
  }
  const expectedAlign = channels * Math.ceil(bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    fail(name, `fmt chunk block align ${blockAlign}, expected ${expectedAlign} for ${channels} channel(s) of ${bitsPerSample} bits`);
  }
  return { formatTag, encoding, channels, sampleRate, blockAlign, bitsPerSample };
}

/**
 * Parse a WAV file held in memory. `nameForErrors` is the file name used in error messages.
 * Throws HarnessError('INPUT') with a one-line message for any structural problem.
 */
export function parseWav(bytes: Uint8Array, nameForErrors: string): WavAudio {
  const name = nameForErrors;
  const len = bytes.length;
  if (len === 0) fail(name, 'empty file, expected a WAV file');
  if (len < 12) fail(name, `${len} bytes, too short for a WAV header (12 bytes)`);
  const riff = fourcc(bytes, 0);
  if (riff !== 'RIFF') {
    if (riff === 'RIFX' || riff === 'RF64') fail(name, `${riff} container not supported, expected RIFF (little-endian WAV)`);
    fail(name, `not a WAV file (starts with ${printableId(riff)}, expected 'RIFF')`);
  }
  const wave = fourcc(bytes, 8);
  if (wave !== 'WAVE') fail(name, `RIFF file of type ${printableId(wave)}, expected 'WAVE'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 > len) {
    fail(name, `truncated: RIFF header declares ${riffSize + 8} bytes, file has ${len}`);
  }
  const end = riffSize + 8; // trailing bytes after the RIFF chunk are ignored

  let fmt: FmtInfo | null = null;
  let dataAt = -1;
  let dataSize = 0;
  let at = 12;
  while (at + 8 <= end) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (size > end - body) {
      fail(name, `truncated: ${printableId(id)} chunk at offset ${at} declares ${size} bytes, only ${end - body} remain`);
    }
    if (id === 'fmt ') {
      if (fmt !== null) fail(name, 'more than one fmt chunk');
      fmt = parseFmt(bytes, view, body, size, name);
    } else if (id === 'data') {
      if (dataAt >= 0) fail(name, 'more than one data chunk');
      dataAt = body;
      dataSize = size;
    }
    at = body + size + (size & 1);
  }
  if (fmt === null) fail(name, 'no fmt chunk');
  if (dataAt < 0) fail(name, 'no data chunk');
  if (dataSize === 0) fail(name, 'empty data chunk (no samples)');
  if (dataSize % fmt.blockAlign !== 0) {
    fail(name, `data chunk of ${dataSize} bytes is not a whole number of ${fmt.blockAlign}-byte sample frames`);
  }
  const frames = dataSize / fmt.blockAlign;
  const header = {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bitsPerSample,
    encoding: fmt.encoding,
    formatTag: fmt.formatTag,
    frames,
  };
  if (fmt.encoding !== 'pcm' || fmt.bitsPerSample !== 16) return { ...header, samples: null };

  // Structure is sound. 16-bit PCM is little-endian int16 in the data chunk: on a little-endian
  // host (x86, ARM) copy it out directly, ~20x faster than the generic decoder (a regression
  // reads every input and golden, on the critical path of each case); elsewhere let wavefile
  // decode it. wav.test.ts checks that both give the same samples.
  if (HOST_LITTLE_ENDIAN) {
    const copy = new Uint8Array(dataSize);
    copy.set(bytes.subarray(dataAt, dataAt + dataSize));
    return { ...header, samples: new Int16Array(copy.buffer) };
  }
  return { ...header, samples: decodeWithWavefile(bytes, name, frames * fmt.channels) };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** 16-bit samples of a validated WAV through `wavefile` (the portable decoder), cross-checked. */
export function decodeWithWavefile(bytes: Uint8Array, name: string, expected: number): Int16Array {
  let samples: Int16Array;
  try {
    const wf = new WaveFile(bytes);
    const decoded: unknown = wf.getSamples(true, Int16Array);
    if (!(decoded instanceof Int16Array)) throw new Error('decoder returned no 16-bit samples');
    samples = decoded;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new HarnessError('INPUT', `${name}: WAV decoder failed: ${msg}`, { file: name }, { cause: e });
  }
  if (samples.length !== expected) fail(name, `WAV decoder returned ${samples.length} samples, expected ${expected}`);
  return samples;
}

/** Read and parse a WAV file. Errors name `path` as given. */
export async function readWav(path: string): Promise<WavAudio> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) fail(path, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(path, 'file not found');
    throw new HarnessError('INPUT', `${path}: cannot read: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  if (size > MAX_WAV_BYTES) fail(path, `${size} bytes, larger than the ${MAX_WAV_BYTES}-byte limit for a WAV file`);
  let bytes: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      bytes = new Uint8Array(await fh.readFile());
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new HarnessError('INPUT', `${path}: cannot read: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  return parseWav(bytes, path);
}

function describeBits(wav: WavAudio): string {
  return wav.encoding === 'float' ? `${wav.bitsPerSample}-bit float samples` : `${wav.bitsPerSample}-bit samples`;
}

/**
 * Check that `wav` is 16-bit PCM mono (at `expected.rate` Hz when given); throws
 * HarnessError('INPUT') naming `file` and the first mismatch (format, then channels, then rate).
 * An assertion: after it returns, `wav.samples` is known to be an Int16Array.
 */
export function requireMono16(wav: WavAudio, expected: { rate?: number }, file: string): asserts wav is Mono16Wav {
  if (wav.encoding !== 'pcm' || wav.bitsPerSample !== 16 || wav.samples === null) {
    fail(file, `${describeBits(wav)}, expected 16-bit PCM`);
  }
  if (wav.channels !== 1) fail(file, `${wav.channels} channels, expected mono`);
  if (expected.rate !== undefined && wav.sampleRate !== expected.rate) {
    fail(file, `sample rate ${wav.sampleRate} Hz, expected ${expected.rate} Hz`);
  }
}

/** Encode mono 16-bit PCM samples as a canonical 44-byte-header WAV file. */
export function encodeWav(samples: Int16Array, rate: number): Uint8Array {
  if (!Number.isInteger(rate) || rate <= 0 || rate > 0xffffffff) {
    throw new HarnessError('INPUT', `cannot write WAV: sample rate ${rate} is not a positive integer`);
  }
  if (samples.length === 0) throw new HarnessError('INPUT', 'cannot write WAV: no samples');
  const wf = new WaveFile();
  wf.fromScratch(1, rate, '16', samples);
  return wf.toBuffer();
}

let tempCounter = 0;

/** Write mono 16-bit PCM `samples` at `rate` Hz to `path` atomically (temp file + rename). */
export async function writeWav(path: string, samples: Int16Array, rate: number): Promise<void> {
  const bytes = encodeWav(samples, rate);
  const tmp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new HarnessError('INPUT', `${path}: cannot write: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}
