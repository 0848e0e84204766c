import { expect } from 'chai';

import { passingRun } from '../../test/fixtures/passing-run.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { Prng } from '../core/prng.ts';
import { measureEnhancement } from '../dsp/quality.ts';
import { modelSDeploymentLoss, modelSParams } from '../dsp/model-s/deployment-loss.ts';
import { runModelSFloat } from '../dsp/model-s/float-ref.ts';
import { speechLike } from '../dsp/model-s/signals.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { reportQuality } from './quality-summary.ts';

const RATE = 16000;
const clean = speechLike({ seed: 7, seconds: 2, levelDbfs: -20, noiseDb: -60, bursts: true, f0: 140 });
const prng = new Prng(3);
const noisy = Int16Array.from(clean, (v) => Math.max(-32768, Math.min(32767, Math.round(v + (prng.next() - 0.5) * 2000))));
/** a plausible int16 output: the float reference rounded (what a target would send) */
const out = Int16Array.from(runModelSFloat(noisy), (v) => Math.floor(v + 0.5));

function withQuality(c: CaseResult, input: Int16Array, reference: Int16Array | null): CaseResult {
  return {
    ...c,
    quality: {
      enhancement: reference ? measureEnhancement(reference, input, out, 160, RATE, 'clean.wav') : null,
      floatModel: modelSDeploymentLoss(input, out, modelSParams({})),
      note: null,
    },
  };
}

describe('quality summary (float-model SNR and enhancement in the reports)', () => {
  const cases = passingRun.cases;
  const run: RunReport = {
    ...passingRun,
    cases: [withQuality(cases[0]!, noisy, clean), withQuality(cases[1]!, clean, clean), cases[2]!, ...cases.slice(3)],
  };

  it('has a row per case with figures, and suite means over the cases that have each figure', () => {
    const { rows, suites } = reportQuality(run);
    expect(rows.map((r) => r.id)).to.deep.equal([cases[0]!.id, cases[1]!.id]);
    // rounding the float output to int16 is the only loss: far above 30 dB
    expect(rows[0]!.deploymentSnrDb).to.be.above(50);
    expect(rows[0]!.activationSnrDb).to.be.above(20); // against the dequantised weights: close, not equal
    // a clean input has an infinite SNR (null): it is left out of the SNR means, kept in STOI's
    expect(rows[1]!.input!.siSdrDb).to.equal(null);
    expect(rows[1]!.input!.stoi).to.be.closeTo(1, 1e-6);
    const s = suites.find((x) => x.suite === cases[0]!.suite)!;
    expect(s.withReference).to.equal(rows.filter((r) => r.suite === s.suite && r.input).length);
    if (cases[1]!.suite === cases[0]!.suite) {
      expect(s.input!.siSdrDb).to.equal(rows[0]!.input!.siSdrDb);
      expect(s.input!.stoi).to.be.closeTo((rows[0]!.input!.stoi! + rows[1]!.input!.stoi!) / 2, 1e-4);
    }
  });

  it('renders the quality section and the case-table column in Markdown and HTML', () => {
    const md = renderMarkdown(run);
    expect(md).to.include('### Quality');
    expect(md).to.include('PESQ is not measured');
    const imp = run.cases[0]!.quality!.enhancement!.improvement.siSdrDb!;
    expect(md).to.include(`SI-SDR ${imp >= 0 ? '+' : ''}${imp.toFixed(1)} dB`);
    const html = renderHtml(run);
    expect(html).to.include('id="quality"');
    expect(html).to.include(`${run.cases[0]!.quality!.floatModel!.deploymentSnrDb!.toFixed(1)} (`);
    // a run without quality figures has no section
    expect(renderMarkdown(passingRun)).to.not.include('### Quality');
  });
});
