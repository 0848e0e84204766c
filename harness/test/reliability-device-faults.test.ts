/**
 * Issue 8.2, device faults: reference-firmware images (QEMU, `HIL_FAULT_AT_FRAME=3`) and host
 * simulator knobs (`HIL_SIM_FAULT_KIND`, `HIL_SIM_FAULT_AT_FRAME`) that hard-fault, reset, hang,
 * stop answering, crash or exit when frame 3 is about to be processed. Each run has two cases:
 * `a-long` (100 frames) reaches frame 3 and faults; `b-short` (3 frames) ends before it. The
 * harness must report the case, the frame and the kind of fault (with the PC of a hard fault),
 * restart the target, run the next case to a pass, and exit 2. Faults the device reports
 * itself (FAULT, BOOT) are not retried; a device that stops answering or dies is retried once and
 * marked reproduced when it fails the same way at the same frame again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { CaseFault } from '../src/core/reliability-record.ts';
import type { RunReport } from '../src/core/results.ts';
import { STALL_FLOOR_MS } from '../src/session/stall-timeout.ts';
import { writeGainSuite } from './helpers/gain-suite.ts';
import { runWithReport, type RunWithReport } from './helpers/run-report.ts';
import { descendants } from './helpers/processes.ts';
import { udfAddress } from './helpers/udf-address.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;
const faultImage = (kind: string): string => path.join(FIRMWARE_BUILD, 'qemu', `hil-qemu-gain-semihost-fault-${kind}.elf`);
const SIM_GAIN = builtinProfile('sim', 'sim', 'gain').firmware;

/** Detection times measured by the tests below, printed at the end for the README. */
const measured: string[] = [];

function expectFaultThenPass(r: RunWithReport, kind: CaseFault['kind'], attempts: number): CaseFault {
  const rep: RunReport = r.report;
  expect(r.code, r.stderr).to.equal(2);
  expect(rep.exitCode).to.equal(2);
  expect(rep.status).to.equal('error');
  expect(rep.complete).to.equal(true);
  const [a, b] = rep.cases;
  expect(a!.id).to.equal('faults/a-long');
  expect(a!.status).to.equal('error');
  expect(a!.attempts).to.equal(attempts);
  const f = a!.error!.fault!;
  expect(f, a!.error!.message).to.not.equal(undefined);
  expect(f.kind).to.equal(kind);
  expect(f.frame, 'the frame the device was working on').to.equal(3);
  expect(f.detectionMs).to.be.a('number');
  expect(f.reproduced).to.equal(attempts > 1);
  expect(a!.error!.message).to.contain('at frame 3');
  if (attempts > 1) {
    expect(a!.earlierAttempts).to.have.length(attempts - 1);
    expect(a!.earlierAttempts![0]!.fault).to.include({ kind, frame: 3 });
    expect(a!.error!.message).to.contain('reproduced on all 2 attempts: a deterministic device fault');
  } else {
    expect(a!.earlierAttempts ?? []).to.have.length(0);
  }
  // the target was restarted and the next case ran, bit-exact
  expect(b!.id).to.equal('faults/b-short');
  expect(b!.status, b!.error?.message).to.equal('passed');
  expect(b!.output?.mismatches).to.equal(0);
  const rel = rep.reliability!;
  expect(rel.targetStarts, 'one start per attempt plus one for the next case').to.equal(attempts + 1);
  expect(rel.deviceFaults[kind], "every attempt's fault counts").to.equal(attempts);
  expect(r.html).to.contain(`faults/a-long: ${kind}`);
  return f;
}

