/**
 * Model S on the QEMU target (issue 4), through the real CLI and qemu-system-arm:
 * - the reference image (DSP path, the SMLALD instruction on the emulated Cortex-M4) reproduces
 *   every committed golden bit for bit over the semihost link, and so does the portable-path image
 *   (MS_USE_DSP=0): the two paths are bit-exact on Cortex-M4 on every vector;
 * - per-frame instruction counts are exact: two `hil process` runs give identical counts;
 * - the UART link over a pty (through `serialport`) gives the same outputs on the smoke suite.
 * Skipped when qemu-system-arm or the images are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;
const IMAGE = (name: string) => path.join(FIRMWARE_BUILD, 'qemu', `${name}.elf`);
const DSP = IMAGE('hil-qemu-model-s-semihost');
const REF = IMAGE('hil-qemu-model-s-ref-semihost');
const UART = IMAGE('hil-qemu-model-s-uart');

function expectAllBitExact(report: RunReport, cases: number): void {
  expect(report.status).to.equal('passed');
  expect(report.cases).to.have.length(cases);
  for (const c of report.cases) {
    expect(c.status, c.id).to.equal('passed');
    expect(c.output?.tolerance.mode, c.id).to.equal('bit-exact');
    expect(c.output?.mismatches, c.id).to.equal(0);
    expect(c.output?.outputHash, c.id).to.equal(c.output?.goldenHash);
  }
}

function allCounts(report: RunReport): number[] {
  return report.cases.flatMap((c) => c.counts ?? []);
}

function medianMax(xs: readonly number[]): { median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, max: s[s.length - 1]! };
}

describe('model S on QEMU mps2-an386 (hil run / hil process)', function () {
  this.timeout(180_000);
  let tmp: { dir: string; config: string };
  let dsp: RunReport;

  before(async function () {
    if (!HAVE_QEMU || !existsSync(DSP)) this.skip();
    tmp = tempConfig({}, 'hil-ms-qemu-');
    const r = await runWithReport(['--target', 'qemu', '--config', tmp.config]);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    dsp = r.report;
  });
  after(() => {
    if (tmp) rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('the DSP-path image (SMLALD instruction) reproduces every golden bit for bit over semihosting', function () {
    expectAllBitExact(dsp, 26);
    expect(dsp.target.counter).to.equal('icount');
    expect(dsp.device?.modelDesc).to.contain('dot path dsp (SMLALD instruction)');
    const { median, max } = medianMax(allCounts(dsp));
    this.test!.title += ` (instructions/frame over ${allCounts(dsp).length} frames: median ${median}, max ${max})`;
  });

  it('reports the deployment loss (int16 on QEMU vs the float checkpoint) >= 30 dB on every speech case, and enhancement figures', function () {
    const speech = dsp.cases.filter((c) => c.tags.includes('speech'));
    expect(speech.length).to.equal(16); // 9 speech + 7 held-out
    let worst = Infinity;
    for (const c of speech) {
      const f = c.quality?.floatModel;
      expect(f?.checkpoint, c.id).to.match(/^[0-9a-f]{12}$/);
      expect(f!.deploymentSnrDb, c.id).to.be.at.least(30);
      expect(f!.activationSnrDb, c.id).to.be.at.least(30); // activation rounding alone (float reference on the quantised weights)
      worst = Math.min(worst, f!.deploymentSnrDb!);
      const e = c.quality?.enhancement;
      expect(e, c.id).to.not.equal(null);
      expect(e!.output.stoi, c.id).to.be.within(0, 1);
      if (!c.tags.includes('clean')) expect(e!.output.siSdrDb! - e!.input.siSdrDb!, c.id).to.be.closeTo(e!.improvement.siSdrDb!, 0.01);
    }
    const held = speech.filter((c) => c.suite === 'heldout' && !c.tags.includes('clean'));
    const meanImp = held.reduce((a, c) => a + c.quality!.enhancement!.improvement.siSdrDb!, 0) / held.length;
    expect(meanImp).to.be.above(1); // the trained model enhances voices it never saw
    this.test!.title += ` (worst float SNR ${worst.toFixed(1)} dB; held-out mean SI-SDR improvement ${meanImp.toFixed(1)} dB)`;
  });

  it('reports flash < 100 kB and RAM = data + bss + the measured stack high-water mark', function () {
    const res = dsp.resources!;
    expect(res.status).to.equal('pass');
    expect(res.flashBytes).to.be.above(60_000).and.below(100_000);
    expect(res.stackHwmBytes).to.be.above(100).and.below(8192);
    expect(res.ramBytes).to.be.above(res.stackHwmBytes!);
    expect(res.message).to.match(/stack high-water \d+ B of \d+ B reserved/);
    this.test!.title += ` (${res.message})`;
  });

  it('the portable-path image (MS_USE_DSP=0) reproduces the same goldens on Cortex-M4, at a higher instruction cost', async function () {
    if (!existsSync(REF)) this.skip();
    const r = await runWithReport(['--target', 'qemu', '--firmware', REF, '--config', tmp.config]);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    const ref = r.report;
    expectAllBitExact(ref, 26);
    expect(ref.device?.modelDesc).to.contain('dot path ref (portable int64 C)');
    const a = medianMax(allCounts(dsp));
    const b = medianMax(allCounts(ref));
    expect(b.median).to.be.above(a.median);
    this.test!.title += ` (portable path median ${b.median} instructions/frame vs ${a.median} with SMLALD)`;
  });

  it('two hil process runs of the same vector give identical per-frame instruction counts', async () => {
    const input = path.join('vectors', 'speech', 'en-gb-m-babble-0db.wav');
    const runs: Array<{ counts: number[]; wav: Buffer; median: number; max: number; frames: number }> = [];
    for (let i = 0; i < 2; i++) {
      const out = path.join(tmp.dir, `process-${i}.wav`);
      const r = await runCli(['process', '--target', 'qemu', input, out, '--json']);
      expect(r.code, r.stderr).to.equal(0);
      const j = JSON.parse(r.stdout) as { frames: number; counter: { source: string; unit: string; median: number; max: number; perFrame: number[] } };
      expect(j.counter.source).to.equal('icount');
      expect(j.counter.unit).to.equal('instructions');
      expect(j.counter.perFrame).to.have.length(j.frames);
      runs.push({ counts: j.counter.perFrame, wav: readFileSync(out), median: j.counter.median, max: j.counter.max, frames: j.frames });
    }
    expect(runs[0]!.frames).to.be.above(700);
    expect(runs[1]!.counts).to.deep.equal(runs[0]!.counts);
    expect(new Set(runs[0]!.counts).size).to.be.above(1); // data-dependent counts, not a constant
    expect(runs[1]!.wav.equals(runs[0]!.wav)).to.equal(true);
    expect(runs[0]!.max).to.equal(Math.max(...runs[0]!.counts));
  });

  it('the UART link over a pty (serialport) gives the same outputs on the smoke suite', async function () {
    if (!existsSync(UART)) this.skip();
    const r = await runWithReport(['--target', 'qemu', '--link', 'uart', '--suite', 'smoke', '--config', tmp.config]);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    const uart = r.report;
    expect(uart.target.description).to.contain(':uart:').and.contain('hil-qemu-model-s-uart.elf');
    expectAllBitExact(uart, 4);
    const semihost = new Map(dsp.cases.map((c) => [c.id, c]));
    for (const c of uart.cases) {
      expect(c.output?.outputHash, c.id).to.equal(semihost.get(c.id)?.output?.outputHash);
      expect(c.counts, c.id).to.deep.equal(semihost.get(c.id)?.counts); // same image code, same counts
    }
  });
});
