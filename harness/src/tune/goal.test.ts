import { expect } from 'chai';

import { validateConfig } from '../config/validate-config.ts';
import { HarnessError } from '../core/errors.ts';
import type { LevelMetrics } from '../dsp/level-metrics.ts';
import { DEFAULT_GOAL, evaluateGoal, resolveGoal } from './goal.ts';
import { snrText } from './format-levels.ts';
import { rankSettings } from './rank.ts';

function levels(active: number | null, peak: number | null, clipped = 0): LevelMetrics {
  return { samples: 1000, rmsDbfs: active === null ? null : active - 2, peakDbfs: peak, activeDbov: active, activity: 0.8, crestDb: 15, noiseFloorDbfs: -70, clipped, clippedAtRails: 0 };
}

describe('tune goal', () => {
  it('layers defaults < config < flags; null switches a constraint off', () => {
    expect(resolveGoal()).to.deep.equal(DEFAULT_GOAL);
    const g = resolveGoal({ level: -23, maxPeak: null }, { tolerance: 0.5, metric: 'rms' });
    expect(g).to.deep.equal({ metric: 'rms', level: -23, tolerance: 0.5, maxPeak: null, maxClipped: 0, minSnrGain: null });
  });

  it('rejects impossible goals with the flag name', () => {
    expect(() => resolveGoal({ level: 3 })).to.throw(HarnessError, /--target-level 3: expected a level from -120 to 0 dB/);
    expect(() => resolveGoal({ tolerance: -1 })).to.throw(HarnessError, /--level-tolerance/);
    expect(() => resolveGoal({ maxClipped: 1.5 })).to.throw(HarnessError, /--max-clipped/);
  });

  it('scores margins: level within tolerance, peak headroom, clipped allowance', () => {
    const v = evaluateGoal(DEFAULT_GOAL, levels(-25.6, -6.5));
    expect(v.pass).to.equal(true);
    expect(v.levelErrorDb).to.be.closeTo(0.4, 1e-9);
    expect(v.margins).to.deep.equal({ level: 0.6, peak: 5.5, clipped: 0 });
  });

  it('names each violated constraint', () => {
    const v = evaluateGoal(DEFAULT_GOAL, levels(-31.2, -0.5, 12));
    expect(v.pass).to.equal(false);
    expect(v.violations).to.deep.equal([
      'active level -31.20 dBov is 5.20 dB below -26 +/- 1',
      'peak -0.50 dBFS is above -1 dBFS',
      '12 clipped samples (at most 0)',
    ]);
    expect(evaluateGoal(DEFAULT_GOAL, levels(null, null)).violations).to.deep.equal(['active level: no signal (silence)']);
  });

  it('checks a noise-reduction goal against the SNR improvement, and says when it cannot', () => {
    const goal = resolveGoal({ minSnrGain: 6 });
    const snr = (imp: number | null) => ({ inputSnrDb: 5, outputSnrDb: imp === null ? null : 5 + imp, improvementDb: imp, inputSegSnrDb: null, outputSegSnrDb: null, segImprovementDb: null });
    const ok = evaluateGoal(goal, levels(-25.6, -6.5), snr(7.25));
    expect(ok.pass).to.equal(true);
    expect(ok.margins.snrGain).to.equal(1.25);
    const low = evaluateGoal(goal, levels(-25.6, -6.5), snr(4));
    expect(low.violations).to.deep.equal(['noise reduction 4.00 dB is below 6 dB']);
    expect(evaluateGoal(goal, levels(-25.6, -6.5), null).violations).to.deep.equal(['noise reduction: not measurable (the case needs a clean reference)']);
    expect(() => resolveGoal({ minSnrGain: 99 })).to.throw(HarnessError, /--min-snr-gain 99: expected a number of dB from -60 to 60/);
  });

  it('ranks feasible settings first, then the closest level, then more headroom', () => {
    const pts = [
      levels(-20, -0.5, 40), // loud and clipping
      levels(-26.8, -9), // feasible, 0.8 dB off
      levels(-26.1, -8), // feasible, closest
      levels(-26.1, -10), // feasible, as close, more headroom
      levels(-35, -18), // far too quiet
      levels(null, null), // silence
    ].map((m) => ({ verdict: evaluateGoal(DEFAULT_GOAL, m) }));
    expect(rankSettings(pts)).to.deep.equal([3, 2, 1, 4, 0, 5]);
  });

  it('ranks a small noise-reduction shortfall above a large one when neither setting meets the goal', () => {
    const goal = resolveGoal({ minSnrGain: 6, level: null });
    const snr = (imp: number) => ({ inputSnrDb: 5, outputSnrDb: 5 + imp, improvementDb: imp, inputSegSnrDb: null, outputSegSnrDb: null, segImprovementDb: null });
    const pts = [0, 5.5, 2.9, 8.1].map((imp) => ({ verdict: evaluateGoal(goal, levels(-29, -16), snr(imp)) }));
    expect(rankSettings(pts)).to.deep.equal([3, 1, 2, 0]);
  });

  it('prints the SNR of a progress line, and says when the output is the clean input itself', () => {
    expect(snrText(null)).to.equal('');
    expect(snrText({ inputSnrDb: 5, outputSnrDb: 11.09, improvementDb: 6.09, inputSegSnrDb: null, outputSegSnrDb: null, segImprovementDb: null })).to.equal(', SNR 5.0 -> 11.1 dB (+6.09)');
    expect(snrText({ inputSnrDb: null, outputSnrDb: 28.04, improvementDb: null, inputSegSnrDb: null, outputSegSnrDb: null, segImprovementDb: null })).to.equal(', SNR clean -> 28.0 dB');
    expect(snrText({ inputSnrDb: null, outputSnrDb: null, improvementDb: null, inputSegSnrDb: null, outputSegSnrDb: null, segImprovementDb: null })).to.equal(', output identical to the clean reference');
  });

  it('the config file may hold the goal under "tune" (schema-checked)', () => {
    const cfg = validateConfig({ tune: { levelMetric: 'active', targetLevel: -23, levelTolerance: 0.5, maxPeak: null, maxClipped: 0 } }, 'hil.config.json');
    expect(cfg.tune!.targetLevel).to.equal(-23);
    expect(() => validateConfig({ tune: { maxPeak: 3 } }, 'hil.config.json')).to.throw(HarnessError, /tune\.maxPeak/);
    expect(() => validateConfig({ tune: { level: -26 } }, 'hil.config.json')).to.throw(HarnessError, /level/);
  });
});
