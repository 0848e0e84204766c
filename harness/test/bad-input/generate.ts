/**
 * Generates the bad-input corpus beside this file (issue 8.4): malformed WAVs, suite manifests
 * and configs, each small, each wrong in one way (the firmware images: firmware-fixtures.ts). Deterministic (the only
 * "random" bytes come from a seeded PRNG), so regenerating changes nothing:
 *
 *   npx tsx harness/test/bad-input/generate.ts          write the corpus
 *   npx tsx harness/test/bad-input/generate.ts --check  exit 1 if a committed file differs
 *
 * What each file is and the error it must produce: corpus.ts (the table the test runs).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Prng } from '../../src/core/prng.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const files = new Map<string, { data: Buffer; mode?: number }>();
const put = (rel: string, data: Buffer | string, mode?: number) => files.set(rel, { data: Buffer.isBuffer(data) ? data : Buffer.from(data), mode });
const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

interface Fmt {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  fmtSize?: number;
}

/** A RIFF/WAVE file with the given fmt fields and `dataBytes` of data (declared size optional). */
function wav(f: Fmt, dataBytes: number, o: { declaredData?: number; riff?: string; wave?: string; omitFmt?: boolean; omitData?: boolean } = {}): Buffer {
  const channels = f.channels ?? 1;
  const bits = f.bits ?? 16;
  const rate = f.rate ?? 16000;
  const fmtSize = f.fmtSize ?? 16;
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(fmtSize, 4);
  if (fmtSize >= 16) {
    fmt.writeUInt16LE(f.tag ?? 1, 8);
    fmt.writeUInt16LE(channels, 10);
    fmt.writeUInt32LE(rate, 12);
    fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
    fmt.writeUInt16LE((channels * bits) / 8, 20);
    fmt.writeUInt16LE(bits, 22);
  }
  const data = Buffer.alloc(8 + dataBytes + (dataBytes & 1));
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(o.declaredData ?? dataBytes, 4);
  const rng = new Prng(20261201);
  for (let i = 8; i < 8 + dataBytes; i++) data[i] = rng.int(256);
  const body = Buffer.concat([Buffer.from(o.wave ?? 'WAVE', 'ascii'), o.omitFmt ? Buffer.alloc(0) : fmt, o.omitData ? Buffer.alloc(0) : data]);
  const head = Buffer.alloc(8);
  head.write(o.riff ?? 'RIFF', 0, 'ascii');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

// ---- WAV inputs (hil process) --------------------------------------------------------------
const good = wav({}, 3200);
put('wav/empty.wav', '');
put('wav/truncated-header.wav', good.subarray(0, 30));
put('wav/truncated-data.wav', good.subarray(0, 44 + 100));
put('wav/riff-magic.wav', wav({}, 3200, { riff: 'RIFX' }));
put('wav/not-wave-form.wav', wav({}, 3200, { wave: 'AVI ' }));
put('wav/no-fmt-chunk.wav', wav({}, 3200, { omitFmt: true }));
put('wav/no-data-chunk.wav', wav({}, 3200, { omitData: true }));
put('wav/short-fmt-chunk.wav', wav({ fmtSize: 8 }, 3200));
put('wav/huge-declared-data.wav', wav({}, 3200, { declaredData: 0xfffffff0 }));
put('wav/stereo.wav', wav({ channels: 2 }, 6400));
put('wav/rate-44100.wav', wav({ rate: 44100 }, 3200));
put('wav/8-bit.wav', wav({ bits: 8 }, 1600));
put('wav/24-bit.wav', wav({ bits: 24 }, 4800));
put('wav/float32.wav', wav({ tag: 3, bits: 32 }, 6400));
put('wav/adpcm.wav', wav({ tag: 2, bits: 4 }, 800));
put('wav/zero-channels.wav', wav({ channels: 0 }, 3200));
put('wav/odd-data-length.wav', wav({}, 3201));
put('wav/text-file.wav', 'This is not a WAV file, it is a README that was renamed.\n');
put('wav/random-bytes.wav', Buffer.from(new Prng(7).bytes(512)));

// ---- suite manifests (hil run with vectorsDir = manifests/) --------------------------------
const okCase = { name: 'one', input: '../../wav-ok/tone.wav', golden: '../../wav-ok/tone.wav' };
put('wav-ok/tone.wav', good);
put('manifests/missing-input/manifest.json', json({ suite: 'missing-input', cases: [{ ...okCase, input: 'no-such-input.wav' }] }));
put('manifests/wrong-type/manifest.json', json({ suite: 'wrong-type', cases: [{ ...okCase, params: { gain_db: 'loud' } }] }));
put('manifests/unknown-key/manifest.json', json({ suite: 'unknown-key', cases: [{ ...okCase, gian_db: 3 }] }));
put('manifests/duplicate-names/manifest.json', json({ suite: 'duplicate-names', cases: [okCase, { ...okCase }] }));
put('manifests/not-json/manifest.json', '{ "suite": "not-json", "cases": [ { "name": "one", }\n');
put('manifests/cases-not-array/manifest.json', json({ suite: 'cases-not-array', cases: { name: 'one' } }));
put('manifests/bad-tolerance/manifest.json', json({ suite: 'bad-tolerance', cases: [{ ...okCase, tolerance: { mode: 'close-enough' } }] }));
put('manifests/empty/manifest.json', '');

// ---- configs (hil run --config) ------------------------------------------------------------
put('configs/not-json.json', '{ "defaults": { "window": 8 ');
put('configs/unknown-key.json', json({ defaults: { windwo: 8 } }));
put('configs/bad-window.json', json({ defaults: { window: 0 } }));
put('configs/bad-kind.json', json({ targets: { bench: { kind: 'fpga' } } }));
put('configs/bad-icount.json', json({ targets: { emu: { kind: 'qemu', qemu: { icountShift: 99 } } } }));
put('configs/jobs-string.json', json({ defaults: { jobs: 'two' } }));

// The firmware images of the corpus look like build outputs, so they are not committed:
// firmware-fixtures.ts writes them where the test needs them.


// ---------------------------------------------------------------------------------------------
const check = process.argv.includes('--check');
let differ = 0;
for (const [rel, { data, mode }] of files) {
  const file = path.join(HERE, rel);
  if (check) {
    if (!existsSync(file) || !readFileSync(file).equals(data)) {
      differ++;
      process.stderr.write(`differs: ${rel}\n`);
    }
    continue;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  if (mode) chmodSync(file, mode);
}
if (check && differ > 0) process.exit(1);
process.stdout.write(`${check ? 'checked' : 'wrote'} ${files.size} files under ${path.relative(process.cwd(), HERE)}\n`);
