/**
 * The second instruction set (issue 16): model S's portable C path built for RISC-V
 * (firmware/boards/qemu-riscv32) on qemu-system-riscv32 -M virt, through the built-in `qemu-rv32`
 * profile and the same QEMU target as the Cortex-M4. The regression is bit-exact with the same
 * goldens; the per-frame counts are this core's own instructions, exact and repeatable; the
 * deliberately wrong image is caught at the same frame and sample. Skipped (and listed) when
 * qemu-system-riscv32 or the RISC-V images are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { expect } from 'chai';

import { builtinRv32Image } from '../src/config/builtin-profiles.ts';
import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { expectedCorruption, RV32_WRONG_ELF } from './helpers/hil-run.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU_RV32 = spawnSync('qemu-system-riscv32', ['--version']).status === 0;
const IMAGE = builtinRv32Image('model-s', FIRMWARE_BUILD);

const counts = (r: RunReport) => r.cases.flatMap((c) => c.counts ?? []);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

describe('model S on RISC-V: qemu-system-riscv32 -M virt (hil run --target qemu-rv32)', function () {
  this.timeout(300_000);
  let config: string;
  let full: RunReport;

  before(async function () {
    if (!HAVE_QEMU_RV32 || !existsSync(IMAGE)) this.skip();
    config = tempConfig({}, 'hil-rv32-').config;
    const r = await runWithReport(['--target', 'qemu-rv32', '--config', config]);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    full = r.report;
  });

  it('passes the whole regression bit-exact against the goldens the Cortex-M4 images pass', () => {
    expect(full.status).to.equal('passed');
    expect(full.cases.length).to.be.at.least(20);
    expect(new Set(full.cases.map((c) => c.id.split('/')[0]))).to.include.members(['smoke', 'speech', 'heldout', 'edge']);
    for (const c of full.cases) {
      expect(c.status, c.id).to.equal('passed');
      expect(c.output?.tolerance.mode, c.id).to.equal('bit-exact');
      expect(c.output?.outputHash, c.id).to.equal(c.output?.goldenHash);
    }
    expect(full.device).to.include({ board: 'qemu-riscv32', model: 'model-s' });
    expect(full.device?.modelDesc).to.include('portable');
    expect(full.target).to.include({ kind: 'qemu', profile: 'qemu-rv32', counter: 'icount' });
  });

  it("reports this core's own instruction counts and margin, exact from run to run", async () => {
    const arm = await runWithReport(['--target', 'qemu', '--suite', 'smoke', '--config', config]);
    expect(arm.code, arm.stderr.slice(-2000)).to.equal(0);
    const again = await runWithReport(['--target', 'qemu-rv32', '--suite', 'smoke', '--config', config]);
    expect(again.code, again.stderr.slice(-2000)).to.equal(0);
    const rvSmoke = full.cases.filter((c) => c.id.startsWith('smoke/')).flatMap((c) => c.counts ?? []);
    expect(counts(again.report), 'the same instruction counts frame for frame').to.deep.equal(rvSmoke);
    // the same outputs from a different instruction stream: RV32 without SMLALD runs more instructions
    expect(median(rvSmoke) / median(counts(arm.report))).to.be.above(1.5);
    for (const c of full.cases) {
      expect(c.margin?.status, c.id).to.equal('pass');
      expect(c.margin?.estimated, c.id).to.equal(true);
    }
  });

  it('the deliberately wrong RV32 image fails at frame 40, sample 6407, as on the Cortex-M4', async function () {
    if (!existsSync(RV32_WRONG_ELF)) this.skip();
    const r = await runWithReport(['--target', 'qemu-rv32', '--firmware', RV32_WRONG_ELF, '--suite', 'smoke', '--no-diagnose', '--config', config]);
    expect(r.code).to.equal(1);
    for (const c of r.report.cases) {
      const want = expectedCorruption(c.output!.goldenSamples, r.report.device!.hop, r.report.device!.rate);
      if (!want) continue;
      expect(c.status, c.id).to.equal('failed');
      expect(c.output!.firstMismatch, c.id).to.include({ frame: want.frame, sample: want.sample });
    }
  });
});
