import { expect } from 'chai';

import { checkResources } from './resource-verdict.ts';

const sizes = { text: 73_000, data: 8, bss: 54_752, flash: 73_008, ram: 54_760, stacks: 35_840, machine: 40 };

describe('resource verdict', () => {
  it('counts the measured stack high-water mark instead of the stack reservation', () => {
    const v = checkResources({ sizes, stackHwm: 832, flashBudget: 100 * 1024, ramBudget: 1 << 20 });
    expect(v.status).to.equal('pass');
    expect(v.flashBytes).to.equal(73_008);
    expect(v.ramBytes).to.equal(54_760 - 35_840 + 832);
    expect(v.message).to.contain('data+bss 18920 B + stack high-water 832 B of 35840 B reserved');
  });

  it('without a high-water mark the whole reservation counts, and says so', () => {
    const v = checkResources({ sizes, stackHwm: null, flashBudget: null, ramBudget: null });
    expect(v.ramBytes).to.equal(54_760);
    expect(v.status).to.equal('not-applicable');
    expect(v.message).to.contain('stack high-water unknown');
  });

  it('fails a budget it exceeds, naming both figures', () => {
    const v = checkResources({ sizes, stackHwm: 832, flashBudget: 64 * 1024, ramBudget: 16 * 1024 });
    expect(v.status).to.equal('fail');
    expect(v.message).to.contain('flash 73008 B exceeds the 65536 B budget').and.contain('RAM 19752 B exceeds the 16384 B budget');
  });
});
