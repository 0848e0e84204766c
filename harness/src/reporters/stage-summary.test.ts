import { expect } from 'chai';

import { passingRun } from '../../test/fixtures/passing-run.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { stageProfile } from '../perf/stage-profile.ts';
import { compareCase } from '../runner/baseline.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { runStageSummary, topShares } from './stage-summary.ts';

const NAMES = ['fft', 'gru1', 'gru2', 'out'];

/** Split each frame count of a case into stages in fixed proportions (the rest to the last). */
function profiled(c: CaseResult, split: readonly number[]): CaseResult {
  const stages: number[] = [];
  for (const n of c.counts) {
    const parts = split.map((f) => Math.floor(n * f));
    parts.push(n - parts.reduce((a, x) => a + x, 0));
    stages.push(...parts);
  }
  return { ...c, profile: stageProfile({ names: NAMES, stages, counts: c.counts, counter: 'icount', cpi: 1.25 }) };
}

const measured = passingRun.cases.filter((c) => c.counts.length > 0);
const run: RunReport = { ...passingRun, cases: passingRun.cases.map((c) => (c.counts.length > 0 ? profiled(c, [0.2, 0.3, 0.4]) : c)) };

describe('stage summary of a profiled run', () => {
  it('pools the shares of every profiled frame and takes the median of the case medians', () => {
    const s = runStageSummary(run)!;
    expect(s.cases).to.equal(measured.length);
    expect(s.rows.map((r) => r.name)).to.deep.equal(NAMES);
    expect(s.rows.reduce((a, r) => a + r.share, 0)).to.be.closeTo(1, 1e-9);
    expect(s.rows[2]!.share).to.be.closeTo(0.4, 0.001);
    expect(s.rows[2]!.cycles).to.equal(s.rows[2]!.median * 1.25);
    expect(topShares(s.rows, 2)).to.equal('gru2 40.0 %, gru1 30.0 %');
    expect(runStageSummary(passingRun)).to.equal(null);
  });

  it('renders a stage table in Markdown and HTML, with a stacked bar per case', () => {
    const md = renderMarkdown(run);
    expect(md).to.include('### Where the cycles go');
    expect(md).to.match(/\| gru2 \| [\d,]+ \| [\d,]+ \| [\d,]+ \| 40\.0 % \|/);
    const page = renderHtml(run);
    expect(page).to.include('<h2>Where the cycles go</h2>');
    expect(page.match(/<div class="stack"/g)!.length).to.equal(2 * measured.length); // run section + each case
    expect(page).to.include('title="gru2 40.0 %"');
    expect(renderHtml(passingRun)).to.not.include('Where the cycles go');
  });

  it('names the stage that regressed against a baseline, even when the frame stays under the threshold', () => {
    const base = measured[0]!;
    const before = profiled(base, [0.2, 0.3, 0.4]);
    const slower = { ...base, counts: base.counts.map((n) => Math.round(n * 1.04)) };
    const after = profiled(slower, [0.2 / 1.04, 0.3 / 1.04, (0.4 * 1.04 + 0.03) / 1.04]); // gru2 grows, the frame by 4 %
    const cmp = compareCase(after, before, 0.05)!;
    expect(cmp.medianChange).to.be.below(0.05);
    expect(cmp.stageRegressions).to.have.length(1);
    expect(cmp.stageRegressions![0]).to.match(/^gru2 \+\d+\.\d %$/);
    expect(cmp.regression).to.equal(true);
    expect(cmp.stages!.map((s) => s.name)).to.deep.equal(NAMES);
    expect(compareCase(before, before, 0.05)!.stageRegressions).to.deep.equal([]);
    // no profile on one side: compared as a whole only
    expect(compareCase(after, base, 0.05)!.stages).to.equal(undefined);
  });
});
