import { expect } from 'chai';

import type { LevelMetrics } from '../dsp/level-metrics.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { DEFAULT_GOAL, evaluateGoal } from './goal.ts';
import { renderTuneHtml } from './render-tune-html.ts';
import { rankSettings } from './rank.ts';
import type { SweepPoint } from './run-sweep.ts';
import { planSweep, type SweepAxis } from './sweep-spec.ts';
import { bestParamsFile, buildTuneReport } from './tune-report.ts';

const EVIL = '<script>alert(1)</script>';

const INFO: DeviceInfo = {
  proto: 1, fw: `fw${EVIL}`, fwVersion: '0.1.0', build: 'b1', board: 'host-sim', model: 'model-s', modelVersion: '0.1.0',
  modelDesc: 'd', weights: 'w', rate: 16000, hop: 160, format: 's16le', channels: 1, latency: 160, clock: 0, counter: 'none',
  window: 8, history: 8, maxPayload: 1024,
  params: [
    { id: 0, name: 'input_gain_db', unit: 'dB', fracBits: 8, min: -6144, max: 6144, def: 0 },
    { id: 1, name: 'output_gain_db', unit: 'dB', fracBits: 8, min: -6144, max: 6144, def: 0 },
  ],
};

function lv(active: number): LevelMetrics {
  return { samples: 16000, rmsDbfs: active - 1, peakDbfs: active + 18, activeDbov: active, activity: 0.8, crestDb: 19, noiseFloorDbfs: -80, clipped: 0, clippedAtRails: 0 };
}

function report() {
  const axes: SweepAxis[] = [
    { name: 'input_gain_db', values: [0, 6, 12] },
    { name: 'output_gain_db', values: [-2, 0] },
  ];
  const points: SweepPoint[] = planSweep(axes).map((setting, index) => {
    const levels = lv(-40 + setting.input_gain_db! + setting.output_gain_db!);
    return { index, setting, applied: { ...setting }, levels, snr: null, verdict: evaluateGoal(DEFAULT_GOAL, levels), wallMs: 1 };
  });
  return buildTuneReport({
    id: 'tune-test',
    createdAt: new Date(0),
    command: ['hil', 'tune', EVIL],
    target: { profile: 'sim', kind: 'sim', description: 'sim:x' },
    info: INFO,
    case: { id: `quiet/${EVIL}`, input: 'x.wav', reference: null, samples: 16000 },
    goal: DEFAULT_GOAL,
    axes,
    base: {},
    sweep: { inputLevels: lv(-45), points, ranking: rankSettings(points), interrupted: false, bestOutput: null, reproducible: true },
  });
}

describe('tune report', () => {
  it('picks the best setting and derives the parameter file from it', () => {
    const r = report();
    expect(r.best!.setting).to.deep.equal({ input_gain_db: 12, output_gain_db: 0 }); // -28 is 2 dB off; -26 would need 14
    expect(r.met).to.equal(false);
    const p = bestParamsFile(r)!;
    expect(p.params).to.deep.equal({ input_gain_db: 12, output_gain_db: 0 });
    expect(p.case).to.equal(`quiet/${EVIL}`);
  });

  it('renders charts per swept parameter, a ranked table, and escapes every device and case string', () => {
    const page = renderTuneHtml(report());
    expect(page).not.to.include('<script>');
    expect(page).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.match(/<svg /g)).to.have.length(2);
    expect(page).to.include('Active level and peak vs input_gain_db');
    expect(page.match(/<tr class="best">/g)).to.have.length(1);
    expect(page).to.include('NOT MET');
    expect(page).to.match(/Content-Security-Policy/);
  });
});
