import { expect } from 'chai';

import { checkMargin } from './margin-verdict.ts';

const common = { hop: 160, rate: 16000, requiredMargin: 0.1 };

describe('real-time margin verdicts', () => {
  it('computes budget, percentiles and margin from true cycles', () => {
    const counts = Array.from({ length: 100 }, (_, i) => 100_000 + i * 1000);
    const v = checkMargin({ ...common, counter: 'dwt', counts, clockHz: 100e6, cpi: 1 });
    expect(v.budgetCycles).to.equal(1_000_000);
    expect(v.cycles?.max).to.equal(199_000);
    expect(v.worstFrame).to.equal(99);
    expect(v.margin).to.be.closeTo(0.801, 1e-9);
    expect(v.status).to.equal('pass');
    expect(v.estimated).to.equal(false);
  });

  it('fails when the worst frame eats into the required margin', () => {
    const v = checkMargin({ ...common, counter: 'dwt', counts: [10_000, 950_000, 20_000], clockHz: 100e6, cpi: 1 });
    expect(v.status).to.equal('fail');
    expect(v.worstFrame).to.equal(1);
    expect(v.message).to.contain('margin violated').and.contain('worst frame 1');
  });

  it('labels emulator figures as estimates using the CPI factor', () => {
    const v = checkMargin({ ...common, counter: 'icount', counts: [400_000], clockHz: 100e6, cpi: 1.5 });
    expect(v.estimated).to.equal(true);
    expect(v.cycles?.max).to.equal(600_000);
    expect(v.message).to.contain('estimated');
  });

  it('never passes a target without a counter', () => {
    const v = checkMargin({ ...common, counter: 'none', counts: [0, 0], clockHz: 0, cpi: 1 });
    expect(v.status).to.equal('not-applicable');
    expect(v.margin).to.equal(null);
  });

  it('never passes a counter that reads 0 on every frame (e.g. DWT under QEMU)', () => {
    const v = checkMargin({ ...common, counter: 'dwt', counts: [0, 0, 0], clockHz: 100e6, cpi: 1 });
    expect(v.status).to.equal('not-applicable');
    expect(v.message).to.match(/dwt counter read 0 on every frame/);
    const w = checkMargin({ ...common, counter: 'dwt', counts: [0, 5, 0], clockHz: 100e6, cpi: 1 });
    expect(w.status).to.equal('pass');
  });
});
