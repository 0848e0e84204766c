/**
 * Per-stage profile of a case: from the frame-major stage counts a profiled run returns
 * (`stages[i * n + k]`, PROTOCOL.md 4.4), per stage the median, p99 and max count, the stage's
 * share of the frame, and the same figures in estimated cycles where the counter counts
 * instructions. Pure.
 *
 * Share: the stage's total over all frames divided by the total of the frame counts, so the
 * shares add up to 1 exactly when the stage counts add up to the frame counts (the agent
 * attributes the model's return to the last stage for that reason). `sumErrorMax` says how far
 * any frame's stage sum is from its frame count (0 from the reference agent).
 */
import { summarize } from '../core/percentiles.ts';

export type CounterKind = 'dwt' | 'icount' | 'timer' | 'none';

export interface StageFigures {
  readonly name: string;
  /** in the counter's unit */
  readonly median: number;
  readonly p99: number;
  readonly max: number;
  /** of the frame, 0 .. 1 */
  readonly share: number;
  /** cycles (counter dwt) or estimated cycles (icount x CPI); null for timer/none */
  readonly cycles: { readonly median: number; readonly p99: number; readonly max: number } | null;
}

export interface StageProfile {
  readonly counter: CounterKind;
  /** the unit of median/p99/max */
  readonly unit: 'instructions' | 'cycles' | 'ticks' | 'none';
  /** true when `cycles` are instructions x CPI */
  readonly estimated: boolean;
  readonly cpi: number | null;
  readonly frames: number;
  readonly stages: readonly StageFigures[];
  /** largest |sum of stage counts - frame count| / frame count over the frames */
  readonly sumErrorMax: number;
  /** e.g. "estimated cycles (instructions x CPI 1.25)" */
  readonly label: string;
}

export interface StageProfileInput {
  readonly names: readonly string[];
  /** frame-major, frames x names.length */
  readonly stages: ArrayLike<number>;
  /** per-frame counts (RESULT.cycles) */
  readonly counts: ArrayLike<number>;
  readonly counter: CounterKind;
  readonly cpi: number;
  /** Calibrated CPI per stage name (`hil calibrate`); a stage not named uses `cpi`. */
  readonly stageCpi?: Readonly<Record<string, number>>;
}

const UNIT = { icount: 'instructions', dwt: 'cycles', timer: 'ticks', none: 'none' } as const;

export function stageProfile(p: StageProfileInput): StageProfile {
  const n = p.names.length;
  const frames = p.counts.length;
  if (n === 0) throw new RangeError('stageProfile: no stage names');
  if (p.stages.length !== frames * n) throw new RangeError(`stageProfile: ${p.stages.length} stage counts for ${frames} frames x ${n} stages`);
  let total = 0;
  let sumErrorMax = 0;
  for (let i = 0; i < frames; i++) {
    const c = p.counts[i]!;
    total += c;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += p.stages[i * n + k]!;
    if (c > 0) sumErrorMax = Math.max(sumErrorMax, Math.abs(sum - c) / c);
    else if (sum > 0) sumErrorMax = Math.max(sumErrorMax, 1);
  }
  const scale = p.counter === 'icount' ? p.cpi : p.counter === 'dwt' ? 1 : null;
  const stages = p.names.map((name, k): StageFigures => {
    const col = new Float64Array(frames);
    let sum = 0;
    for (let i = 0; i < frames; i++) {
      col[i] = p.stages[i * n + k]!;
      sum += col[i]!;
    }
    const s = frames > 0 ? summarize(Array.from(col)) : { median: 0, p99: 0, max: 0 };
    const k0 = scale !== null && p.counter === 'icount' ? (p.stageCpi?.[name] ?? scale) : scale;
    return {
      name,
      median: s.median,
      p99: s.p99,
      max: s.max,
      share: total > 0 ? sum / total : 0,
      cycles: k0 === null ? null : { median: s.median * k0, p99: s.p99 * k0, max: s.max * k0 },
    };
  });
  const perStage = p.counter === 'icount' && p.stageCpi && p.names.some((n) => p.stageCpi![n] !== undefined);
  const label = p.counter === 'icount' ? (perStage ? 'estimated cycles (instructions x calibrated per-stage CPI)' : `estimated cycles (instructions x CPI ${p.cpi})`) : p.counter === 'dwt' ? 'cycles (DWT)' : p.counter === 'timer' ? 'timer ticks' : 'no counter';
  return { counter: p.counter, unit: UNIT[p.counter], estimated: p.counter === 'icount', cpi: p.counter === 'icount' ? p.cpi : null, frames, stages, sumErrorMax, label };
}
