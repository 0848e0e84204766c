/**
 * `hil estimate` (issue 14.5) on QEMU: model S's stage table and the kernel benchmark image
 * predict every stage's instruction count within 15 % of the measured profile, on the DSP and
 * the portable dot-product path (icount is exact, so this is not a timed assertion). A bad stage
 * table is one line, exit 2. Skipped when qemu-system-arm or the images are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { runCli } from './helpers/run-cli.ts';

const KERNELS = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-kernels-semihost.elf');
const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0 && existsSync(KERNELS);
const STAGES = ['input', 'window', 'fft', 'bands', 'features', 'dense1', 'gru1', 'gru2', 'dense2', 'gains', 'ifft', 'synthesis'];

interface EstimateJson {
  path: string;
  unit: string;
  stages: Array<{ name: string; macs: number; weightsBytes: number; stateBytes: number; scratchBytes: number; predicted: number; measured: number; error: number }>;
}

describe('hil estimate: predicted vs measured per stage on QEMU (issue 14)', function () {
  this.timeout(120_000);
  before(function () {
    if (!HAVE_QEMU) this.skip();
  });

  for (const [label, args, dotPath] of [
    ['DSP path (SMLALD)', [], 'dsp'],
    ['portable path', ['--firmware', path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-ref-semihost.elf')], 'ref'],
  ] as const) {
    it(`${label}: every stage of model S within 15 %, with MACs and memory per stage`, async () => {
      const r = await runCli(['estimate', '--target', 'qemu', '--suite', 'smoke', '--json', '--max-error', '0.15', ...args]);
      expect(r.code, r.stderr).to.equal(0);
      const e = JSON.parse(r.stdout) as EstimateJson;
      expect(e.path).to.equal(dotPath);
      expect(e.unit).to.equal('instructions');
      expect(e.stages.map((s) => s.name)).to.deep.equal(STAGES);
      for (const s of e.stages) {
        expect(s.measured, s.name).to.be.above(0);
        expect(Math.abs(s.error), `${s.name}: predicted ${s.predicted}, measured ${s.measured}`).to.be.at.most(0.15);
        expect(s.error).to.be.closeTo((s.predicted - s.measured) / s.measured, 1e-12);
      }
      const gru2 = e.stages.find((s) => s.name === 'gru2')!;
      expect(gru2).to.include({ macs: 13824, weightsBytes: 28224, stateBytes: 96 });
      expect(r.stderr).to.match(/^gru2 +13824 +28224 +96 +1152 +\d+ +\d+ +[+-]\d+\.\d %$/m);
      expect(r.stderr).to.match(/12 of 12 stages within 15 %/);
    });
  }

  it('a stage table that is not JSON, or names a stage the device lacks, is one line and exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-estimate-'));
    try {
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{ "model": ');
      const a = await runCli(['estimate', '--target', 'qemu', '--stages', broken, '--kernels', KERNELS]);
      expect(a.code).to.equal(2);
      expect(a.stderr.trim().split('\n')).to.have.length(1);
      expect(a.stderr).to.match(/broken\.json: not valid JSON/);
      const other = path.join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ model: 'model-s', stages: [{ name: 'conv9', macs: 1, weightsBytes: 0, stateBytes: 0, scratchBytes: 0, ops: [{ kernel: 'copy', bytes: 4 }] }] }));
      const b = await runCli(['estimate', '--target', 'qemu', '--suite', 'smoke', '--stages', other, '--kernels', KERNELS]);
      expect(b.code).to.equal(2);
      expect(b.stderr).to.match(/other\.json: stages conv9 are not among the device's \(input, window/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
