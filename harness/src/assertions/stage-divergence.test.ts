import { expect } from 'chai';

import { compareTaps, divergenceLine, firstDivergentDigest, jsonValue, stageDivergenceMessage } from './stage-divergence.ts';

describe('stage divergence (pure)', () => {
  it('finds the first differing digest frame by frame, stage by stage, skipping stages without a tap', () => {
    // 3 stages x 3 frames; frame 1 differs in stage 2 (untapped) and stage 1; frame 2 in stage 0
    const ref = Uint32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const tgt = Uint32Array.of(1, 2, 3, 4, 50, 60, 70, 8, 9);
    expect(firstDivergentDigest(tgt, ref, 3, [true, true, true])).to.deep.equal({ frame: 1, stage: 1 });
    expect(firstDivergentDigest(tgt, ref, 3, [true, false, true])).to.deep.equal({ frame: 1, stage: 2 });
    expect(firstDivergentDigest(tgt, ref, 3, [true, false, false])).to.deep.equal({ frame: 2, stage: 0 });
    expect(firstDivergentDigest(ref, ref, 3, [true, true, true])).to.equal(null);
    // a shorter side ends the comparison
    expect(firstDivergentDigest(tgt.subarray(0, 3), ref, 3, [true, true, true])).to.equal(null);
  });

  it('names the first differing tap element, both values and how many differ (64-bit values too)', () => {
    expect(compareTaps([1, 2, 3], [1, 2, 3])).to.equal(null);
    expect(compareTaps([1, 5, 3, 9], [1, 2, 3, 4])).to.deep.equal({ element: 1, target: 5, reference: 2, differing: 2, elements: 4 });
    const big = 2n ** 60n;
    expect(compareTaps([0, big + 1n], [0, big])).to.deep.include({ element: 1, target: big + 1n, reference: big });
    expect(jsonValue(big)).to.equal('1152921504606846976');
    expect(jsonValue(-3)).to.equal(-3);
  });

  it('says which frames and stages were identical, and when the output followed', () => {
    const base = { stage: 'gru1', element: 12, targetValue: 1234, referenceValue: 1236, differing: 1, elements: 48, identicalBefore: ['input', 'fft'], untappedBefore: [] as string[] };
    expect(stageDivergenceMessage({ ...base, frame: 57, outputFrame: 60 })).to.equal(
      'first divergence: frame 57, stage gru1, element 12: target 1234, reference 1236 (1 of 48 elements differ); earlier stages identical, as is every stage of frames 0-56; the output diverges from frame 60',
    );
    expect(stageDivergenceMessage({ ...base, frame: 0, outputFrame: 0, identicalBefore: [], untappedBefore: [] })).to.match(/; it is the first stage$/);
    expect(stageDivergenceMessage({ ...base, frame: 1, outputFrame: 1, untappedBefore: ['window'] })).to.match(/earlier stages identical \(not compared, no tap: window\), as is every stage of frame 0$/);
  });

  it('gives every status a report line', () => {
    expect(divergenceLine({ status: 'stage', message: 'first divergence: frame 1, stage x' })).to.equal('first divergence: frame 1, stage x');
    expect(divergenceLine({ status: 'after-model', message: 'm' })).to.equal('first divergence: in no stage of the model; m');
    expect(divergenceLine({ status: 'not-reproduced', message: 'm' })).to.equal('first divergence: not reproduced; m');
    expect(divergenceLine({ status: 'unavailable', message: 'm' })).to.equal('first divergence: not searched; m');
  });
});
