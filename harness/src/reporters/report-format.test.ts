import { expect } from 'chai';

import { failingRun } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { simRun } from '../../test/fixtures/sim-run.ts';
import {
  caseBudget,
  caseCycles,
  cycleUnit,
  failureReasons,
  fmtDb,
  fmtInt,
  fmtSignedPct,
  marginSummary,
  outputSummary,
  worstMargin,
} from './report-format.ts';

describe('report-format', () => {
  it('labels cycle units by counter source', () => {
    expect(cycleUnit({ counter: 'icount', cpi: 1.25 })).to.equal('estimated cycles (instructions × CPI 1.25)');
    expect(cycleUnit({ counter: 'dwt', cpi: null })).to.equal('cycles');
    expect(cycleUnit({ counter: 'none', cpi: null })).to.equal(null);
  });

  it('never calls a margin without a counter a pass', () => {
    for (const c of simRun.cases) expect(marginSummary(c)).to.deep.equal({ text: 'not applicable', tone: 'muted' });
    expect(marginSummary(failingRun.cases[1]!)).to.deep.equal({ text: '7.3 % (required ≥ 10.0 %)', tone: 'fail' });
  });

  it('derives cycles from counts × CPI when the margin verdict is missing', () => {
    const c = { ...passingRun.cases[0]!, margin: null, counts: [100, 300, 200] };
    expect(caseCycles(c, passingRun.target)).to.deep.equal({ median: 250, p95: 375, max: 375 });
    expect(caseCycles({ ...c, counts: [] }, passingRun.target)).to.equal(null);
    expect(caseBudget(c, passingRun)).to.equal(1_000_000);
  });

  it('describes output verdicts', () => {
    expect(outputSummary(failingRun.cases[2]!)).to.deep.equal({ text: 'mismatch at sample 5,925 (frame 37)', tone: 'fail' });
    expect(outputSummary(failingRun.cases[0]!).text).to.equal('bit-exact');
    expect(outputSummary(failingRun.cases[3]!).text).to.equal('not checked');
    expect(outputSummary(failingRun.cases[5]!).text).to.equal('not run');
  });

  it('lists why a case failed', () => {
    expect(failureReasons(failingRun.cases[0]!)).to.deep.equal([]);
    const sweep = failureReasons(failingRun.cases[1]!);
    expect(sweep).to.have.length(2);
    expect(sweep[0]).to.match(/^margin violated: worst frame 143/);
    expect(sweep[1]).to.match(/^cycle regression against the baseline/);
    expect(failureReasons(failingRun.cases[3]!)[0]).to.match(/^DEVICE: device reported a fault/);
  });

  it('finds the worst margin over the cases that have one', () => {
    expect(worstMargin(failingRun)).to.deep.include({ caseId: 'smoke/sweep' });
    expect(worstMargin(simRun)).to.equal(null);
  });

  it('formats numbers that may be null after a JSON round trip', () => {
    expect(fmtInt(1234567.4)).to.equal('1,234,567');
    expect(fmtInt(null)).to.equal('–');
    expect(fmtSignedPct(0.123)).to.equal('+12.3 %');
    expect(fmtSignedPct(-0.05)).to.equal('-5.0 %');
    expect(fmtDb(Number.NEGATIVE_INFINITY)).to.equal('−∞ dBFS');
    expect(fmtDb(null)).to.equal('−∞ dBFS');
    expect(fmtDb(-6.02)).to.equal('-6.0 dBFS');
  });
});
