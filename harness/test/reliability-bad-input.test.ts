/**
 * Issue 8.4, bad input: every file of the committed corpus (harness/test/bad-input/, made by
 * generate.ts there) given to the real CLI as what it is — a WAV to `hil process`, a suite
 * manifest or a config to `hil run`, a firmware image (written by firmware-fixtures.ts into a
 * temp folder: they look like build outputs, so they are not committed) to `hil run` / `hil info` — must end with
 * exit code 2 and exactly one line on stderr that names the file and the problem, never a stack
 * trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { REPO_ROOT } from '../src/core/paths.ts';
import { writeFirmwareFixtures } from './bad-input/firmware-fixtures.ts';
import { runCli, type CliResult } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const CORPUS = path.join(REPO_ROOT, 'harness', 'test', 'bad-input');

type Kind = 'wav' | 'manifest' | 'config' | 'firmware-qemu' | 'firmware-sim' | 'info-qemu';

/** [corpus file, how it is used, the problem the one line must state]. */
const TABLE: ReadonlyArray<readonly [string, Kind, RegExp]> = [
  ['wav/empty.wav', 'wav', /empty file, expected a WAV file/],
  ['wav/truncated-header.wav', 'wav', /truncated: RIFF header declares 3244 bytes, file has 30/],
  ['wav/truncated-data.wav', 'wav', /truncated: RIFF header declares 3244 bytes, file has 144/],
  ['wav/riff-magic.wav', 'wav', /RIFX container not supported/],
  ['wav/not-wave-form.wav', 'wav', /RIFF file of type 'AVI ', expected 'WAVE'/],
  ['wav/no-fmt-chunk.wav', 'wav', /no fmt chunk/],
  ['wav/no-data-chunk.wav', 'wav', /no data chunk/],
  ['wav/short-fmt-chunk.wav', 'wav', /fmt chunk is 8 bytes, expected at least 16/],
  ['wav/huge-declared-data.wav', 'wav', /'data' chunk at offset 36 declares 4294967280 bytes, only 3200 remain/],
  ['wav/stereo.wav', 'wav', /2 channels, expected mono/],
  ['wav/rate-44100.wav', 'wav', /sample rate 44100 Hz, expected 16000 Hz/],
  ['wav/8-bit.wav', 'wav', /8-bit samples, expected 16-bit PCM/],
  ['wav/24-bit.wav', 'wav', /24-bit samples, expected 16-bit PCM/],
  ['wav/float32.wav', 'wav', /32-bit float samples, expected 16-bit PCM/],
  ['wav/adpcm.wav', 'wav', /format tag 0x0002 \(MS ADPCM\)/],
  ['wav/zero-channels.wav', 'wav', /declares 0 channels/],
  ['wav/odd-data-length.wav', 'wav', /3201 bytes is not a whole number of 2-byte sample frames/],
  ['wav/text-file.wav', 'wav', /not a WAV file \(starts with 'This', expected 'RIFF'\)/],
  ['wav/random-bytes.wav', 'wav', /not a WAV file \(starts with .*expected 'RIFF'\)/],
  ['manifests/missing-input/manifest.json', 'manifest', /cases\[0\]\.input: file not found: .*no-such-input\.wav/],
  ['manifests/wrong-type/manifest.json', 'manifest', /cases\[0\]\.params\.gain_db: expected a finite number, got string "loud"/],
  ['manifests/unknown-key/manifest.json', 'manifest', /cases\[0\]\.gian_db: unknown key/],
  ['manifests/duplicate-names/manifest.json', 'manifest', /cases\[1\]\.name: duplicate case name "one"/],
  ['manifests/not-json/manifest.json', 'manifest', /invalid JSON/],
  ['manifests/cases-not-array/manifest.json', 'manifest', /cases: expected an array of cases, got an object/],
  ['manifests/bad-tolerance/manifest.json', 'manifest', /tolerance\.mode: "close-enough" is not one of bit-exact, max-lsb, snr/],
  ['manifests/empty/manifest.json', 'manifest', /invalid JSON/],
  ['configs/not-json.json', 'config', /not valid JSON at line 1/],
  ['configs/unknown-key.json', 'config', /defaults\.windwo: unknown key/],
  ['configs/bad-window.json', 'config', /defaults\.window: 0 is out of range, expected a value >= 1/],
  ['configs/bad-kind.json', 'config', /targets\.bench\.kind: "fpga" is not one of sim, qemu, board/],
  ['configs/bad-icount.json', 'config', /targets\.emu\.qemu\.icountShift: 99 is out of range/],
  ['configs/jobs-string.json', 'config', /defaults\.jobs: "two" is not an integer/],
  ['firmware/not-elf.elf', 'firmware-qemu', /is not an ELF file \(starts with "not "\)/],
  ['firmware/x86-64.elf', 'firmware-qemu', /is an ELF for x86-64, expected ARM/],
  ['firmware/no-such-image.elf', 'firmware-qemu', /does not exist/],
  ['firmware/not-elf-sim', 'firmware-sim', /is neither an ELF executable nor a #! script/],
  ['firmware/not-elf.elf', 'firmware-sim', /is not executable/],
  ['firmware/x86-64.elf', 'info-qemu', /is an ELF for x86-64, expected ARM/],
];

describe('reliability: a corpus of malformed inputs, one clear line each (issue 8.4)', function () {
  this.timeout(120_000);
  const tmp = mkdtempSync(path.join(tmpdir(), 'hil-bad-input-'));
  const reportsDir = path.join(tmp, 'reports');
  const manifestConfig = path.join(tmp, 'manifests.json');
  writeFileSync(manifestConfig, JSON.stringify({ defaults: { ...REPO_DEFAULTS, vectorsDir: path.join(CORPUS, 'manifests'), reportsDir } }));
  const plainConfig = path.join(tmp, 'plain.json');
  writeFileSync(plainConfig, JSON.stringify({ defaults: { ...REPO_DEFAULTS, reportsDir } }));
  writeFirmwareFixtures(path.join(tmp, 'firmware'));
  const at = (rel: string): string => path.join(rel.startsWith('firmware/') ? tmp : CORPUS, rel);

  before(function () {
    if (!existsSync(builtinProfile('sim', 'sim', 'gain').firmware)) this.skip();
  });

  it('holds at least 20 malformed inputs, and generate.ts reproduces them exactly', () => {
    const count = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(dir, e.name)) : e.name.endsWith('.ts') ? 0 : 1), 0);
    expect(count(CORPUS) - 1, 'committed files, less the one valid WAV the manifests point at').to.be.at.least(20);
    expect(new Set(TABLE.map(([f]) => f)).size).to.be.at.least(35);
    const check = spawnSync(process.execPath, ['--import', 'tsx', path.join(CORPUS, 'generate.ts'), '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(check.status, check.stderr).to.equal(0);
  });

  function invoke(rel: string, kind: Kind): Promise<CliResult> {
    const file = at(rel);
    switch (kind) {
      case 'wav':
        return runCli(['process', '--target', 'sim', '--model', 'gain', file, path.join(tmp, 'never.wav')]);
      case 'manifest':
        return runCli(['run', '--config', manifestConfig, '--target', 'sim', '--model', 'gain', '--suite', path.basename(path.dirname(file))]);
      case 'config':
        return runCli(['run', '--config', file, '--target', 'sim', '--suite', 'smoke']);
      case 'firmware-qemu':
        return runCli(['run', '--config', plainConfig, '--target', 'qemu', '--suite', 'smoke', '--firmware', file]);
      case 'firmware-sim':
        return runCli(['run', '--config', plainConfig, '--target', 'sim', '--suite', 'smoke', '--firmware', file]);
      case 'info-qemu':
        return runCli(['info', '--config', plainConfig, '--target', 'qemu', '--firmware', file]);
    }
  }

  it('every input: exit 2, one line on stderr naming the file and the problem, no stack trace', async () => {
    const problems: string[] = [];
    const queue = [...TABLE];
    const worker = async (): Promise<void> => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const [rel, kind, problem] = t;
        const r = await invoke(rel, kind);
        const lines = r.stderr.trimEnd().split('\n');
        const named = lines[0]!.includes(rel) || lines[0]!.includes(path.basename(rel));
        const ok = r.code === 2 && lines.length === 1 && lines[0]!.startsWith('hil: ') && named && problem.test(lines[0]!) && !/\n\s+at /.test(r.stderr);
        if (!ok) problems.push(`${rel} (${kind}): exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 400))}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
