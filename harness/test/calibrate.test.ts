/**
 * `hil calibrate` (issue 14.6) on recorded reports: a real QEMU run of the smoke suite with
 * --profile, and a board report recorded from it with known cycles per instruction (no bench board
 * is at hand here: its DWT counts are the emulator's instructions times a chosen CPI, per stage
 * where the run was profiled). The fit must recover those CPIs, write them with their provenance
 * into the profile, and the next emulator run must carry the calibrated CPI and say where it came
 * from. Skipped when qemu-system-arm or the image is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { CaseResult, RunReport } from '../src/core/results.ts';
import { runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0 && existsSync(path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-semihost.elf'));
const OVERALL = 1.3;
const STAGE_CPI: Record<string, number> = { input: 1.5, window: 1.2, fft: 1.1, bands: 1.25, features: 2, dense1: 1.05, gru1: 1.4, gru2: 1.45, dense2: 1.05, gains: 1.3, ifft: 1.15, synthesis: 1.35 };

/** A board report "recorded" from an emulator report: counter dwt, counts = instructions x CPI. */
function boardReportFrom(emu: RunReport): RunReport {
  const cases: CaseResult[] = emu.cases.map((c) => ({
    ...c,
    counts: c.counts.map((n) => Math.round(n * OVERALL)),
    ...(c.profile ? { profile: { ...c.profile, counter: 'dwt' as const, unit: 'cycles' as const, estimated: false, cpi: null, stages: c.profile.stages.map((s) => ({ ...s, median: s.median * STAGE_CPI[s.name]! })) } } : {}),
  }));
  return { ...emu, runId: 'board-fixture', startedAt: '2026-12-01T09:00:00.000Z', target: { ...emu.target, kind: 'board', profile: 'bench', description: 'recorded bench board (fixture)', counter: 'dwt', cpi: null, port: '/dev/ttyACM0' }, cases };
}

describe('hil calibrate: CPI from a board report and an emulator report (issue 14)', function () {
  this.timeout(180_000);
  let tmp: { dir: string; config: string };
  let emuFile: string;
  let boardFile: string;

  before(async function () {
    if (!HAVE_QEMU) this.skip();
    tmp = tempConfig({}, 'hil-calibrate-');
    const r = await runWithReport(['--target', 'qemu', '--config', tmp.config, '--suite', 'smoke', '--profile']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    emuFile = path.join(r.dir, 'report.json');
    boardFile = path.join(tmp.dir, 'board-report.json');
    writeFileSync(boardFile, JSON.stringify(boardReportFrom(r.report)));
  });
  after(() => {
    if (tmp) rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('recovers the overall and per-stage CPI and writes them, with provenance, into the profile', async () => {
    const r = await runCli(['calibrate', boardFile, emuFile, '--config', tmp.config, '--profile', 'qemu']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/CPI 1\.3 over 4 cases/);
    expect(r.stderr).to.match(/^gru2 +\d+ +\d+ +1\.4500$/m);
    const cfg = JSON.parse(readFileSync(tmp.config, 'utf8'));
    expect(cfg.defaults.reportsDir, 'other keys kept').to.be.a('string');
    const t = cfg.targets.qemu;
    expect(t.kind).to.equal('qemu');
    expect(t.cpi).to.equal(OVERALL);
    expect(t.cpiCalibration.cpi).to.equal(OVERALL);
    expect(t.cpiCalibration.board).to.include({ runId: 'board-fixture', report: boardFile, target: 'recorded bench board (fixture)' });
    expect(t.cpiCalibration.emulator.report).to.equal(emuFile);
    expect(t.cpiCalibration.cases).to.equal(4);
    for (const [name, cpi] of Object.entries(STAGE_CPI)) expect(t.cpiCalibration.stages[name], name).to.be.closeTo(cpi, 1e-4);
  });

  it('the next emulator run carries the calibrated CPI and its provenance; --cpi overrides it', async () => {
    const r = await runWithReport(['--target', 'qemu', '--config', tmp.config, '--suite', 'smoke', '--profile']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.report.target.cpi).to.equal(OVERALL);
    expect(r.report.target.cpiCalibration!.board.runId).to.equal('board-fixture');
    for (const c of r.report.cases) {
      expect(c.margin!.cpi, c.id).to.equal(OVERALL);
      for (const s of c.profile!.stages) expect(s.cycles!.median, `${c.id} ${s.name}`).to.be.closeTo(s.median * STAGE_CPI[s.name]!, 1e-3 * s.median);
      expect(c.profile!.label).to.equal('estimated cycles (instructions x calibrated per-stage CPI)');
    }
    expect(r.html).to.include('CPI calibration').and.to.include('board run board-fixture');
    expect(readFileSync(path.join(r.dir, 'summary.md'), 'utf8')).to.include('CPI 1.3 fitted');
    const o = await runWithReport(['--target', 'qemu', '--config', tmp.config, '--suite', 'smoke', '--cpi', '1.25']);
    expect(o.report.target.cpi).to.equal(1.25);
    expect(o.report.target.cpiCalibration).to.equal(undefined);
  });

  it('refuses reports that cannot be compared, with one line naming the file, and writes nothing', async () => {
    const before = readFileSync(tmp.config, 'utf8');
    const twoEmu = await runCli(['calibrate', emuFile, emuFile, '--config', tmp.config]);
    expect(twoEmu.code).to.equal(2);
    expect(twoEmu.stderr.trim().split('\n')).to.have.length(1);
    expect(twoEmu.stderr).to.include(`${emuFile}: counter is icount, expected dwt`);
    const other = path.join(tmp.dir, 'other-model.json');
    const b = JSON.parse(readFileSync(boardFile, 'utf8')) as RunReport;
    writeFileSync(other, JSON.stringify({ ...b, device: { ...b.device!, model: 'gain', weights: '00000000' } }));
    const wrongModel = await runCli(['calibrate', other, emuFile, '--config', tmp.config]);
    expect(wrongModel.code).to.equal(2);
    expect(wrongModel.stderr).to.match(/the board report model gain \(weights 00000000\): calibrate with runs of the same model/);
    const missing = await runCli(['calibrate', path.join(tmp.dir, 'nope.json'), emuFile]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/nope\.json: cannot read report \(no such file\)/);
    expect(readFileSync(tmp.config, 'utf8')).to.equal(before);
  });
});
