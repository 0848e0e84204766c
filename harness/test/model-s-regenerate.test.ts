/**
 * Every committed vector can be regenerated bit for bit by its seeded script (issue 3):
 * `vectors/tools/gen-vectors.ts --check` regenerates every input WAV and manifest in memory and
 * compares them with the committed bytes. The clean speech (espeak-ng, rendered once and
 * committed under speech/clean/ and speech/babble-src/) is an *input* of the check, not an output:
 * the check needs no espeak-ng, and a changed render shows up as differing mixtures. Where
 * espeak-ng is installed (Debian 12: 1.51), `--render-speech --check` also re-renders the speech
 * and must reproduce the committed renders bit for bit.
 * The weight tables' check (gen-weights.ts --check) is in harness/src/dsp/model-s/model-s.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { REPO_ROOT, VECTORS_DIR } from '../src/core/paths.ts';

const GEN = path.join(REPO_ROOT, 'vectors', 'tools', 'gen-vectors.ts');

function gen(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', GEN, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Flip the low bit of one sample well inside the data chunk. */
function flipSample(file: string): void {
  const b = readFileSync(file);
  b[b.length - 1000] ^= 1;
  writeFileSync(file, b);
}

describe('seeded vector generator (gen-vectors.ts --check)', function () {
  this.timeout(120_000);
  let copy: string;

  before(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'hil-vectors-'));
    cpSync(VECTORS_DIR, copy, { recursive: true });
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('regenerates every committed vector and manifest bit for bit', function () {
    const r = gen('--check');
    expect(r.code, r.out).to.equal(0);
    const n = /--check: (\d+) files match/.exec(r.out);
    expect(n, r.out).to.not.equal(null);
    // 18 generated inputs + 3 clean + 4 babble renders + 3 manifests
    expect(Number(n![1])).to.equal(28);
    this.test!.title += ` (${n![1]} files)`;
  });

  it('with espeak-ng installed, re-rendering the speech reproduces the committed renders too', function () {
    if (spawnSync('espeak-ng', ['--version']).status !== 0) this.skip(); // optional: apt-get install espeak-ng
    const r = gen('--render-speech', '--check');
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/--check: 28 files match/);
  });

  it('names a changed, a missing and a stray file in a tampered copy', () => {
    flipSample(path.join(copy, 'edge', 'dc-offset.wav'));
    unlinkSync(path.join(copy, 'smoke', 'sweep.wav'));
    writeFileSync(path.join(copy, 'smoke', 'extra.wav'), 'x');
    const r = gen('--check', '--dir', copy);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('differs: edge/dc-offset.wav').and.contain('missing: smoke/sweep.wav').and.contain('not produced by the generator: smoke/extra.wav');
  });

  it('treats the committed espeak-ng renders as inputs: a changed render changes its mixtures', () => {
    flipSample(path.join(copy, 'speech', 'clean', 'en-gb-m.wav'));
    const r = gen('--check', '--dir', copy);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('differs: speech/en-gb-m-pink-0db.wav').and.contain('differs: speech/en-gb-m-white-20db.wav');
    expect(r.out).not.to.contain('differs: speech/clean/');
  });

  it('a plain run restores the tampered copy to the committed bytes', () => {
    // put the render back (it is an input), then regenerate everything else
    cpSync(path.join(VECTORS_DIR, 'speech', 'clean', 'en-gb-m.wav'), path.join(copy, 'speech', 'clean', 'en-gb-m.wav'));
    const w = gen('--dir', copy);
    expect(w.code, w.out).to.equal(0);
    expect(w.out).to.contain('removed stale smoke/extra.wav');
    for (const f of ['edge/dc-offset.wav', 'smoke/sweep.wav', 'speech/en-gb-m-pink-0db.wav']) {
      expect(readFileSync(path.join(copy, f)).equals(readFileSync(path.join(VECTORS_DIR, f))), f).to.equal(true);
    }
    expect(gen('--check', '--dir', copy).code).to.equal(0);
  });
});
