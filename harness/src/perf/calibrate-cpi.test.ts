import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { fitCpi } from './calibrate-cpi.ts';

function report(counter: 'dwt' | 'icount', cases: Array<[string, number[]]>, model = 'model-s'): RunReport {
  return {
    runId: counter === 'dwt' ? 'b1' : 'e1',
    startedAt: '2026-12-01T00:00:00.000Z',
    target: { kind: counter === 'dwt' ? 'board' : 'qemu', description: counter, profile: counter, firmware: 'fw', firmwareSha256: 'ab', port: null, clockHz: 1e8, cpi: null, requiredMargin: 0.1, counter },
    device: { model, weights: 'w', build: counter === 'dwt' ? 'bbbb' : 'eeee' },
    cases: cases.map(([id, counts]) => ({ id, counts }) as unknown as CaseResult),
  } as unknown as RunReport;
}

describe('fitCpi (pure)', () => {
  it('is total cycles over total instructions of the cases both measured, with the per-case spread', () => {
    const b = report('dwt', [['a', [130, 130]], ['b', [300]], ['c', [1]], ['d', [5, 5]]]);
    const e = report('icount', [['a', [100, 100]], ['b', [200]], ['d', [5]], ['x', [7]]]);
    const f = fitCpi({ report: b, file: 'b.json' }, { report: e, file: 'e.json' }, new Date('2026-12-05T00:00:00Z'));
    expect(f.calibration).to.deep.include({ cpi: 1.4, cases: 2, frames: 3, spread: { min: 1.3, max: 1.5 }, fittedAt: '2026-12-05T00:00:00.000Z' });
    expect(f.calibration.board).to.deep.equal({ report: 'b.json', runId: 'b1', startedAt: '2026-12-01T00:00:00.000Z', target: 'dwt', firmwareSha256: 'ab', build: 'bbbb' });
    expect(f.skipped.map((s) => s.id)).to.deep.equal(['c', 'd', 'x']);
    expect(f.skipped[1]!.why).to.equal('2 frames on the board, 1 on the emulator');
    expect(f.perStage).to.deep.equal([]);
  });

  it('refuses the wrong counters, different models and reports with no case in common', () => {
    const b = report('dwt', [['a', [1]]]);
    const e = report('icount', [['a', [1]]]);
    expect(() => fitCpi({ report: e, file: 'x.json' }, { report: e, file: 'e.json' })).to.throw(HarnessError, /^x\.json: counter is icount, expected dwt/);
    expect(() => fitCpi({ report: b, file: 'b.json' }, { report: b, file: 'y.json' })).to.throw(HarnessError, /^y\.json: counter is dwt, expected icount/);
    expect(() => fitCpi({ report: b, file: 'b.json' }, { report: report('icount', [['a', [1]]], 'gain'), file: 'e.json' })).to.throw(HarnessError, /same model/);
    expect(() => fitCpi({ report: b, file: 'b.json' }, { report: report('icount', [['z', [1]]]), file: 'e.json' })).to.throw(HarnessError, /b\.json: no case was measured in both reports/);
  });
});
