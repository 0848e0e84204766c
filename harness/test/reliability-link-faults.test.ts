/**
 * Issue 8.1, link faults: `hil run --fault-rate 1e-3` wraps every target's link in the seeded
 * fault injector (bit flips, dropped, duplicated and inserted bytes, garbage and partial lines,
 * stalls) in both directions. On the real host simulator and on QEMU every case must still come
 * out bit-exact, with nothing lost, and report.json must count what was injected and what the
 * session did to recover (re-sends, corrupt lines, NAKs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import type { RunReport } from '../src/core/results.ts';
import { runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;

function expectSurvived(report: RunReport, rate: number): void {
  expect(report.status, JSON.stringify(report.cases.map((c) => [c.id, c.status, c.error?.message]))).to.equal('passed');
  expect(report.exitCode).to.equal(0);
  for (const c of report.cases) {
    expect(c.status, c.id).to.equal('passed');
    expect(c.output?.status, c.id).to.equal('pass');
    expect(c.output?.mismatches, c.id).to.equal(0);
    expect(c.output?.samples, c.id).to.equal(c.output?.goldenSamples);
    expect(c.output?.outputHash, `${c.id} bit-exact`).to.equal(c.output?.goldenHash);
    expect(c.frames, c.id).to.be.above(0);
    expect(c.attempts, `${c.id} needed no retry`).to.equal(1);
  }
  const rel = report.reliability!;
  expect(rel.faultInjection).to.include({ rate, seed: 11 });
  const sum = (o: Readonly<Record<string, number>>) => Object.values(o).reduce((a, b) => a + b, 0);
  expect(sum(rel.faultInjection!.injected.tx), 'faults injected towards the device').to.be.above(50);
  expect(sum(rel.faultInjection!.injected.rx), 'faults injected towards the host').to.be.above(50);
  for (const kind of ['flip', 'drop', 'dup', 'garbage', 'line', 'stall']) {
    expect(rel.faultInjection!.injected.tx[kind], kind).to.be.above(0);
    expect(rel.faultInjection!.injected.rx[kind], kind).to.be.above(0);
  }
  expect(rel.link.resentLines, 're-sends').to.be.above(0);
  expect(rel.link.corruptLines, 'corrupt lines (CRC) received').to.be.above(0);
  expect(rel.link.naks, 'NAKs').to.be.above(0);
  expect(rel.link.resentLines).to.equal(report.cases.reduce((a, c) => a + c.link.resentLines, 0));
  expect(rel.deviceFaults).to.deep.equal({ crash: 0, reset: 0, unresponsive: 0, exited: 0 });
}

describe('reliability: link faults at a byte error rate of 1e-3 both ways (issue 8.1)', function () {
  this.timeout(120_000);

  // framing v2 (the default with the reference firmware, PROTOCOL.md 8) and v1
  for (const framing of [2, 1] as const) {
    it(`sim, framing v${framing}: the smoke suite stays bit-exact and the report counts re-sends and CRC errors`, async function () {
      if (!existsSync(builtinProfile('sim').firmware)) this.skip();
      const { config } = tempConfig();
      const r = await runWithReport(['--config', config, '--target', 'sim', '--suite', 'smoke', '--fault-rate', '1e-3', '--fault-seed', '11', '--framing', `v${framing}`]);
      expect(r.code, r.stderr).to.equal(0);
      expectSurvived(r.report, 1e-3);
      expect(r.report.device?.framing).to.equal(framing);
      expect(r.report.command).to.include('--fault-rate');
      // visible to a person too
      expect(r.html).to.match(/Link fault injection \(soak\): per-byte rate 0\.001/).and.match(/Link recovery: \d+ lines re-sent/);
    });

    it(`qemu, framing v${framing}: the smoke and edge suites stay bit-exact through the same faults`, async function () {
      if (!HAVE_QEMU || !existsSync(builtinProfile('qemu').firmware)) this.skip();
      const { config } = tempConfig();
      const r = await runWithReport(['--config', config, '--target', 'qemu', '--suite', 'smoke', 'edge', '--fault-rate', '1e-3', '--fault-seed', '11', '--framing', `v${framing}`]);
      expect(r.code, r.stderr).to.equal(0);
      expectSurvived(r.report, 1e-3);
      expect(r.report.device?.framing).to.equal(framing);
      expect(r.report.cases).to.have.length.above(8);
      expect(r.report.reliability!.targetStarts).to.equal(1);
    });
  }

  it('rejects bad fault options with one line naming the option', async () => {
    for (const [args, re] of [
      [['--fault-rate', '2'], /--fault-rate 2: expected a per-byte probability/],
      [['--fault-rate', '1e-3', '--fault-kinds', 'flip,zap'], /--fault-kinds "flip,zap": expected a comma-separated list of flip, drop/],
      [['--fault-seed', '3'], /--fault-seed and --fault-kinds need --fault-rate/],
    ] as const) {
      const r = await runCli(['run', '--target', 'sim', '--suite', 'smoke', ...args]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(re);
    }
  });
});
