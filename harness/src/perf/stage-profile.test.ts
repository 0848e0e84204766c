import { expect } from 'chai';

import { topShares } from '../reporters/stage-summary.ts';
import { stageProfile } from './stage-profile.ts';

describe('stage profile', () => {
  const names = ['fft', 'gru', 'out'];
  // 4 frames; the last has a slow gru
  const stages = [100, 300, 100, 100, 300, 100, 100, 300, 100, 100, 700, 100];
  const counts = [500, 500, 500, 900];

  it('gives per stage median, p99, max and a share of all frames that adds up to 1', () => {
    const p = stageProfile({ names, stages, counts, counter: 'icount', cpi: 1.25 });
    expect(p.frames).to.equal(4);
    expect(p.stages.map((s) => s.name)).to.deep.equal(names);
    const gru = p.stages[1]!;
    expect([gru.median, gru.p99, gru.max]).to.deep.equal([300, 700, 700]);
    expect(gru.share).to.be.closeTo(1600 / 2400, 1e-12);
    expect(p.stages.reduce((a, s) => a + s.share, 0)).to.be.closeTo(1, 1e-12);
    expect(gru.cycles).to.deep.equal({ median: 375, p99: 875, max: 875 });
    expect(p.sumErrorMax).to.equal(0);
    expect(p.label).to.equal('estimated cycles (instructions x CPI 1.25)');
    expect(p.estimated).to.equal(true);
  });

  it('reports how far stage sums are from the frame counts, and no cycles for a tick counter', () => {
    const p = stageProfile({ names, stages, counts: [500, 500, 490, 900], counter: 'timer', cpi: 1.25 });
    expect(p.sumErrorMax).to.be.closeTo(10 / 490, 1e-12);
    expect(p.stages[0]!.cycles).to.equal(null);
    expect(p.unit).to.equal('ticks');
  });

  it('ranks stages by share', () => {
    const p = stageProfile({ names, stages, counts, counter: 'dwt', cpi: 1 });
    expect(topShares(p.stages, 2)).to.equal('gru 66.7 %, fft 16.7 %');
  });

  it('refuses counts that do not fit the stage table', () => {
    expect(() => stageProfile({ names, stages: stages.slice(1), counts, counter: 'dwt', cpi: 1 })).to.throw(RangeError, /11 stage counts for 4 frames x 3 stages/);
  });
});