describe('reliability: device faults are detected, reported and survived (issue 8.2)', function () {
  this.timeout(120_000);
  const suite = writeGainSuite();
  const run = (args: string[], env: Record<string, string> = {}) => runWithReport(['--config', suite.config, ...args], env);

  after(() => {
    if (measured.length) process.stdout.write(`      detection times: ${measured.join('; ')}\n`);
  });

  describe('on QEMU with the fault-injection images', function () {
    before(function () {
      if (!HAVE_QEMU || !existsSync(faultImage('hardfault'))) this.skip();
    });

    it('hard fault: reported at once with kind, frame and PC; not retried', async () => {
      const r = await run(['--target', 'qemu', '--firmware', faultImage('hardfault')]);
      const f = expectFaultThenPass(r, 'crash', 1);
      expect(f.detail).to.equal('hardfault: undefined instruction');
      expect(f.pc, 'the PC of the udf instruction that faulted').to.equal(udfAddress(faultImage('hardfault')));
      const left = descendants(1).filter((p) => p.cmdline.includes(faultImage('hardfault')));
      expect(left.map((p) => `${p.pid} ${p.cmdline}`), 'no QEMU left behind').to.deep.equal([]);
      expect(f.detectionMs!).to.be.below(STALL_FLOOR_MS); // the device said so: no timeout involved
      measured.push(`qemu hardfault ${f.detectionMs} ms`);
    });

    it('reset: the unsolicited BOOT is reported as a reset at the frame; not retried', async () => {
      const r = await run(['--target', 'qemu', '--firmware', faultImage('reset')]);
      const f = expectFaultThenPass(r, 'reset', 1);
      expect(f.detail).to.equal('BOOT reason=sysreset');
      expect(f.detectionMs!).to.be.below(STALL_FLOOR_MS);
      measured.push(`qemu reset ${f.detectionMs} ms`);
    });

    it('hang: unresponsive after the stall timeout derived from frame budget and link rate', async () => {
      const r = await run(['--target', 'qemu', '--firmware', faultImage('hang'), '--retries', '0']);
      const f = expectFaultThenPass(r, 'unresponsive', 1);
      const stall = r.report.reliability!.stallTimeoutMs!;
      expect(stall).to.be.at.least(STALL_FLOOR_MS);
      expect(f.detectionMs!).to.be.at.least(stall);
      expect(f.detectionMs!, 'bounded: one stall timeout, not two').to.be.below(2 * stall);
      expect(r.report.reliability!.stallFormula).to.match(/^max\(2000 ms, 4 x 8 frames x \(10\.0 ms frame \+ \d+\.\d ms on the wire\)\) = \d+ ms$/);
      measured.push(`qemu hang ${f.detectionMs} ms (stall timeout ${stall} ms)`);
    });

    it('silent: the same for a device that keeps reading but stops answering (no retry asked)', async () => {
      const r = await run(['--target', 'qemu', '--firmware', faultImage('silent'), '--retries', '0']);
      const f = expectFaultThenPass(r, 'unresponsive', 1);
      expect(f.detectionMs!).to.be.at.least(r.report.reliability!.stallTimeoutMs!);
      expect(f.detectionMs!, 'bounded: one stall timeout, not two').to.be.below(2 * r.report.reliability!.stallTimeoutMs!);
      measured.push(`qemu silent ${f.detectionMs} ms`);
    });
  });

  describe('on the host simulator with HIL_SIM_FAULT_* knobs', function () {
    before(function () {
      if (!existsSync(SIM_GAIN)) this.skip();
    });
    const sim = (kind: string, extra: string[] = []) =>
      run(['--target', 'sim', '--model', 'gain', ...extra], { HIL_SIM_FAULT_KIND: kind, HIL_SIM_FAULT_AT_FRAME: '3' });

    it('crash (SIGABRT): the process death is reported at the frame, reproduced on the retry', async () => {
      const f = expectFaultThenPass(await sim('crash'), 'exited', 2);
      expect(f.detail).to.equal('killed by SIGABRT');
      measured.push(`sim crash ${f.detectionMs} ms`);
    });

    it('exit: the exit status is reported', async () => {
      const f = expectFaultThenPass(await sim('exit', ['--retries', '0']), 'exited', 1);
      expect(f.detail).to.equal('exited with code 3');
      measured.push(`sim exit ${f.detectionMs} ms`);
    });

    it('hang: unresponsive after the stall timeout, retried once and marked reproduced (not a flaky link)', async () => {
      const r = await sim('hang');
      const f = expectFaultThenPass(r, 'unresponsive', 2);
      expect(r.report.reliability!.stallFormula).to.equal('max(2000 ms, 4 x 8 frames x (10.0 ms frame + 0.0 ms on the wire)) = 2000 ms');
      expect(f.detectionMs!).to.be.at.least(2000);
      expect(f.detectionMs!, 'bounded: one stall timeout, not two').to.be.below(4000);
      measured.push(`sim hang ${f.detectionMs} ms`);
    });
  });
});
