import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HarnessError } from '../core/errors.ts';
import { decodeWithWavefile, encodeWav, parseWav, readWav, requireMono16, writeWav, type WavAudio } from './wav.ts';
import { rejection, thrown } from '../../test/helpers/rejection.ts';

interface FmtOpts {
  formatTag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  blockAlign?: number;
  fmtSize?: number;
  subFormat?: number;
}

/** Build a WAV file byte by byte so malformed variants are easy to make. */
function buildWav(data: Uint8Array, o: FmtOpts = {}, extraChunks: Uint8Array[] = []): Uint8Array {
  const formatTag = o.formatTag ?? 1;
  const channels = o.channels ?? 1;
  const rate = o.rate ?? 16000;
  const bits = o.bits ?? 16;
  const blockAlign = o.blockAlign ?? channels * Math.ceil(bits / 8);
  const extensible = formatTag === 0xfffe;
  const fmtSize = o.fmtSize ?? (extensible ? 40 : 16);
  const fmt = new Uint8Array(8 + fmtSize);
  const fv = new DataView(fmt.buffer);
  fmt.set([0x66, 0x6d, 0x74, 0x20]);
  fv.setUint32(4, fmtSize, true);
  if (fmtSize >= 16) {
    fv.setUint16(8, formatTag, true);
    fv.setUint16(10, channels, true);
    fv.setUint32(12, rate, true);
    fv.setUint32(16, rate * blockAlign, true);
    fv.setUint16(20, blockAlign, true);
    fv.setUint16(22, bits, true);
  }
  if (extensible && fmtSize >= 40) {
    fv.setUint16(24, 22, true);
    fv.setUint16(26, bits, true);
    fv.setUint32(28, channels === 1 ? 4 : 3, true);
    fv.setUint16(32, o.subFormat ?? 1, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 34);
  }
  const dataChunk = chunk('data', data);
  const parts = [fmt, ...extraChunks, dataChunk];
  const bodyLen = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + bodyLen);
  const ov = new DataView(out.buffer);
  out.set([0x52, 0x49, 0x46, 0x46]);
  ov.setUint32(4, bodyLen, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const pad = body.length & 1;
  const out = new Uint8Array(8 + body.length + pad);
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function pcm16(values: number[]): Uint8Array {
  return new Uint8Array(Int16Array.from(values).buffer);
}

const errorOf = thrown;
const asyncErrorOf = (fn: () => Promise<unknown>): Promise<HarnessError> => rejection(fn());

describe('dsp/wav', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-wav-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('round trip', () => {
    it('writes and reads back mono 16-bit samples bit for bit', async () => {
      const samples = new Int16Array(16037);
      for (let i = 0; i < samples.length; i++) samples[i] = ((i * 7919) % 65536) - 32768;
      samples[0] = -32768;
      samples[1] = 32767;
      const p = join(dir, 'sub', 'rt.wav');
      await writeWav(p, samples, 16000);
      const wav = await readWav(p);
      requireMono16(wav, { rate: 16000 }, p);
      expect(wav.sampleRate).to.equal(16000);
      expect(wav.channels).to.equal(1);
      expect(wav.bitsPerSample).to.equal(16);
      expect(wav.frames).to.equal(samples.length);
      expect(Array.from(wav.samples)).to.deep.equal(Array.from(samples));
      const bytes = await readFile(p);
      expect(bytes.length).to.equal(44 + 2 * samples.length);
      // No temp files left behind.
      expect(await readdir(join(dir, 'sub'))).to.deep.equal(['rt.wav']);
    });

    it('encodes deterministically', () => {
      const s = Int16Array.from([1, -2, 3]);
      expect(Buffer.from(encodeWav(s, 16000)).equals(Buffer.from(encodeWav(s, 16000)))).to.equal(true);
    });

    it('reads stereo 16-bit interleaved', () => {
      const wav = parseWav(buildWav(pcm16([1, -1, 2, -2]), { channels: 2 }), 'st.wav');
      expect(wav.channels).to.equal(2);
      expect(wav.frames).to.equal(2);
      expect(Array.from(wav.samples!)).to.deep.equal([1, -1, 2, -2]);
    });

    it('accepts WAVE_FORMAT_EXTENSIBLE with the PCM subtype', () => {
      const wav = parseWav(buildWav(pcm16([5, 6, 7]), { formatTag: 0xfffe }), 'ext.wav');
      expect(wav.encoding).to.equal('pcm');
      requireMono16(wav, { rate: 16000 }, 'ext.wav');
      expect(Array.from(wav.samples)).to.deep.equal([5, 6, 7]);
    });

    it('skips unknown chunks, including odd-sized ones with a pad byte', () => {
      const list = chunk('LIST', new Uint8Array([1, 2, 3]));
      const wav = parseWav(buildWav(pcm16([9, 8]), {}, [list]), 'list.wav');
      expect(Array.from(wav.samples!)).to.deep.equal([9, 8]);
    });

    it('refuses to write an empty file or a bad rate', async () => {
      expect(errorOf(() => encodeWav(new Int16Array(0), 16000)).message).to.match(/no samples/);
      expect(errorOf(() => encodeWav(new Int16Array(1), 0)).message).to.match(/sample rate 0/);
      const e = await asyncErrorOf(() => writeWav(join(dir, 'x.wav'), new Int16Array(1), 1.5));
      expect(e.code).to.equal('INPUT');
    });
  });

  describe('requireMono16 messages', () => {
    const cases: Array<[string, FmtOpts, Uint8Array, string]> = [
      ['44k.wav', { rate: 44100 }, pcm16([0, 1]), '44k.wav: sample rate 44100 Hz, expected 16000 Hz'],
      ['stereo.wav', { channels: 2 }, pcm16([0, 1]), 'stereo.wav: 2 channels, expected mono'],
      ['8bit.wav', { bits: 8 }, new Uint8Array([128, 129]), '8bit.wav: 8-bit samples, expected 16-bit PCM'],
      ['24bit.wav', { bits: 24 }, new Uint8Array(6), '24bit.wav: 24-bit samples, expected 16-bit PCM'],
      ['float.wav', { formatTag: 3, bits: 32 }, new Uint8Array(8), 'float.wav: 32-bit float samples, expected 16-bit PCM'],
      ['extfloat.wav', { formatTag: 0xfffe, subFormat: 3, bits: 32 }, new Uint8Array(8), 'extfloat.wav: 32-bit float samples, expected 16-bit PCM'],
    ];
    for (const [name, fmt, data, msg] of cases) {
      it(`${name}`, async () => {
        const p = join(dir, name);
        await writeFile(p, buildWav(data, fmt));
        const wav: WavAudio = await readWav(p);
        const e = errorOf(() => requireMono16(wav, { rate: 16000 }, name));
        expect(e.code).to.equal('INPUT');
        expect(e.message).to.equal(msg);
        expect(e.context.file).to.equal(name);
        expect(e.message).not.to.include('\n');
      });
    }

    it('8-bit files are parsed (format reported), not rejected as corrupt', () => {
      const wav = parseWav(buildWav(new Uint8Array([1, 2, 3]), { bits: 8 }), '8.wav');
      expect(wav.bitsPerSample).to.equal(8);
      expect(wav.frames).to.equal(3);
      expect(wav.samples).to.equal(null);
    });

    it('without a rate, checks only format and channels', () => {
      const wav = parseWav(buildWav(pcm16([1]), { rate: 48000 }), 'r.wav');
      requireMono16(wav, {}, 'r.wav');
      expect(wav.samples.length).to.equal(1);
    });

    it('reports the format before the channel count and the rate', () => {
      const wav = parseWav(buildWav(new Uint8Array(4), { bits: 8, channels: 2, rate: 44100 }), 'x.wav');
      expect(errorOf(() => requireMono16(wav, { rate: 16000 }, 'x.wav')).message).to.equal(
        'x.wav: 8-bit samples, expected 16-bit PCM',
      );
    });
  });

  describe('malformed files', () => {
    const good = buildWav(pcm16([1, 2, 3, 4]));
    const mutate = (f: (b: Uint8Array, v: DataView) => void, src = good): Uint8Array => {
      const b = new Uint8Array(src);
      f(b, new DataView(b.buffer));
      return b;
    };
    const cases: Array<[string, Uint8Array, string]> = [
      ['empty file', new Uint8Array(0), 'f.wav: empty file, expected a WAV file'],
      ['too short', new Uint8Array(7), 'f.wav: 7 bytes, too short for a WAV header (12 bytes)'],
      ['not RIFF', mutate((b) => b.set([0x4f, 0x67, 0x67, 0x53])), "f.wav: not a WAV file (starts with 'OggS', expected 'RIFF')"],
      ['RIFX', mutate((b) => b.set([0x52, 0x49, 0x46, 0x58])), 'f.wav: RIFX container not supported, expected RIFF (little-endian WAV)'],
      ['not WAVE', mutate((b) => b.set([0x41, 0x56, 0x49, 0x20], 8)), "f.wav: RIFF file of type 'AVI ', expected 'WAVE'"],
      ['truncated file', good.subarray(0, good.length - 3), `f.wav: truncated: RIFF header declares ${good.length} bytes, file has ${good.length - 3}`],
      ['huge RIFF size', mutate((_, v) => v.setUint32(4, 0xffffffff, true)), `f.wav: truncated: RIFF header declares 4294967303 bytes, file has ${good.length}`],
      ['huge data size', mutate((_, v) => v.setUint32(40, 0x7fffffff, true)), "f.wav: truncated: 'data' chunk at offset 36 declares 2147483647 bytes, only 8 remain"],
      ['no fmt chunk', mutate((b) => b.set([0x66, 0x6d, 0x74, 0x21], 12)), 'f.wav: no fmt chunk'],
      ['fmt too small', buildWav(pcm16([1]), { fmtSize: 14 }), 'f.wav: fmt chunk is 14 bytes, expected at least 16'],
      ['ADPCM', buildWav(pcm16([1]), { formatTag: 0x11 }), 'f.wav: format tag 0x0011 (IMA ADPCM), expected PCM (0x0001 or extensible PCM)'],
      ['extensible mu-law', buildWav(pcm16([1]), { formatTag: 0xfffe, subFormat: 7 }), 'f.wav: WAVE_FORMAT_EXTENSIBLE subformat 0x0007 (mu-law), expected PCM'],
      ['extensible too short', buildWav(pcm16([1]), { formatTag: 0xfffe, fmtSize: 18 }), 'f.wav: WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes, expected 40'],
      ['zero channels', buildWav(pcm16([1]), { channels: 0, blockAlign: 2 }), 'f.wav: fmt chunk declares 0 channels'],
      ['zero rate', buildWav(pcm16([1]), { rate: 0 }), 'f.wav: fmt chunk declares a sample rate of 0 Hz'],
      ['zero bits', buildWav(pcm16([1]), { bits: 0, blockAlign: 2 }), 'f.wav: fmt chunk declares 0 bits per sample'],
      ['bad block align', buildWav(pcm16([1]), { blockAlign: 4 }), 'f.wav: fmt chunk block align 4, expected 2 for 1 channel(s) of 16 bits'],
      ['empty data', buildWav(new Uint8Array(0)), 'f.wav: empty data chunk (no samples)'],
      ['partial frame', buildWav(new Uint8Array(5)), 'f.wav: data chunk of 5 bytes is not a whole number of 2-byte sample frames'],
      ['two data chunks', buildWav(pcm16([1]), {}, [chunk('data', pcm16([2]))]), 'f.wav: more than one data chunk'],
    ];
    for (const [what, bytes, msg] of cases) {
      it(what, async () => {
        const e = errorOf(() => parseWav(bytes, 'f.wav'));
        expect(e.code).to.equal('INPUT');
        expect(e.message).to.equal(msg);
        expect(e.context.file).to.equal('f.wav');
        // Same through the file system.
        const p = join(dir, `bad-${what.replace(/\W+/g, '-')}.wav`);
        await writeFile(p, bytes);
        const e2 = await asyncErrorOf(() => readWav(p));
        expect(e2.message).to.equal(msg.replace(/^f\.wav/, p));
      });
    }

    it('no data chunk', () => {
      const b = buildWav(pcm16([1]));
      b.set([0x4a, 0x55, 0x4e, 0x4b], 36); // rename 'data' to 'JUNK'
      expect(errorOf(() => parseWav(b, 'f.wav')).message).to.equal('f.wav: no data chunk');
    });

    it('missing file', async () => {
      const p = join(dir, 'nope.wav');
      const e = await asyncErrorOf(() => readWav(p));
      expect(e.message).to.equal(`${p}: file not found`);
      expect(e.code).to.equal('INPUT');
    });

    it('a directory', async () => {
      expect((await asyncErrorOf(() => readWav(dir))).message).to.equal(`${dir}: not a regular file`);
    });
  });
});

describe('dsp/wav: direct 16-bit decoding', () => {
  it('gives the same samples as the wavefile decoder on every committed WAV', async () => {
    const root = fileURLToPath(new URL('../../../vectors/', import.meta.url));
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(d, e.name));
        else if (e.name.endsWith('.wav')) files.push(join(d, e.name));
      }
    };
    await walk(root);
    expect(files.length).to.be.above(40);
    for (const f of files) {
      const bytes = new Uint8Array(await readFile(f));
      const wav = parseWav(bytes, f);
      const ref = decodeWithWavefile(bytes, f, wav.frames * wav.channels);
      expect(wav.samples, f).to.not.equal(null);
      expect(Buffer.from(wav.samples!.buffer, wav.samples!.byteOffset, wav.samples!.byteLength).equals(Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength)), f).to.equal(true);
    }
  });

  it('returns samples that own their memory (not a view into the file bytes)', () => {
    const bytes = encodeWav(Int16Array.from([1, -2, 32767, -32768]), 16000);
    const wav = parseWav(bytes, 'x.wav');
    bytes.fill(0);
    expect(Array.from(wav.samples!)).to.deep.equal([1, -2, 32767, -32768]);
  });
});
