/**
 * Run a sweep on an open session: play the case once per setting, score each against the goal,
 * rank them, then replay the best setting once to keep its output and to confirm the device
 * reproduces the same levels (state reset between settings works). Streams on the live device;
 * the scoring and ranking are pure.
 */
import type { LevelMetrics, SnrMetrics } from '../dsp/level-metrics.ts';
import { measureLevels } from '../dsp/level-metrics.ts';
import type { Session } from '../session/session.ts';
import { evaluateGoal, type GoalVerdict, type TuneGoal } from './goal.ts';
import { playSetting, type PlayInput } from './play-setting.ts';
import { rankSettings } from './rank.ts';
import type { Setting } from './sweep-spec.ts';

export interface SweepPoint {
  readonly index: number;
  /** The swept values of this setting. */
  readonly setting: Setting;
  /** Every device parameter as applied (quantised by the device). */
  readonly applied: Record<string, number>;
  readonly levels: LevelMetrics;
  readonly snr: SnrMetrics | null;
  readonly verdict: GoalVerdict;
  readonly wallMs: number;
}

export interface SweepResult {
  readonly inputLevels: LevelMetrics;
  readonly points: SweepPoint[];
  /** Point indices, best first. */
  readonly ranking: number[];
  readonly interrupted: boolean;
  /** Output of the best setting, from a confirming replay (null for an empty or interrupted sweep). */
  readonly bestOutput: Int16Array | null;
  /** The replay measured exactly the same levels as the sweep (null when not replayed). */
  readonly reproducible: boolean | null;
}

export interface SweepOptions {
  readonly audio: PlayInput;
  readonly base: Setting;
  readonly settings: readonly Setting[];
  readonly goal: TuneGoal;
  readonly signal?: AbortSignal;
  readonly onPoint?: (p: SweepPoint, done: number, total: number) => void;
}

export async function runSweep(session: Session, o: SweepOptions): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  let interrupted = false;
  for (const [index, setting] of o.settings.entries()) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const played = await playSetting(session, o.audio, o.base, setting);
    const point: SweepPoint = {
      index,
      setting,
      applied: played.applied,
      levels: played.levels,
      snr: played.snr,
      verdict: evaluateGoal(o.goal, played.levels, played.snr),
      wallMs: Math.round(played.wallMs),
    };
    points.push(point);
    o.onPoint?.(point, points.length, o.settings.length);
  }
  const ranking = rankSettings(points);
  let bestOutput: Int16Array | null = null;
  let reproducible: boolean | null = null;
  if (!interrupted && ranking.length > 0) {
    const best = points[ranking[0]!]!;
    const again = await playSetting(session, o.audio, o.base, best.setting);
    bestOutput = again.output;
    reproducible = JSON.stringify(again.levels) === JSON.stringify(best.levels);
  }
  return { inputLevels: measureLevels(o.audio.samples, session.info.rate), points, ranking, interrupted, bestOutput, reproducible };
}
