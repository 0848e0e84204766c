/**
 * The level target a tuning session aims for, and how one measured setting scores against it.
 * Pure. Sources, later wins: built-in defaults < the config's `tune` section < command-line flags.
 *
 *   level      active speech level (P.56, dBov) or RMS (dBFS) the output should read
 *   tolerance  +/- dB around `level` that counts as on target
 *   maxPeak    highest sample peak allowed, dBFS
 *   maxClipped most clipped samples allowed (definition in dsp/levels.ts)
 *   minSnrGain least noise reduction: output SNR - input SNR against the clean reference, dB
 *              (scale-invariant, dsp/snr.ts); needs a case with a reference
 * Any of them may be null (not checked).
 */
import { HarnessError } from '../core/errors.ts';
import type { LevelMetrics, SnrMetrics } from '../dsp/level-metrics.ts';

export type LevelMetric = 'active' | 'rms';
export const LEVEL_METRICS: readonly LevelMetric[] = ['active', 'rms'];

export interface TuneGoal {
  readonly metric: LevelMetric;
  readonly level: number | null;
  readonly tolerance: number;
  readonly maxPeak: number | null;
  readonly maxClipped: number | null;
  readonly minSnrGain: number | null;
}

export interface TuneGoalInput {
  readonly metric?: LevelMetric;
  readonly level?: number | null;
  readonly tolerance?: number;
  readonly maxPeak?: number | null;
  readonly maxClipped?: number | null;
  readonly minSnrGain?: number | null;
}

/** ITU-T P.56 nominal active level for speech on a digital interface (-26 dBov), +/- 1 dB, peak <= -1 dBFS, no clipping. */
export const DEFAULT_GOAL: TuneGoal = { metric: 'active', level: -26, tolerance: 1, maxPeak: -1, maxClipped: 0, minSnrGain: null };

export interface GoalMargins {
  /** tolerance - |level error|, dB (>= 0: on target). */
  readonly level: number | null;
  /** maxPeak - peak, dB of headroom (>= 0: within). */
  readonly peak: number | null;
  /** maxClipped - clipped samples (>= 0: within). */
  readonly clipped: number | null;
  /** SNR improvement - minSnrGain, dB (>= 0: enough noise reduction). */
  readonly snrGain?: number | null;
}

export interface GoalVerdict {
  readonly pass: boolean;
  /** The output has no measurable level of the goal's metric (silence). */
  readonly silent: boolean;
  /** measured level - goal level, dB (null without a level goal; Infinity-free: null when unmeasurable). */
  readonly levelErrorDb: number | null;
  readonly margins: GoalMargins;
  /** One short phrase per failed constraint, e.g. "active level -31.2 dBov is 4.2 dB below -26 +/- 1". */
  readonly violations: string[];
}

export function resolveGoal(...layers: ReadonlyArray<TuneGoalInput | undefined>): TuneGoal {
  let g: TuneGoal = DEFAULT_GOAL;
  for (const l of layers) {
    if (!l) continue;
    g = {
      metric: l.metric ?? g.metric,
      level: l.level !== undefined ? l.level : g.level,
      tolerance: l.tolerance ?? g.tolerance,
      maxPeak: l.maxPeak !== undefined ? l.maxPeak : g.maxPeak,
      maxClipped: l.maxClipped !== undefined ? l.maxClipped : g.maxClipped,
      minSnrGain: l.minSnrGain !== undefined ? l.minSnrGain : g.minSnrGain,
    };
  }
  const bad = (key: string, v: unknown, want: string) => {
    throw new HarnessError('USAGE', `--${key} ${String(v)}: expected ${want}`, { key });
  };
  if (!LEVEL_METRICS.includes(g.metric)) bad('level-metric', g.metric, LEVEL_METRICS.join(' or '));
  if (g.level !== null && (!Number.isFinite(g.level) || g.level > 0 || g.level < -120)) bad('target-level', g.level, 'a level from -120 to 0 dB');
  if (!Number.isFinite(g.tolerance) || g.tolerance < 0) bad('level-tolerance', g.tolerance, 'a non-negative number of dB');
  if (g.maxPeak !== null && (!Number.isFinite(g.maxPeak) || g.maxPeak > 0)) bad('max-peak', g.maxPeak, 'a peak of 0 dBFS or below');
  if (g.maxClipped !== null && (!Number.isInteger(g.maxClipped) || g.maxClipped < 0)) bad('max-clipped', g.maxClipped, 'a non-negative integer');
  if (g.minSnrGain !== null && (!Number.isFinite(g.minSnrGain) || g.minSnrGain < -60 || g.minSnrGain > 60)) bad('min-snr-gain', g.minSnrGain, 'a number of dB from -60 to 60');
  return g;
}

export function levelOf(m: LevelMetrics, metric: LevelMetric): number | null {
  return metric === 'active' ? m.activeDbov : m.rmsDbfs;
}

export function levelUnit(metric: LevelMetric): string {
  return metric === 'active' ? 'dBov' : 'dBFS';
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function evaluateGoal(goal: TuneGoal, m: LevelMetrics, snr: SnrMetrics | null = null): GoalVerdict {
  const violations: string[] = [];
  const name = goal.metric === 'active' ? 'active level' : 'RMS level';
  const unit = levelUnit(goal.metric);
  let levelErrorDb: number | null = null;
  let levelMargin: number | null = null;
  if (goal.level !== null) {
    const lvl = levelOf(m, goal.metric);
    if (lvl === null) {
      levelMargin = Number.NEGATIVE_INFINITY;
      violations.push(`${name}: no signal (silence)`);
    } else {
      levelErrorDb = round(lvl - goal.level);
      levelMargin = round(goal.tolerance - Math.abs(lvl - goal.level));
      if (levelMargin < 0) {
        const dir = lvl < goal.level ? 'below' : 'above';
        violations.push(`${name} ${lvl.toFixed(2)} ${unit} is ${Math.abs(levelErrorDb).toFixed(2)} dB ${dir} ${goal.level} +/- ${goal.tolerance}`);
      }
    }
  }
  let peakMargin: number | null = null;
  if (goal.maxPeak !== null) {
    peakMargin = m.peakDbfs === null ? round(goal.maxPeak + 120) : round(goal.maxPeak - m.peakDbfs);
    if (peakMargin < 0) violations.push(`peak ${m.peakDbfs!.toFixed(2)} dBFS is above ${goal.maxPeak} dBFS`);
  }
  let clipMargin: number | null = null;
  if (goal.maxClipped !== null) {
    clipMargin = goal.maxClipped - m.clipped;
    if (clipMargin < 0) violations.push(`${m.clipped} clipped samples (at most ${goal.maxClipped})`);
  }
  let snrMargin: number | null = null;
  if (goal.minSnrGain !== null) {
    const gain = snr?.improvementDb ?? null;
    if (gain === null) violations.push('noise reduction: not measurable (the case needs a clean reference)');
    else {
      snrMargin = round(gain - goal.minSnrGain);
      if (snrMargin < 0) violations.push(`noise reduction ${gain.toFixed(2)} dB is below ${goal.minSnrGain} dB`);
    }
  }
  return {
    pass: violations.length === 0,
    silent: levelOf(m, goal.metric) === null,
    levelErrorDb,
    margins: { level: levelMargin === Number.NEGATIVE_INFINITY ? null : levelMargin, peak: peakMargin, clipped: clipMargin, ...(goal.minSnrGain !== null ? { snrGain: snrMargin } : {}) },
    violations,
  };
}
