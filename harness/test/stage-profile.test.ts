/**
 * Per-stage profiles (issue 14.1-14.3) through the real CLI: `hil run --target qemu --profile`
 * on model S gives every case a profile of its declared stages whose counts add up to the
 * frame's instruction count, and profiling changes neither the outputs (still bit-exact) nor the
 * frame's count by more than the probe's own instructions (icount is exact, so this is not a
 * timed assertion). A model without stages (the gain model) still runs with --profile, warned.
 * Skipped when qemu-system-arm or the images are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { writeGainSuite } from './helpers/gain-suite.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;
const DSP = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-semihost.elf');

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

describe('per-stage profiles: hil run --profile (issue 14)', function () {
  this.timeout(180_000);
  let tmp: { dir: string; config: string };
  let profiled: RunReport;
  let plain: RunReport;

  before(async function () {
    if (!HAVE_QEMU || !existsSync(DSP)) this.skip();
    tmp = tempConfig({}, 'hil-profile-');
    const a = await runWithReport(['--target', 'qemu', '--config', tmp.config, '--suite', 'speech', '--profile']);
    expect(a.code, a.stderr.slice(-3000)).to.equal(0);
    profiled = a.report;
    const b = await runWithReport(['--target', 'qemu', '--config', tmp.config, '--suite', 'speech']);
    expect(b.code, b.stderr.slice(-3000)).to.equal(0);
    plain = b.report;
  });
  after(() => {
    if (tmp) rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('names at least 8 stages of model S, whose counts add up to every frame count', () => {
    for (const c of profiled.cases) {
      const p = c.profile!;
      expect(p, c.id).to.not.equal(undefined);
      expect(p.stages.length, c.id).to.be.at.least(8);
      expect(p.stages.map((s) => s.name)).to.include.members(['fft', 'gru1', 'gru2', 'ifft']);
      expect(p.frames, c.id).to.equal(c.frames);
      expect(p.sumErrorMax, c.id).to.be.below(0.01);
      const shares = p.stages.reduce((a, s) => a + s.share, 0);
      expect(shares, c.id).to.be.closeTo(1, 1e-9);
      // medians are not additive in general, but model S's stages barely vary frame to frame
      const sumOfMedians = p.stages.reduce((a, s) => a + s.median, 0);
      expect(Math.abs(sumOfMedians - median(c.counts)) / median(c.counts), c.id).to.be.below(0.01);
      expect(p.label).to.match(/instructions x CPI/);
      for (const s of p.stages) expect(s.cycles!.median, `${c.id} ${s.name}`).to.equal(s.median * p.cpi!);
    }
  });

  it('keeps every output bit-exact and costs the frame less than 2 % more instructions', () => {
    expect(profiled.status).to.equal('passed');
    const on = median(profiled.cases.flatMap((c) => c.counts));
    const off = median(plain.cases.flatMap((c) => c.counts));
    expect(on).to.be.above(off);
    expect((on - off) / off).to.be.below(0.02);
    for (const c of plain.cases) expect(c.profile, c.id).to.equal(undefined);
  });

  it('a model without stages runs under --profile with a warning and no profile', async () => {
    const suite = writeGainSuite([['tone', 1600]], 'gain');
    try {
      const r = await runWithReport(['--target', 'sim', '--model', 'gain', '--config', suite.config, '--profile']);
      expect(r.code, r.stderr.slice(-2000)).to.equal(0);
      expect(r.stderr).to.match(/--profile: model gain declares no stages/);
      for (const c of r.report.cases) expect(c.profile).to.equal(undefined);
    } finally {
      rmSync(suite.dir, { recursive: true, force: true });
    }
  });
});
