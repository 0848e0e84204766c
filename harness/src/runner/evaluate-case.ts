/**
 * Turn a measurement into a CaseResult: output verdict against the golden (or a missing-golden
 * error), real-time margin from the per-frame counts, levels, and the waveform excerpt around the
 * first divergence. Pure.
 */
import { checkMargin } from '../assertions/margin-verdict.ts';
import { checkOutput } from '../assertions/output-verdict.ts';
import type { CaseResult } from '../core/results.ts';
import { peakDbfs, rmsDbfs } from '../dsp/levels.ts';
import { stageProfile } from '../perf/stage-profile.ts';
import type { RunnableCase } from './case-spec.ts';
import type { Measurement } from './measure-case.ts';

export interface EvaluationContext {
  readonly counter: 'dwt' | 'icount' | 'timer' | 'none';
  readonly clockHz: number;
  readonly cpi: number;
  /** Calibrated per-stage CPI (`hil calibrate`) for the stage profile's estimated cycles. */
  readonly stageCpi?: Readonly<Record<string, number>>;
  readonly requiredMargin: number;
  readonly hop: number;
  readonly rate: number;
}

const EXCERPT = 96;

export function evaluateCase(c: RunnableCase, m: Measurement, golden: Int16Array | null, ctx: EvaluationContext, attempts: number): CaseResult {
  const output = golden ? checkOutput({ output: m.output, golden, tolerance: c.tolerance, hop: ctx.hop, rate: ctx.rate }) : null;
  const margin = checkMargin({ counter: ctx.counter, counts: m.counts, clockHz: ctx.clockHz, cpi: ctx.cpi, hop: ctx.hop, rate: ctx.rate, requiredMargin: ctx.requiredMargin });
  const failed = output?.status === 'fail' || margin.status === 'fail';
  let divergence: CaseResult['divergence'] = null;
  if (output?.status === 'fail' && output.firstMismatch && golden) {
    const start = Math.max(0, output.firstMismatch.sample - EXCERPT / 2);
    const end = Math.min(Math.max(m.output.length, golden.length), start + EXCERPT);
    divergence = { start, output: Array.from(m.output.subarray(start, end)), golden: Array.from(golden.subarray(start, end)) };
  }
  return {
    id: c.id,
    suite: c.suite,
    name: c.name,
    tags: c.tags,
    status: !golden ? 'error' : failed ? 'failed' : 'passed',
    input: c.input,
    golden: c.golden,
    params: m.params,
    frames: m.frames,
    audioSeconds: m.input.length / ctx.rate,
    wallMs: m.wallMs,
    attempts,
    output,
    margin,
    counts: Array.from(m.counts),
    levels: {
      input: { rmsDbfs: rmsDbfs(m.input), peakDbfs: peakDbfs(m.input) },
      output: { rmsDbfs: rmsDbfs(m.output), peakDbfs: peakDbfs(m.output) },
    },
    link: m.link,
    outputWav: null,
    error: golden
      ? null
      : { code: 'INPUT', message: `case ${c.id}: golden output ${c.golden ?? '(none named)'} does not exist; create it with \`hil golden\`` },
    deviceLog: m.deviceLog,
    divergence,
    baseline: null,
    ...(m.stages && ctx.counter !== 'none' ? { profile: stageProfile({ names: m.stages.names, stages: m.stages.counts, counts: m.counts, counter: ctx.counter, cpi: ctx.cpi, ...(ctx.stageCpi ? { stageCpi: ctx.stageCpi } : {}) }) } : {}),
  };
}

/** A case that could not be measured (infrastructure error or interruption). */
export function unmeasuredCase(c: RunnableCase, status: 'error' | 'skipped', error: CaseResult['error'], attempts: number, deviceLog: CaseResult['deviceLog'] = []): CaseResult {
  return {
    id: c.id,
    suite: c.suite,
    name: c.name,
    tags: c.tags,
    status,
    input: c.input,
    golden: c.golden,
    params: c.params,
    frames: 0,
    audioSeconds: 0,
    wallMs: 0,
    attempts,
    output: null,
    margin: null,
    counts: [],
    levels: null,
    link: { resentLines: 0, corruptLines: 0, naks: 0, timeouts: 0 },
    outputWav: null,
    error,
    deviceLog,
    divergence: null,
    baseline: null,
  };
}
