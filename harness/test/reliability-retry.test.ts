/**
 * Issue 8.2, retries never hide what happened: a case whose first attempt meets a transient
 * device death passes on the retry, and the result still carries the first attempt's fault; the
 * run's reliability record counts it. Real host simulator; the fault is armed on the first start
 * only (HIL_SIM_FAULT_KIND through the start environment), the retry gets a clean start.
 */
import { existsSync } from 'node:fs';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { readWav } from '../src/dsp/wav.ts';
import { execute } from '../src/runner/execute.ts';
import { reliabilityRecord } from '../src/runner/reliability.ts';
import { loadSuites } from '../src/runner/suites.ts';
import { SimTarget } from '../src/targets/sim-target.ts';
import type { Target, TargetStartOptions } from '../src/targets/target.ts';
import { writeGainSuite } from './helpers/gain-suite.ts';

const SIM_GAIN = builtinProfile('sim', 'sim', 'gain').firmware;

/** The real simulator; its first start carries the fault knobs. */
function flakyOnce(): () => Target {
  let starts = 0;
  return () => {
    const sim = new SimTarget(SIM_GAIN);
    const first = starts++ === 0;
    return {
      kind: sim.kind,
      description: sim.description,
      firmware: sim.firmware,
      start: (o: TargetStartOptions = {}) => sim.start({ ...o, env: first ? { HIL_SIM_FAULT_KIND: 'exit', HIL_SIM_FAULT_AT_FRAME: '3' } : {} }),
      stop: () => sim.stop(),
      get exited() {
        return sim.exited;
      },
    };
  };
}

describe('reliability: a retry that passes keeps the first attempt on record (issue 8.2)', function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(SIM_GAIN)) this.skip();
  });

  it('passed on attempt 2, with the exit at frame 3 of attempt 1 in earlierAttempts', async () => {
    const suite = writeGainSuite();
    const [s] = await loadSuites(suite.dir, ['faults']);
    const res = await execute({
      cases: s!.cases,
      jobs: 1,
      retries: 1,
      window: 8,
      handshakeTimeoutMs: 5000,
      globalParams: {},
      makeTarget: flakyOnce(),
      evaluation: (info) => ({ counter: info.counter, clockHz: 0, cpi: 1, requiredMargin: 0, hop: info.hop, rate: info.rate }),
      loadGolden: async (c) => (await readWav(c.golden!)).samples,
      linkRate: { bytesPerSecond: Infinity, slowdown: 1, source: 'test' },
    });
    const [a, b] = res.results;
    expect(a!.status, a!.error?.message).to.equal('passed');
    expect(a!.attempts).to.equal(2);
    expect(a!.earlierAttempts).to.have.length(1);
    expect(a!.earlierAttempts![0]).to.deep.include({ attempt: 1, code: 'TARGET' });
    expect(a!.earlierAttempts![0]!.fault).to.include({ kind: 'exited', detail: 'exited with code 3', frame: 3 });
    expect(b!.status).to.equal('passed');
    expect(res.targetStarts).to.equal(2);
    const rel = reliabilityRecord({ cases: res.results, faultInjection: null, stall: res.stall, targetStarts: res.targetStarts });
    expect(rel.passedAfterRetry).to.equal(1);
    expect(rel.deviceFaults.exited).to.equal(0); // no case ended in a fault
    expect(rel.stallTimeoutMs).to.equal(2000);
  });
});
