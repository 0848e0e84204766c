import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import type { ParamDesc } from '../protocol/device-info.ts';
import { checkAxes, describeSetting, MAX_SETTINGS, parseSweepArg, parseSweepArgs, planSweep } from './sweep-spec.ts';

const usageError = (fn: () => unknown, re: RegExp) => {
  expect(fn).to.throw(HarnessError, re);
  try {
    fn();
  } catch (e) {
    expect((e as HarnessError).code).to.equal('USAGE');
  }
};

describe('sweep spec', () => {
  it('parses a range with the stop included, a descending range and float steps without drift', () => {
    expect(parseSweepArg('input_gain_db=-12:12:3').values).to.deep.equal([-12, -9, -6, -3, 0, 3, 6, 9, 12]);
    expect(parseSweepArg('g=6:0:-2').values).to.deep.equal([6, 4, 2, 0]);
    expect(parseSweepArg('g=0:1:0.1').values).to.have.length(11).and.include(0.3).and.include(1);
    expect(parseSweepArg('g=0:10:4').values).to.deep.equal([0, 4, 8]); // 10 is off the grid
  });

  it('parses a list (duplicates dropped) and a single value', () => {
    expect(parseSweepArg('output_gain_db=-6, 0,6,0').values).to.deep.equal([-6, 0, 6]);
    expect(parseSweepArg('bypass=1')).to.deep.equal({ name: 'bypass', values: [1] });
    expect(parseSweepArg('g=-1.5e0').values).to.deep.equal([-1.5]);
  });

  it('rejects malformed specs with a one-line USAGE error naming the flag', () => {
    usageError(() => parseSweepArg('input_gain_db'), /--param "input_gain_db": expected name=start:stop:step/);
    usageError(() => parseSweepArg('g=0:10:0'), /step of a range must not be 0/);
    usageError(() => parseSweepArg('g=0:10:-1'), /goes away from 10; use 1/);
    usageError(() => parseSweepArg('g=1,x'), /is not a number/);
    usageError(() => parseSweepArg('9g=1'), /expected name=/);
    usageError(() => parseSweepArgs(['g=1', 'g=2']), /given twice/);
  });

  it('plans the Cartesian product, last axis fastest', () => {
    const s = planSweep([
      { name: 'a', values: [1, 2] },
      { name: 'b', values: [10, 20, 30] },
    ]);
    expect(s).to.have.length(6);
    expect(s[0]).to.deep.equal({ a: 1, b: 10 });
    expect(s[1]).to.deep.equal({ a: 1, b: 20 });
    expect(s[5]).to.deep.equal({ a: 2, b: 30 });
    expect(planSweep([])).to.deep.equal([{}]);
    expect(describeSetting(s[1]!)).to.equal('a=1, b=20');
    expect(describeSetting({})).to.equal('defaults');
  });

  it('refuses sweeps larger than the limit', () => {
    const big = Array.from({ length: MAX_SETTINGS + 1 }, (_, i) => i);
    usageError(() => planSweep([{ name: 'a', values: big }]), /more than 2000/);
  });

  it('checks axes against the device parameter table (name and range, in real units)', () => {
    const table: ParamDesc[] = [{ id: 0, name: 'input_gain_db', unit: 'dB', fracBits: 8, min: -6144, max: 6144, def: 0 }];
    expect(() => checkAxes([{ name: 'input_gain_db', values: [-24, 24] }], table, 'model-s')).not.to.throw();
    usageError(() => checkAxes([{ name: 'input_gain_db', values: [0, 30] }], table, 'model-s'), /input_gain_db=30 is outside the device's range -24 \.\. 24 dB/);
    usageError(() => checkAxes([{ name: 'gain', values: [0] }], table, 'model-s'), /model model-s has no such parameter \(it has: input_gain_db\)/);
  });
});
