/**
 * Model S on the host (issue 3): the portable oracle path (MS_USE_DSP=0 semantics) and the
 * DSP-intrinsic path (SMLALD through its exact portable C definition on x86) are bit-exact on
 * every committed input vector, and the host simulator build reproduces every committed golden
 * output bit for bit through the real `hil run --target sim`.
 * (The Cortex-M4 side, with the real SMLALD instruction, is in qemu-model-s.test.ts.)
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { VECTORS_DIR } from '../src/core/paths.ts';
import { runMsBatch } from '../src/dsp/model-s/ms-batch.ts';
import { readWav, requireMono16 } from '../src/dsp/wav.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

/** Every committed input WAV under vectors/ (suite inputs, clean speech, babble sources), no goldens. */
function inputVectors(dir: string = VECTORS_DIR): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'golden') out.push(...inputVectors(p));
    else if (e.isFile() && e.name.endsWith('.wav')) out.push(p);
  }
  return out.sort();
}

/** Cases listed by every suite manifest. */
function manifestCases(): string[] {
  const ids: string[] = [];
  for (const suite of ['smoke', 'speech', 'heldout', 'edge']) {
    const m = JSON.parse(readFileSync(path.join(VECTORS_DIR, suite, 'manifest.json'), 'utf8')) as { cases: Array<{ name: string }> };
    for (const c of m.cases) ids.push(`${suite}/${c.name}`);
  }
  return ids.sort();
}

describe('model S on the host: portable vs DSP path, goldens', function () {
  this.timeout(180_000);

  it('the portable and the DSP-intrinsic path are bit-exact on every committed vector', async function () {
    const files = inputVectors();
    expect(files.length).to.be.at.least(25); // 18 noisy/synthetic case inputs + 3 clean speech (one is also a case) + 4 babble sources
    let samples = 0;
    for (const f of files) {
      const wav = await readWav(f);
      requireMono16(wav, { rate: 16000 }, f);
      const ref = runMsBatch(wav.samples, { path: 'ref' });
      const dsp = runMsBatch(wav.samples, { path: 'dsp' });
      expect(ref.length, f).to.equal(Math.ceil(wav.samples.length / 160) * 160);
      const diff = ref.findIndex((v, i) => v !== dsp[i]);
      expect(diff, `${path.relative(VECTORS_DIR, f)}: first differing sample`).to.equal(-1);
      samples += ref.length;
    }
    this.test!.title += ` (${files.length} files, ${samples} samples)`;
  });

  it('the host simulator reproduces every committed golden bit for bit (hil run --target sim)', async function () {
    const t = tempConfig({}, 'hil-ms-sim-');
    try {
      const r = await runWithReport(['--target', 'sim', '--config', t.config]);
      expect(r.code, r.stderr.slice(-3000)).to.equal(0);
      const report = r.report;
      expect(report.device?.modelDesc).to.contain('dot path dsp (portable SMLALD emulation)');
      expect(report.cases.map((c) => c.id).sort()).to.deep.equal(manifestCases());
      for (const c of report.cases) {
        expect(c.status, c.id).to.equal('passed');
        expect(c.output?.tolerance.mode, c.id).to.equal('bit-exact');
        expect(c.output?.mismatches, c.id).to.equal(0);
        expect(c.output?.samples, c.id).to.equal(c.output?.goldenSamples);
        expect(c.output?.outputHash, c.id).to.equal(c.output?.goldenHash);
      }
      this.test!.title += ` (${report.cases.length} cases, ${report.summary.audioSeconds.toFixed(1)} s of audio)`;
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});
