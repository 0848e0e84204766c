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
import type { CaseResult, RunReport } from '../src/core/results.ts';
import { createConsoleReporter } from '../src/reporters/console-reporter.ts';
import { renderHtml } from '../src/reporters/render-html.ts';
import { renderJunit } from '../src/reporters/render-junit.ts';
import { renderMarkdown } from '../src/reporters/render-markdown.ts';
import { countsSentence } from '../src/reporters/report-format.ts';
import { writeGainSuite } from './helpers/gain-suite.ts';

/** A minimal run report around some case results (for rendering). */
function fakeReport(cases: CaseResult[]): RunReport {
  const count = (st: CaseResult['status']) => cases.filter((c) => c.status === st).length;
  return {
    schema: 'hil-report/1', runId: 'retry-test', startedAt: '2026-12-06T00:00:00.000Z', finishedAt: '2026-12-06T00:00:01.000Z', complete: true,
    status: 'passed', exitCode: 0, command: ['hil', 'run'],
    environment: { hilVersion: '0.1.0', node: process.version, platform: 'linux', host: 'h', gitCommit: null },
    target: { kind: 'sim', description: 'sim', profile: 'sim', firmware: SIM_GAIN, firmwareSha256: '', port: null, clockHz: 0, cpi: null, requiredMargin: 0, counter: 'none' },
    device: null, resources: null,
    selection: { suites: ['faults'], tags: [], grep: null, shard: null, jobs: 1 }, baseline: null,
    summary: { total: cases.length, passed: count('passed'), failed: count('failed'), error: count('error'), skipped: count('skipped'), audioSeconds: 1, wallSeconds: 1 },
    cases,
  };
}

const SIM_GAIN = builtinProfile('sim', 'sim', 'gain').firmware;

/** The real simulator; its first starts exit at the given frames (one start each), later ones are clean. */
function flaky(frames: readonly number[] = [3]): () => Target {
  let starts = 0;
  return () => {
    const sim = new SimTarget(SIM_GAIN);
    const frame = frames[starts++];
    return {
      kind: sim.kind,
      description: sim.description,
      firmware: sim.firmware,
      start: (o: TargetStartOptions = {}) => sim.start({ ...o, env: frame !== undefined ? { HIL_SIM_FAULT_KIND: 'exit', HIL_SIM_FAULT_AT_FRAME: String(frame) } : {} }),
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
      makeTarget: flaky(),
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
    expect(rel.deviceFaults.exited, "every attempt's faults count").to.equal(1);
    expect(rel.stallTimeoutMs).to.equal(2000);
    // and it shows: on the console, in the summary line and in every report
    const lines: string[] = [];
    const con = createConsoleReporter({ stream: { write: (s: string) => lines.push(s), isTTY: false } as never });
    con.onCaseEnd?.(a!);
    expect(lines.join('')).to.match(/PASS after 1 retry .*: .*exited with code 3/);
    const report = { ...fakeReport(res.results), reliability: rel };
    expect(countsSentence(report)).to.match(/, 1 retried$/);
    expect(renderMarkdown(report)).to.include('passed after 1 retry');
    expect(renderJunit(report)).to.include('passed after 1 retry: ');
    expect(renderHtml(report)).to.include('passed after 1 retry: ');
  });

  it('a case whose attempts all failed names the first attempt\'s fault as well as the last', async () => {
    const suite = writeGainSuite();
    const [s] = await loadSuites(suite.dir, ['faults']);
    const res = await execute({
      cases: s!.cases.slice(0, 1),
      jobs: 1,
      retries: 1,
      window: 8,
      handshakeTimeoutMs: 5000,
      globalParams: {},
      makeTarget: flaky([3, 5]),
      evaluation: (info) => ({ counter: info.counter, clockHz: 0, cpi: 1, requiredMargin: 0, hop: info.hop, rate: info.rate }),
      loadGolden: async (c) => (await readWav(c.golden!)).samples,
      linkRate: { bytesPerSecond: Infinity, slowdown: 1, source: 'test' },
    });
    const a = res.results[0]!;
    expect(a.status).to.equal('error');
    expect(a.error!.fault).to.include({ kind: 'exited', frame: 5 });
    expect(a.error!.message).to.match(/exited with code 3.*frame 5|frame 5.*\(attempt 1: TARGET: .*exited with code 3/);
    expect(a.error!.message).to.include('(attempt 1: TARGET:');
    const rel = reliabilityRecord({ cases: res.results, faultInjection: null, stall: res.stall, targetStarts: res.targetStarts });
    expect(rel.deviceFaults.exited).to.equal(2);
  });
});
