/**
 * A small vector suite for the gain model written to a temp folder, with goldens computed by the
 * TypeScript Q15 reference at the model's default gain (0 dB), and a hil.config.json pointing at
 * it: for runs on the gain fault-injection images (firmware/build/qemu/...-fault-*.elf, and the
 * host simulator's HIL_SIM_FAULT_* knobs), which fault at frame 3.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { applyGainQ15, dbToGainQ15 } from '../../src/dsp/gain-q15.ts';
import { writeRawWav } from './raw-wav.ts';
import { seededAudio } from './signals.ts';
import { REPO_DEFAULTS } from './temp-config.ts';

export interface GainSuite {
  readonly dir: string;
  readonly config: string;
  readonly reportsDir: string;
}

/** Cases as [name, samples]: at 160 samples per frame, 480 samples are frames 0..2 only. */
export const FAULT_CASES: ReadonlyArray<readonly [string, number]> = [
  ['a-long', 16000], // 100 frames: reaches frame 3
  ['b-short', 480], // 3 frames: ends before frame 3
];

export function writeGainSuite(cases: ReadonlyArray<readonly [string, number]> = FAULT_CASES, suite = 'faults'): GainSuite {
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-gain-suite-'));
  mkdirSync(path.join(dir, suite, 'golden'), { recursive: true });
  cases.forEach(([name, n], i) => {
    const x = seededAudio(n, 100 + i);
    writeRawWav(path.join(dir, suite, `${name}.wav`), { rate: 16000, channels: 1, bits: 16, samples: x });
    writeRawWav(path.join(dir, suite, 'golden', `${name}.wav`), { rate: 16000, channels: 1, bits: 16, samples: applyGainQ15(x, dbToGainQ15(0)) });
  });
  const manifest = {
    suite,
    description: 'gain model cases for the fault-injection images',
    cases: cases.map(([name]) => ({ name, input: `${name}.wav`, golden: `golden/${name}.wav` })),
  };
  writeFileSync(path.join(dir, suite, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const reportsDir = path.join(dir, 'reports');
  const config = path.join(dir, 'hil.config.json');
  writeFileSync(config, JSON.stringify({ defaults: { ...REPO_DEFAULTS, vectorsDir: '.', suites: [suite], reportsDir: 'reports' } }, null, 2));
  return { dir, config, reportsDir };
}
