import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { estimateStages, kernelCosts, parseStageTable, predictStage } from './cost-model.ts';

const STAGE = { name: 'net', macs: 640, weightsBytes: 1344, stateBytes: 0, scratchBytes: 192 };

describe('cost model (pure)', () => {
  it('fits per-output and per-MAC dense costs, per-call and per-unit kernel costs, net of the probe', () => {
    // probe 10; dsp: per output 50 + 2 per MAC; ref measured at one width: 50 + 6 per MAC
    const k = kernelCosts(new Map([
      ['empty', 10],
      ['dense_dsp_16x32', 10 + 32 * (50 + 2 * 16)],
      ['dense_dsp_64x32', 10 + 32 * (50 + 2 * 64)],
      ['dense_ref_64x32', 10 + 32 * (50 + 6 * 64)],
      ['tanh_x64', 10 + 64 * 25],
      ['copy_1024', 10 + 512],
      ['rfft512', 10 + 50000],
    ]));
    expect(k.probe).to.equal(10);
    expect(k.dense.dsp).to.deep.equal({ perOutput: 50, perMac: 2 });
    expect(k.dense.ref!.perOutput).to.equal(50);
    expect(k.dense.ref!.perMac).to.be.closeTo(6, 1e-12);
    expect(k.unit).to.deep.equal({ tanh: 25, copy: 0.5, rfft512: 50000 });
    const s = { ...STAGE, ops: [{ kernel: 'dense', nin: 20, nout: 32 }, { kernel: 'tanh', n: 32 }, { kernel: 'copy', bytes: 100 }, { kernel: 'rfft512' }] };
    expect(predictStage(s, k, 'dsp')).to.equal(10 + 32 * (50 + 40) + 32 * 25 + 50 + 50000);
    const [e] = estimateStages({ model: 'm', stages: [s] }, k, 'ref', new Map([['net', 60000]]));
    expect(e!.predicted).to.be.closeTo(10 + 32 * (50 + 120) + 800 + 50 + 50000, 1e-9);
    expect(e!.error).to.be.closeTo((e!.predicted - 60000) / 60000, 1e-12);
    expect(() => predictStage({ ...s, ops: [{ kernel: 'log2', n: 3 }] }, k, 'dsp')).to.throw(HarnessError, /stage net: kernel log2 is not measured by the kernel image \(has: copy, rfft512, tanh\)/);
    expect(() => predictStage(s, k, 'mve')).to.throw(HarnessError, /no dense benchmark for the mve path/);
  });

  it('refuses a malformed stage table naming the file and the key path', () => {
    const ok = { model: 'm', stages: [{ ...STAGE, ops: [{ kernel: 'tanh', n: 3 }] }] };
    expect(parseStageTable(ok, 't.json').stages[0]!.name).to.equal('net');
    const bad = (d: unknown) => () => parseStageTable(d, 't.json');
    expect(bad([])).to.throw(HarnessError, /^t\.json: model: expected the model id/);
    expect(bad({ model: 'm', stages: [] })).to.throw(/t\.json: stages: expected a non-empty array/);
    expect(bad({ model: 'm', stages: [{ ...STAGE, macs: -1, ops: [{ kernel: 'x' }] }] })).to.throw(/stages\[0\]\.macs: expected a count >= 0/);
    expect(bad({ model: 'm', stages: [{ ...STAGE, ops: [{ kernel: 'dense', nin: 3 }] }] })).to.throw(/stages\[0\]\.ops\[0\]: expected dense with nin and nout > 0/);
    expect(bad({ model: 'm', stages: [{ ...STAGE, name: 'GRU 1', ops: [{ kernel: 'x' }] }] })).to.throw(/stages\[0\]\.name: expected a stage name/);
    expect(bad({ model: 'm', stages: [ok.stages[0], ok.stages[0]] })).to.throw(/net appears twice/);
  });
});
