import { expect } from 'chai';

import { scheduleCases } from './schedule.ts';

describe('case scheduling for parallel jobs', () => {
  const cases = [
    { id: 'edge/a', n: 10 },
    { id: 'speech/long', n: 900 },
    { id: 'edge/b', n: 10 },
    { id: 'speech/mid', n: 500 },
  ];
  const weight = (c: { n: number }) => c.n;

  it('keeps the manifest order with one job', () => {
    expect(scheduleCases(cases, 1, weight).map((s) => s.c.id)).to.deep.equal(['edge/a', 'speech/long', 'edge/b', 'speech/mid']);
  });

  it('puts the longest cases first with several jobs, ties in manifest order, manifest positions kept', () => {
    const s = scheduleCases(cases, 2, weight);
    expect(s.map((x) => x.c.id)).to.deep.equal(['speech/long', 'speech/mid', 'edge/a', 'edge/b']);
    expect(s.map((x) => x.i)).to.deep.equal([1, 3, 0, 2]);
  });

  it('shortens the makespan of a mixed regression on two workers', () => {
    // greedy list scheduling: each case goes to the worker that frees up first
    const makespan = (order: number[]) => {
      const free = [0, 0];
      for (const d of order) {
        const k = free[0]! <= free[1]! ? 0 : 1;
        free[k]! += d;
      }
      return Math.max(...free);
    };
    const durations = [2, 2, 2, 2, 8]; // the long case last, as a speech suite after short ones
    const manifest = makespan(durations);
    const lpt = makespan(scheduleCases(durations, 2, (d) => d).map((s) => s.c));
    expect(lpt).to.be.below(manifest);
    expect(manifest).to.equal(12);
    expect(lpt).to.equal(8); // total 16 on 2 workers: 8 is the floor
  });
});
